package catalog

import (
	"strconv"
	"testing"

	"github.com/releasegate/releasegate/rule"
)

// TestRuleFacts: the facts code scanning ranks alerts by are well formed
// wherever a rule literal sets them, and the credential rules set them.
func TestRuleFacts(t *testing.T) {
	rules := Rules()
	for _, r := range rules.All() {
		if s := r.SecuritySeverity; s != "" {
			if v, err := strconv.ParseFloat(s, 64); err != nil || v < 0.1 || v > 10 {
				t.Errorf("%s: security severity %q is not a score from 0.1 to 10.0", r.ID, s)
			}
		}
		switch r.Precision {
		case "", "very-high", "high", "medium", "low":
		default:
			t.Errorf("%s: precision %q is not on code scanning's scale", r.ID, r.Precision)
		}
	}
	for _, tc := range []struct{ id, severity, precision string }{
		{"secret-scope", "8.0", ""},
		{"secret-bulk", "8.0", ""},
		{"delete-scope", "7.5", ""},
		{"go-delete-scope", "7.5", ""},
		{"secret-variant", "6.5", ""},
		{"go-secret-variant", "6.5", ""},
		{"secret-required", "5.0", ""},
		{"parity-drift", "", "medium"},
		{"runbook-link", "", ""},
	} {
		r, ok := rules.Get(tc.id)
		if !ok {
			t.Errorf("%s: not in the catalogue", tc.id)
			continue
		}
		if r.SecuritySeverity != tc.severity || r.Precision != tc.precision {
			t.Errorf("%s: security severity %q, precision %q; want %q, %q", tc.id, r.SecuritySeverity, r.Precision, tc.severity, tc.precision)
		}
	}
}

// TestOrder: checks' rules come first, in check order, then the gate's.
func TestOrder(t *testing.T) {
	var want []string
	for _, c := range Checks() {
		for _, r := range c.Rules {
			want = append(want, r.ID)
		}
	}
	got := Rules().All()
	if len(got) <= len(want) {
		t.Fatalf("%d rules, want more than the checks' %d (the gate's too)", len(got), len(want))
	}
	for i, id := range want {
		if got[i].ID != id {
			t.Fatalf("rule %d is %s, want %s", i, got[i].ID, id)
		}
	}
	for _, r := range got[len(want):] {
		if r.Half == rule.Lint || r.Half == rule.LintGo {
			t.Errorf("%s: a lint rule after the gate's", r.ID)
		}
	}
}
