package policies

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/policies/gaterule"
)

// TestRuleIDsMatchPolicies keeps the Go constants, the rule documentation
// and the Rego in step: every id a built-in policy reports is documented,
// and every documented id is reported by some built-in policy.
func TestRuleIDsMatchPolicies(t *testing.T) {
	files, _ := filepath.Glob("*.rego")
	reported := map[string]bool{}
	call := regexp.MustCompile(`lib\.violation\(\s*"([a-z-]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.rego") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			reported[m[1]] = true
		}
	}
	if len(reported) == 0 {
		t.Fatal("found no lib.violation calls in the built-in policies")
	}
	var documented []string
	for _, r := range slices.Concat(gaterule.Rules, gaterule.AttestationRules) {
		documented = append(documented, r.ID)
		if !reported[r.ID] {
			t.Errorf("rule %s is documented but no built-in policy reports it", r.ID)
		}
	}
	for id := range reported {
		if !slices.Contains(documented, id) {
			t.Errorf("a built-in policy reports %q, which is not documented in rules.go", id)
		}
	}
}
