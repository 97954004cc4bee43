package localuses

import (
	"testing"

	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/lint/linttest"
)

const notifyWorkflow = `on: workflow_call
jobs:
  notify:
    runs-on: ubuntu-latest
    steps:
      - run: ./notify.sh
`

// job wraps steps in a workflow with one job.
func job(steps string) string {
	return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + steps
}

// TestNoInputError: a step naming a workflow file made actionlint's
// metadata lookup (x.yml/action.yml) an unreadable input, which ended the
// whole run with exit 2; it is a finding now, and nothing else.
func TestNoInputError(t *testing.T) {
	res := linttest.Run(t, map[string]string{
		".github/workflows/notify.yml": notifyWorkflow,
		".github/workflows/ci.yml":     job("      - uses: ./.github/workflows/notify.yml\n"),
	}, actionlintrules.Check, Check)
	for _, e := range res.Errors {
		t.Errorf("input error: %v", e)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != Rule.ID {
		t.Errorf("want one %s finding, got %v", Rule.ID, res.Findings)
	}
}
