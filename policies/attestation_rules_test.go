package policies

import (
	"os"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/rule"
)

// TestAttestationRulesDocumentedAndTested: every attestation rule has its
// help text and a Rego unit test, and attestation.rego reports no rule it
// does not document.
func TestAttestationRulesDocumentedAndTested(t *testing.T) {
	tests, err := os.ReadFile("attestation_test.rego")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("attestation.rego")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"attestation-missing": true, "attestation-invalid": true, "attestation-identity": true, "attestation-predicate": true}
	for _, r := range gaterule.AttestationRules {
		if !want[r.ID] {
			t.Errorf("unexpected rule %s", r.ID)
		}
		delete(want, r.ID)
		if r.Half != rule.Gate || r.Severity != rule.Error || r.Summary == "" || r.Why == "" || r.Bad == "" || r.Good == "" || r.Fix == "" {
			t.Errorf("%s: incomplete documentation: %+v", r.ID, r)
		}
		if !strings.Contains(string(tests), `"`+r.ID+`"`) {
			t.Errorf("%s has no Rego unit test", r.ID)
		}
		if !strings.Contains(string(src), `"`+r.ID+`"`) {
			t.Errorf("%s is documented but attestation.rego never reports it", r.ID)
		}
	}
	for id := range want {
		t.Errorf("rule %s is not documented", id)
	}
}
