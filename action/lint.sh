#!/usr/bin/env bash
# Runs releasegate lint for action.yml (the pull-request check): one run
# writes annotations (--format github), the SARIF report and the step
# summary; its exit code is the check's.
#
# With a baseline, findings recorded in it are hidden. With
# new-from-merge-base (by default the pull request's base branch), only
# findings on lines the pull request changed are reported: the base
# branch is fetched when the checkout lacks it, and a shallow checkout is
# deepened so the merge base can be found.
#
# Environment (action.yml sets it):
#   RG_BIN                   the releasegate binary
#   RG_PATHS                 space-separated paths to lint
#   RG_CONFIG                configuration file, or empty
#   RG_FAIL_ON               error, warning or note
#   RG_SARIF                 where to write the SARIF report; empty means
#                            $RUNNER_TEMP/releasegate.sarif (the path is
#                            written to $GITHUB_OUTPUT as sarif-file)
#   RG_BASELINE              a baseline file, or empty
#   RG_NEW_FROM_MERGE_BASE   a branch or ref, or empty / "none" for every finding
set -euo pipefail

fail() {
  echo "::error title=releasegate::$*"
  exit 2
}

# git as releasegate runs it: nothing the checkout's own configuration
# names is executed (a pull request's checkout is not trusted).
git_() { git -c core.fsmonitor=false -c core.hooksPath=/dev/null "$@"; }

# merge_base_ref sets ref to a ref for the base branch that names a
# commit here, fetching it (and the history both sides need) when missing.
merge_base_ref() {
  local base=$1
  if git_ rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    ref=$base
  else
    ref="origin/$base"
    local spec="+refs/heads/$base:refs/remotes/origin/$base"
    local deepen=()
    if [[ "$(git_ rev-parse --is-shallow-repository)" == true ]]; then
      deepen=(--unshallow)
    fi
    echo "releasegate: fetching $base from origin to find the merge base" >&2
    git_ fetch --no-tags --quiet ${deepen[@]+"${deepen[@]}"} origin "$spec" ||
      fail "new-from-merge-base: cannot fetch $base from origin; check out with fetch-depth: 0, or set new-from-merge-base: none"
  fi
  if ! git_ merge-base "$ref" HEAD >/dev/null 2>&1 && [[ "$(git_ rev-parse --is-shallow-repository)" == true ]]; then
    git_ fetch --no-tags --quiet --unshallow origin ||
      fail "new-from-merge-base: the checkout is shallow and could not be deepened; check out with fetch-depth: 0"
  fi
}

# The SARIF report goes outside the checkout unless asked otherwise: a
# pull request can commit a symbolic link at any path inside it.
# (releasegate refuses to write through one anyway, but then the check
# fails instead of reporting.)
sarif="${RG_SARIF:-}"
if [[ -z "$sarif" ]]; then
  [[ -n "${RUNNER_TEMP:-}" ]] || fail "sarif-file: empty, and RUNNER_TEMP is not set to put the report in"
  sarif="$RUNNER_TEMP/releasegate.sarif"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
fi

args=(--format github --sarif "$sarif" --fail-on "$RG_FAIL_ON")
if [[ -n "${RG_CONFIG:-}" ]]; then args+=(--config "$RG_CONFIG"); fi
if [[ -n "${RG_BASELINE:-}" ]]; then args+=(--baseline "$RG_BASELINE"); fi
base="${RG_NEW_FROM_MERGE_BASE:-}"
if [[ -n "$base" && "$base" != none ]]; then
  merge_base_ref "$base"
  args+=(--new-from-merge-base "$ref")
fi
read -r -a paths <<<"${RG_PATHS:-.}"
exec "$RG_BIN" lint "${args[@]}" "${paths[@]}"
