#!/usr/bin/env bash
# Installs releasegate for action.yml (the pull-request check).
#
# - A release tag (the `version` input, or the tag the workflow pinned the
#   action to): downloads that release's archive for this runner, checks
#   its SHA-256 against the release's checksums.txt and refuses it on any
#   mismatch, then keeps it in the runner's tool cache for later jobs.
# - Any other ref (a branch, a commit, `uses: ./`): builds the action's
#   own source with the Go already on the runner. Nothing is added to PATH
#   or to the job's environment, so the job's own Go stays what it was.
#
# Environment (action.yml sets it):
#   RG_VERSION      the `version` input: a release such as v1.2.3, or empty
#   RG_ACTION_REF   github.action_ref: the ref in `uses:` (v1.2.3, main, a SHA)
#   RG_ACTION_PATH  github.action_path: the action's files
#   RG_RELEASES     where releases are downloaded from (default: GitHub);
#                   tests point it at a local server
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, RUNNER_TOOL_CACHE, GITHUB_OUTPUT
#
# Writes path=<binary> to $GITHUB_OUTPUT.
set -euo pipefail

releases="${RG_RELEASES:-https://github.com/releasegate/releasegate/releases/download}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

fail() {
  echo "::error title=releasegate install::$*"
  exit 1
}

# release_tag sets tag to the release to install, or to nothing for a
# source build.
release_tag() {
  local release='^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'
  tag=""
  if [[ -n "${RG_VERSION:-}" ]]; then
    tag="v${RG_VERSION#v}"
    [[ "$tag" =~ $release ]] || fail "version input '$RG_VERSION' is not a release such as v1.2.3"
    return
  fi
  local ref="${RG_ACTION_REF:-}"
  # github.action_ref can be empty inside composite actions; the action's
  # directory (…/_actions/OWNER/REPO/REF) still names the ref.
  if [[ -z "$ref" && "${RG_ACTION_PATH:-}" == */_actions/*/*/* ]]; then
    ref="${RG_ACTION_PATH##*/}"
  fi
  if [[ "$ref" =~ $release ]]; then
    tag=$ref
  fi
}

platform() {
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux) os=linux ;;
    macOS | Darwin) os=darwin ;;
    Windows | MINGW* | MSYS*) os=windows ;;
    *) fail "no releasegate release for runner OS ${RUNNER_OS:-$(uname -s)}" ;;
  esac
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=amd64 ;;
    ARM64 | arm64 | aarch64) arch=arm64 ;;
    *) fail "no releasegate release for runner architecture ${RUNNER_ARCH:-$(uname -m)}" ;;
  esac
  exe="" ext=tar.gz
  if [[ $os == windows ]]; then exe=.exe ext=zip; fi
}

# sha256 prints the SHA-256 of stdin (stdin, so that no file name, with
# Windows backslashes, gets escaped into the output).
sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum | cut -d' ' -f1
  elif command -v shasum >/dev/null; then
    shasum -a 256 | cut -d' ' -f1
  else
    openssl dgst -sha256 -r | cut -d' ' -f1
  fi
}

fetch() {
  curl --fail --silent --show-error --location --proto-redir =https \
    --retry 3 --connect-timeout 20 --max-time 300 --output "$2" "$1" ||
    fail "could not download $1"
}

extract() { # archive dir
  case "$1" in
    *.tar.gz) tar -xzf "$1" -C "$2" ;;
    *.zip)
      if command -v unzip >/dev/null; then
        unzip -q -o "$1" -d "$2"
      elif command -v 7z >/dev/null; then
        7z x -y -o"$2" "$1" >/dev/null
      else
        powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$1' -DestinationPath '$2'"
      fi
      ;;
  esac
}

install_release() { # tag
  local tag=$1 version=${1#v}
  local archive="releasegate_${version}_${os}_${arch}.${ext}"
  local dir="${RUNNER_TOOL_CACHE:-$temp/tool-cache}/releasegate/$version/$arch"
  bin="$dir/releasegate$exe"
  # The tool cache's convention: a version is usable once its marker
  # exists, written only after the checksum matched.
  if [[ -f "$dir.complete" && -x "$bin" ]]; then
    echo "releasegate $tag from the tool cache: $bin"
    return
  fi
  local work
  work=$(mktemp -d "$temp/releasegate.XXXXXX")
  # shellcheck disable=SC2064 # expand now: work is local
  trap "rm -rf '$work'" EXIT
  fetch "$releases/$tag/checksums.txt" "$work/checksums.txt"
  fetch "$releases/$tag/$archive" "$work/$archive"

  local want got
  want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/checksums.txt")
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] ||
    fail "checksums.txt of releasegate $tag does not list exactly one SHA-256 for $archive; not installing it"
  got=$(sha256 <"$work/$archive")
  [[ "$got" == "$want" ]] ||
    fail "checksum mismatch for $archive: checksums.txt of $tag says $want, the download is $got; not installing it"
  echo "releasegate $tag: $archive matches checksums.txt ($got)"

  mkdir -p "$work/x"
  extract "$work/$archive" "$work/x"
  # releasegate-gate is the gate half, which `releasegate gate` runs from
  # beside releasegate.
  local half
  for half in releasegate releasegate-gate; do
    [[ -f "$work/x/$half$exe" ]] || fail "$archive has no $half$exe"
  done
  rm -rf "$dir"
  mkdir -p "$dir"
  for half in releasegate releasegate-gate; do
    mv "$work/x/$half$exe" "$dir/$half$exe"
    chmod +x "$dir/$half$exe"
  done
  touch "$dir.complete"
}

build_from_source() {
  local src="${RG_ACTION_PATH:?RG_ACTION_PATH is not set}"
  local ref="${RG_ACTION_REF:-}"
  command -v go >/dev/null ||
    fail "the action runs from '${ref:-$src}', which is not a release tag: building releasegate from source needs Go on PATH; or set the action's version input to a release such as v1.2.3"
  local commit
  commit=$(git -C "$src" rev-parse HEAD 2>/dev/null) || commit=""
  if [[ -z "$commit" && "$ref" =~ ^[0-9a-f]{40}$ ]]; then commit=$ref; fi
  local dir="$temp/releasegate-source"
  bin="$dir/releasegate$exe"
  echo "releasegate: '${ref:-$src}' is not a release tag; building ${commit:-its source} with $(go version)"
  # Only this command sees these settings: a toolchain newer than the
  # job's is fetched by Go itself (GOTOOLCHAIN) into its module cache, and
  # the job's cross-compilation or module settings do not leak in.
  (cd "$src" && env -u GOOS -u GOARCH -u GOEXPERIMENT \
    GOFLAGS=-buildvcs=false GOWORK=off GOTOOLCHAIN=auto \
    go build -trimpath -ldflags "-X main.commit=$commit" -o "$dir/" ./cmd/releasegate ./cmd/releasegate-gate) ||
    fail "could not build releasegate from $src"
}

platform
release_tag
if [[ -n "$tag" ]]; then
  install_release "$tag"
else
  build_from_source
fi
"$bin" version
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "path=$bin" >>"$GITHUB_OUTPUT"
fi
