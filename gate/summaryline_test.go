package gate

import (
	"testing"

	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/rule"
)

// TestSummaryLineCountsInSingular: one violation is "1 error", not
// "1 errors".
func TestSummaryLineCountsInSingular(t *testing.T) {
	res := &Result{Decision: Fail, Violations: []policies.Violation{{Rule: "tag-exists", Severity: rule.Error}}}
	if got, want := summaryLine(res), "decision: fail (1 error, 0 warnings, 0 notes); requests: 0"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
