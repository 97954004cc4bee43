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
# Over the same directories it also runs the steps after the checks:
# --baseline-write then lint with that baseline, --new-from-rev and
# --new-from-merge-base on a two-commit git repository made from the
# directory (the first commit holds the first half of each file's lines
# but the whole configuration),
# and --diff and --fix (the files --fix wrote are compared too). Each runs
# in a scratch copy at the same path for both binaries.
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
	n=0
	for d in $targets; do
		n=$((n + 1))
		adopt "$1" "$2/$n" "$d"
	done
	"$1" rules >"$2/rules" 2>&1 || echo "exit $?" >>"$2/rules"
	for id in $("$1" rules --format json 2>/dev/null | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p'); do
		"$1" explain "$id" >>"$2/explain" 2>&1 || echo "exit $?" >>"$2/explain"
	done
}
# lintin DIR OUT BIN ARGS...: BIN lint ARGS in DIR, output and exit code
# appended to OUT.
lintin() {
	dir=$1 out=$2 bin=$3
	shift 3
	echo "# lint $*" >>"$out"
	(cd "$dir" && "$bin" lint --color never "$@" >>"$out" 2>&1) || echo "exit $?" >>"$out"
}

# scratch DIR: a fresh copy of DIR at $tmp/w, the same path every time.
scratch() {
	rm -rf "$tmp/w"
	cp -R "$1" "$tmp/w"
	rm -rf "$tmp/w/.git"
}

# adopt BIN OUTPREFIX DIR: the adoption and fix runs over a copy of DIR.
adopt() {
	scratch "$3"
	lintin "$tmp/w" "$2-baseline" "$1" --format json --baseline-write lint-baseline.json .
	cat "$tmp/w/lint-baseline.json" >>"$2-baseline" 2>&1 || true
	lintin "$tmp/w" "$2-baseline" "$1" --format json --baseline lint-baseline.json .
	lintin "$tmp/w" "$2-baseline" "$1" --format text --baseline lint-baseline.json .

	scratch "$3"
	g() { git -C "$tmp/w" -c user.name=golden -c user.email=golden@example.invalid -c commit.gpgsign=false "$@"; }
	g init -q -b main
	find "$tmp/w" -type f ! -path '*/.git/*' | sort >"$tmp/files"
	mkdir "$tmp/full"
	while IFS= read -r f; do
		mkdir -p "$tmp/full/$(dirname "${f#"$tmp/w/"}")"
		cp "$f" "$tmp/full/${f#"$tmp/w/"}"
		case ${f##*/} in
		.releasegate.y*ml) ;; # a changed configuration makes every finding new
		*) head -n $(($(wc -l <"$f") / 2)) "$tmp/full/${f#"$tmp/w/"}" >"$f" ;;
		esac
	done <"$tmp/files"
	GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE # the same commits for both binaries
	g add -A && g commit -q -m half
	cp -R "$tmp/full/." "$tmp/w/" && rm -rf "$tmp/full"
	GIT_AUTHOR_DATE=2000-01-02T00:00:00Z GIT_COMMITTER_DATE=2000-01-02T00:00:00Z
	g add -A && g commit -q -m full
	lintin "$tmp/w" "$2-newfrom" "$1" --format json --new-from-rev HEAD~1 .
	lintin "$tmp/w" "$2-newfrom" "$1" --format text --new-from-rev HEAD~1 .
	lintin "$tmp/w" "$2-newfrom" "$1" --format sarif --new-from-merge-base HEAD~1 .

	scratch "$3"
	lintin "$tmp/w" "$2-fix" "$1" --diff .
	lintin "$tmp/w" "$2-fix" "$1" --format json --fix .
	diff -r "$3" "$tmp/w" >>"$2-fix" 2>&1 || true
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
