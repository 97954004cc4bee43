package failurestep

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint/fix"
	"github.com/releasegate/releasegate/lint/linttest"
)

func TestEnclosed(t *testing.T) {
	for s, want := range map[string]bool{
		"(a || b)":         true,
		"(a) || (b)":       false,
		"((a) || b)":       true,
		"a || b":           false,
		"(a == ')') || b":  false,
		"(a == '(' || b)":  true,
		"(contains(x, y))": true,
	} {
		if got := enclosed(s); got != want {
			t.Errorf("enclosed(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestGuardAgrees ties what the message asks for to what --fix writes
// and to what explain shows: one function (guard) decides the status
// function, and the edited if: is clean.
func TestGuardAgrees(t *testing.T) {
	const head = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - id: scan\n        run: make scan\n"
	coe := strings.Replace(head, "run: make scan\n", "run: make scan\n        continue-on-error: ${{ matrix.soft }}\n", 1)
	for _, tc := range []struct{ name, src, guard string }{
		{"failure test", head + "      - if: steps.scan.outcome == 'failure'\n        run: ./notify.sh\n", "!cancelled()"},
		{"wrapped not-success test", head + "      - if: ${{ steps.scan.outcome != 'success' }}\n        run: ./notify.sh\n", "always()"},
		{"cancelled test", head + "      - if: \"job.status == 'cancelled'\"\n        run: ./notify.sh\n", "always()"},
		{"behind failure(), plain", coe + "      - if: failure() && steps.scan.outcome == 'failure'\n        run: ./notify.sh\n", "!cancelled()"},
		{"behind failure(), wrapped", coe + "      - if: ${{ failure() && steps.scan.outcome == 'failure' }}\n        run: ./notify.sh\n", "!cancelled()"},
		{"job test", head + "  notify:\n    needs: build\n    if: needs.build.result == 'failure'\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./notify.sh\n", "!cancelled()"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{".github/workflows/w.yml": tc.src}
			res := linttest.Run(t, files, Check)
			if len(res.Findings) != 1 || res.Findings[0].Fix == nil {
				t.Fatalf("want one finding with a fix, got %+v", res.Findings)
			}
			f := res.Findings[0]
			if !strings.Contains(f.Message, "write `"+tc.guard+" && ...`") {
				t.Errorf("message does not ask for %s: %s", tc.guard, f.Message)
			}
			fixed, err := fix.Apply([]byte(tc.src), f.Fix.Edits)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(fixed), tc.guard) || strings.Contains(string(fixed), "failure()") {
				t.Errorf("--fix wrote something else than %s:\n%s", tc.guard, fixed)
			}
			files[".github/workflows/w.yml"] = string(fixed)
			if again := linttest.Run(t, files, Check); len(again.Findings) != 0 {
				t.Errorf("the fixed file still has findings: %+v\n%s", again.Findings, fixed)
			}
		})
	}
	bad, _, _ := expr.Condition(strings.TrimPrefix(strings.Split(Rule.Bad, "\n")[2], "- if: "))
	g := guard(bad, strings.TrimPrefix(strings.Split(Rule.Bad, "\n")[2], "- if: "), stepLevel)
	if !strings.Contains(Rule.Good, "- if: ${{ "+g+" && ") || !strings.Contains(Rule.Fix, "`"+g+" && ...`") {
		t.Errorf("explain's Good example and Fix do not use the guard %s:\n%s\n%s", g, Rule.Good, Rule.Fix)
	}
}
