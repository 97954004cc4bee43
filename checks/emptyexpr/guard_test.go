package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestOwnGuard: a job or step whose if: tests a value for emptiness gets
// no finding for that value, and the if: is the check, not the bug.
func TestOwnGuard(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "the if: that tests an input is not itself a finding", Files: wf(`on:
  push:
  workflow_dispatch:
    inputs:
      pr_number:
        description: pull request to rebuild
jobs:
  rebuild:
    if: inputs.pr_number != ''
    runs-on: ubuntu-latest
    steps:
      - run: ./rebuild.sh --pr ${{ inputs.pr_number }}
  default:
    runs-on: ubuntu-latest
    steps:
      - run: ./rebuild.sh --pr ${{ inputs.pr_number || 'main' }}
`)},
		{Name: "a truth test of a string input guards its reads in the step", Files: wf(`on:
  push:
    tags: ['v*']
  workflow_dispatch:
    inputs:
      channel:
        default: beta
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - if: github.event.inputs.channel && github.ref_type == 'tag'
        run: ./publish.sh --channel ${{ inputs.channel }}
`)},
		{Name: "a needed job's output tested in an always() job", Files: wf(`on: push
jobs:
  setup:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    outputs:
      runner: ${{ steps.r.outputs.runner }}
    steps:
      - id: r
        run: echo "runner=big" >> "$GITHUB_OUTPUT"
  report:
    needs: setup
    if: always() && needs.setup.outputs.runner != null
    runs-on: ${{ needs.setup.outputs.runner }}
    steps:
      - run: ./report.sh
`)},
		{Name: "a bare boolean input is a value test, not a guard", Files: wf(`on:
  schedule:
    - cron: '0 3 * * *'
  workflow_dispatch:
    inputs:
      e2e:
        type: boolean
        default: true
jobs:
  e2e:
    if: »inputs.e2e
    runs-on: ubuntu-latest
    steps:
      - run: make e2e
`), Msg: "silently skipped on schedule"},
	})
}
