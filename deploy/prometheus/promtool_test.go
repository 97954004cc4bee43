package alerts_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

const rulesTestFile = "releasegate-probe.rules.test.yml"

// ruleTests is what TestEveryAlertIsUnitTested reads of the promtool
// test file.
type ruleTests struct {
	RuleFiles []string `json:"rule_files"`
	Tests     []struct {
		AlertRuleTest []struct {
			Alertname string          `json:"alertname"`
			ExpAlerts []expectedAlert `json:"exp_alerts"`
		} `json:"alert_rule_test"`
	} `json:"tests"`
}

type expectedAlert struct {
	ExpLabels map[string]string `json:"exp_labels"`
}

// TestEveryAlertIsUnitTested: the promtool test file loads the rules and
// has, for every alert, a case where it fires and one where it does not.
// (It needs no promtool: TestPromtoolRules runs the cases.)
func TestEveryAlertIsUnitTested(t *testing.T) {
	data, err := os.ReadFile(rulesTestFile)
	if err != nil {
		t.Fatal(err)
	}
	var rt ruleTests
	// Only the keys above are read: promtool checks the rest.
	if err := yaml.Unmarshal(data, &rt); err != nil {
		t.Fatalf("%s: %v", rulesTestFile, err)
	}
	if !slices.Equal(rt.RuleFiles, []string{rulesFile}) {
		t.Errorf("%s loads %v, want [%s]", rulesTestFile, rt.RuleFiles, rulesFile)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range rt.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			} else {
				quiet[a.Alertname] = true
			}
		}
	}
	for _, r := range loadRules(t) {
		if !fires[r.Alert] || !quiet[r.Alert] {
			t.Errorf("%s: %s tests it firing: %v, not firing: %v; want both", r.Alert, rulesTestFile, fires[r.Alert], quiet[r.Alert])
		}
	}
}

// TestPromtoolRules runs the unit tests with Prometheus's own evaluator.
// .ci/run installs promtool; elsewhere the test is skipped, saying so.
func TestPromtoolRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("RELEASEGATE_REQUIRE_PROMTOOL") != "" {
			t.Fatal("promtool is not on PATH, and RELEASEGATE_REQUIRE_PROMTOOL is set")
		}
		t.Skip("SKIPPED: promtool is not on PATH, so the alert unit tests in " + rulesTestFile + " did not run; " +
			"install it with `go install github.com/prometheus/prometheus/cmd/promtool@<the version in deploy/go.mod>` (as .ci/run does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, promtool, "test", "rules", rulesTestFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules %s: %v\n%s", rulesTestFile, err, out)
	}
}
