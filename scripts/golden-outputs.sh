#!/bin/sh
# golden-outputs.sh REV [CORPUS_DIR ...]
#
# Guards a restructuring that must not change behaviour: builds
# ./cmd/releasegate from git revision REV and from the working tree, runs
# `lint` in the text, json and sarif formats over every fixture repository
# (fixtures/testdata/*/*, the ones the CLI tests lint) and over each
# directory below each CORPUS_DIR (for example workflows of real projects,
# kept outside this repository), plus `rules` and `explain` of every rule,
# and compares the outputs and exit codes byte for byte.
# Exits 1 and prints the differences when anything differs, 2 on misuse.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 REV [CORPUS_DIR ...]" >&2; exit 2; }
rev=$1; shift
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Both binaries without VCS stamps, so a version string cannot differ.
mkdir "$tmp/src"
git -C "$root" archive "$rev" | tar -x -C "$tmp/src"
(cd "$tmp/src" && go build -buildvcs=false -o "$tmp/old" ./cmd/releasegate)
(cd "$root" && go build -buildvcs=false -o "$tmp/new" ./cmd/releasegate)

targets=$(ls -d "$root"/fixtures/testdata/*/*/)
for c in "$@"; do
	targets="$targets $(ls -d "$(cd "$c" && pwd)"/*/)"
done

# run BIN OUTDIR: every output of BIN into OUTDIR, one file per run.
run() {
	n=0
	for d in $targets; do
		n=$((n + 1))
		for f in text json sarif; do
			out="$2/$n-$f"
			echo "# lint --format $f ${d#"$root"/}" >"$out"
			(cd "$d" && "$1" lint --color never --format "$f" . >>"$out" 2>&1) || echo "exit $?" >>"$out"
		done
	done
	"$1" rules >"$2/rules" 2>&1 || echo "exit $?" >>"$2/rules"
	for id in $("$1" rules --format json 2>/dev/null | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p'); do
		"$1" explain "$id" >>"$2/explain" 2>&1 || echo "exit $?" >>"$2/explain"
	done
}
mkdir "$tmp/a" "$tmp/b"
run "$tmp/old" "$tmp/a"
run "$tmp/new" "$tmp/b"
if diff -r "$tmp/a" "$tmp/b"; then
	echo "identical: $(ls "$tmp/a" | wc -l) outputs over $(echo $targets | wc -w) directories, $rev vs working tree"
else
	echo "outputs differ between $rev and the working tree" >&2
	exit 1
fi
