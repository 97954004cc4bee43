package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestEnvConsumers: an env: value that a dispatch input empties on push is
// reported (at the env: value) only when a consumer in its scope needs it.
func TestEnvConsumers(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "if: comparison that the empty value flips", Files: wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    env:
      RUN_TESTS: »${{ inputs.run_tests }}
    steps:
      - run: make
      - if: env.RUN_TESTS == 'true'
        run: make test
`), Msg: "if: env.RUN_TESTS == 'true' (line 26) needs a value"},
		{Name: "twin: comparison the empty value answers like the default", Files: wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    env:
      UNSIGNED: ${{ inputs.allow_unsigned }}
      RUN_TESTS: ${{ inputs.run_tests }}
    steps:
      - if: env.UNSIGNED == 'true'
        run: ./skip-signing.sh
      - if: env.RUN_TESTS != 'false'
        run: make test
      - run: |
          if [ "$UNSIGNED" = "true" ]; then
            echo "signing skipped"
          fi
`)},
		{Name: "shell comparison the empty value flips", Files: wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - env:
          RUN_TESTS: »${{ inputs.run_tests }}
        run: |
          if [[ "$RUN_TESTS" == "true" ]]; then
            make test
          fi
`), Msg: "$RUN_TESTS compared with \"true\""},
		{Name: "path and redirection targets", Files: wf(pushAndDispatch + `jobs:
  build:
    runs-on: ubuntu-latest
    env:
      CHANNEL: »${{ inputs.mode }}
      OUT: »${{ inputs.tag }}
    steps:
      - run: cd "dist/$CHANNEL"
      - run: make manifest > "$OUT"
`), Msg: "needs a value"},
		{Name: "value copied to a shell variable, then pushed", Files: wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - env:
          TAG: »${{ inputs.tag }}
        run: |
          version="${TAG#v}"
          docker push "ghcr.io/acme/app:$version"
`), Msg: "passed to docker"},
		{Name: "with: value with text around env", Files: wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    env:
      TAG: »${{ inputs.tag }}
    steps:
      - uses: acme/release-action@v1
        with:
          args: --tag ${{ env.TAG }} --sign
`), Msg: "with.args (line 27)"},
		{Name: "twin: every consumer handles the empty value", Files: wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    env:
      MODE: ${{ inputs.mode }}
      TAG: ${{ inputs.tag }}
      CHANNEL: ${{ github.event.inputs.mode }}
      STRICT: ${{ inputs.run_tests }}
    steps:
      - run: ./release.sh --mode "${MODE:-full}"
      - run: |
          if [ -z "$TAG" ]; then
            TAG=latest
          fi
          docker push "ghcr.io/acme/app:$TAG"
      - run: |
          [[ -n $CHANNEL ]] || exit 0
          ./promote.sh "$CHANNEL"
      - run: |
          case "$STRICT" in
            true) make strict ;;
            *) make ;;
          esac
      - run: ./check.sh "${TAG:?set a tag}"
`)},
		{Name: "twin: script branches on the triggering event", Files: wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - env:
          EVENT: ${{ github.event_name }}
          TAG: ${{ inputs.tag }}
        run: |
          if [ "$EVENT" = "workflow_dispatch" ]; then
            version="${TAG#v}"
          else
            version="${GITHUB_REF_NAME#v}"
          fi
          ./release.sh "$version"
      - env:
          MODE: ${{ inputs.mode }}
        run: |
          if [ "$GITHUB_EVENT_NAME" = push ]; then MODE=full; fi
          ./release.sh --mode "$MODE"
`)},
		{Name: "twin: only shown, never needed", Files: wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    env:
      MODE: ${{ inputs.mode }}
    steps:
      - run: |
          echo "::notice::mode=$MODE"
          echo "mode=$MODE" >> "$GITHUB_OUTPUT"
          export MODE
`)},
		{Name: "twin: consumer runs only on dispatch", Files: wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    env:
      MODE: ${{ inputs.mode }}
    steps:
      - if: github.event_name == 'workflow_dispatch'
        run: ./release.sh --mode "$MODE"
`)},
		{Name: "twin: a step redefines the variable", Files: wf(pushAndDispatch + `env:
  MODE: ${{ inputs.mode }}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - env:
          MODE: ${{ inputs.mode || 'full' }}
        run: ./release.sh --mode "$MODE"
`)},
		{Name: "twin: boolean default false read as == true", Files: wf(`on:
  schedule:
    - cron: '0 4 * * *'
  workflow_dispatch:
    inputs:
      dry_run:
        type: boolean
        default: false
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      DRY_RUN: ${{ inputs.dry_run }}
    steps:
      - run: |
          if [ "$DRY_RUN" == "true" ]; then
            exit 0
          fi
          ./publish.sh
`)},
	})
}

// TestRunReads: dispatch inputs written straight into a run: script are
// judged by how the script reads them.
func TestRunReads(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "comparison with true, default true", Files: wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: |
          if [ "»${{ inputs.run_tests }}" = "true" ]; then
            make test
          fi
`), Msg: "compared with \"true\""},
		{Name: "assigned, then pushed", Files: wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: |
          TAG=»${{ inputs.tag }}
          docker push "ghcr.io/acme/app:${TAG}"
`), Msg: "passed to docker (line 25)"},
		{Name: "twin: comparison with true, default false", Files: wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: |
          case "${GITHUB_REF}" in
            refs/tags/v*) ;;
            *)
              if [ "${{ inputs.allow_unsigned }}" = "true" ]; then
                exit 0
              fi
              exit 1
              ;;
          esac
`)},
		{Name: "twin: shown, tested, defaulted", Files: wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: echo "Releasing ${{ inputs.tag }}"
      - run: |
          if [ -z "${{ inputs.mode }}" ]; then exit 0; fi
          ./release.sh --mode "${{ inputs.mode }}"
      - run: |
          TAG="${{ inputs.tag }}"
          ./release.sh --tag "${TAG:-latest}"
`)},
		{Name: "twin: scripts of other interpreters are not read", Files: wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - shell: python
        run: |
          print("releasing ${{ inputs.tag }}")
  windows:
    runs-on: windows-latest
    steps:
      - run: |
          $mode = "${{ inputs.mode }}"
          if ($mode.Length -lt 1) { $mode = "full" }
          ./release.ps1 -Mode $mode
  matrix:
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    runs-on: ${{ matrix.os }}
    steps:
      - run: ./release.sh ${{ inputs.mode }}
`)},
	})
}
