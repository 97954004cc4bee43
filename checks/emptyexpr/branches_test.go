package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestEventBranches: a script's test of the triggering event guards only
// the branch that runs on workflow_dispatch; an argument written into a
// file that is a command line is an argument.
func TestEventBranches(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "the else branch of a dispatch test", Files: wf(pushAndDispatch + `jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - run: |
          if [[ "${{ github.event_name }}" == "workflow_dispatch" ]]; then
            echo "manual run"
          else
            ./report.sh --mode "»${{ inputs.mode }}"
          fi
`), Msg: "the script needs a value there: passed to ./report.sh"},
		{Name: "the then branch of a negated $GITHUB_EVENT_NAME test", Files: wf(pushAndDispatch + `jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - env:
          TAG: »${{ inputs.tag }}
        run: |
          if [ "$GITHUB_EVENT_NAME" != workflow_dispatch ]; then
            docker push "ghcr.io/acme/app:$TAG"
          fi
`), Msg: "$TAG passed to docker"},
		{Name: "an argument written into a Procfile", Files: wf(pushAndDispatch + `jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "e2e: bin/ci --suite=»${{ inputs.mode }}" >> Procfile
          foreman start
`), Msg: "written as an argument into the file Procfile"},
		{Name: "twin: the read sits in the dispatch branch", Files: wf(pushAndDispatch + `jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - run: |
          if [[ "$GITHUB_EVENT_NAME" == "workflow_dispatch" ]]; then
            ./report.sh --mode "${{ inputs.mode }}"
          else
            ./report.sh --mode full
          fi
`)},
		{Name: "twin: a test of another event guards the whole script", Files: wf(pushAndDispatch + `jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - run: |
          if [[ "$GITHUB_EVENT_NAME" == "push" ]]; then
            exit 0
          fi
          ./report.sh --mode "${{ inputs.mode }}"
`)},
		{Name: "twin: the script branches on a step output computed from the event", Files: wf(`on:
  schedule:
    - cron: '0 4 * * *'
  workflow_dispatch:
    inputs:
      version:
        default: snapshot
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - id: plan
        run: ./scripts/plan.sh "${{ github.event_name }}" >> "$GITHUB_OUTPUT"
      - run: |
          if [ "${{ steps.plan.outputs.kind }}" != "snapshot" ]; then
            git tag -a "${{ github.event.inputs.version }}" -m release
          fi
`)},
		{Name: "twin: a value written to the step summary", Files: wf(pushAndDispatch + `jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - run: echo "ran with --suite=${{ inputs.mode }}" >> "$GITHUB_STEP_SUMMARY"
`)},
	})
}
