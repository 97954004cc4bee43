package failurestep

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint/fix"
	"github.com/releasegate/releasegate/lint/linttest"
)

func wf(body string) map[string]string {
	return map[string]string{".github/workflows/w.yml": "on: push\njobs:\n" + body}
}

func TestFailureStepUnreachable(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "step outcome without status function", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy image "$IMAGE"
      - if: »steps.scan.outcome == 'failure'
        run: ./notify.sh
`), Msg: "if: steps.scan.outcome == 'failure' tests for a failure"},
		{Name: "twin: failure() added", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy image "$IMAGE"
      - if: failure() && steps.scan.outcome == 'failure'
        run: ./notify.sh
`)},
		{Name: "twin: !cancelled()", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy image "$IMAGE"
      - if: ${{ !cancelled() && steps.scan.conclusion == 'failure' }}
        run: ./notify.sh
`)},
		{Name: "twin: tested step continues on error", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy image "$IMAGE"
        continue-on-error: true
      - if: steps.scan.outcome == 'failure'
        run: ./notify.sh
`)},
		{Name: "twin: continue-on-error expression true on one trigger", Files: map[string]string{".github/workflows/w.yml": "on: [push, pull_request]\njobs:\n" + `  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy image "$IMAGE"
        continue-on-error: ${{ github.event_name == 'pull_request' }}
      - if: steps.scan.outcome == 'failure'
        run: ./notify.sh
`}},
		{Name: "wrapped conclusion, reversed operands", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: Scan
        run: trivy image "$IMAGE"
      - if: ${{ »'failure' == steps.Scan.conclusion« }}
        run: ./notify.sh
`), Msg: "'failure' == steps.Scan.conclusion"},
		{Name: "job.status in a step", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
      - if: »job.status == 'failure' && github.ref == 'refs/heads/main'
        run: ./rollback.sh
`), Msg: "job.status == 'failure'"},
		{Name: "twin: always()", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
      - if: always() && job.status == 'failure'
        run: ./rollback.sh
`)},
		{Name: "needs result in a job", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  notify:
    needs: build
    if: »needs.build.result == 'failure'
    runs-on: ubuntu-latest
    steps:
      - run: ./notify.sh
`), Msg: "this job"},
		{Name: "needed job continues on error: its result is success", Files: wf(`  build:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: make
  notify:
    needs: build
    if: »needs.build.result == 'failure'«
    runs-on: ubuntu-latest
    steps:
      - run: ./notify.sh
`), Msg: `is never true: job "build" has continue-on-error: true`},
		{Name: "contains needs.*.result", Files: wf(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: make a
  b:
    runs-on: ubuntu-latest
    steps:
      - run: make b
  notify:
    needs: [a, b]
    if: »contains(needs.*.result, 'failure')
    runs-on: ubuntu-latest
    steps:
      - run: ./notify.sh
`), Msg: "contains(needs.*.result, 'failure')"},
		{Name: "twin: contains with failure()", Files: wf(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: make a
  notify:
    needs: [a]
    if: failure() || contains(needs.*.result, 'failure')
    runs-on: ubuntu-latest
    steps:
      - run: ./notify.sh
`)},
		{Name: "twin: success test is reachable", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: make
      - if: steps.scan.outcome == 'success'
        run: ./publish.sh
`)},
		{Name: "continue-on-error false on the only trigger", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy image "$IMAGE"
        continue-on-error: ${{ github.event_name == 'pull_request' }}
      - if: »steps.scan.outcome == 'failure'
        run: ./notify.sh
`), Msg: "is false on every trigger of this workflow"},
		{Name: "composite action step", Files: map[string]string{"action.yml": `name: scan
runs:
  using: composite
  steps:
    - id: scan
      run: trivy fs .
      shell: bash
    - if: »steps.scan.outcome == 'failure'
      run: echo "::error::scan failed"
      shell: bash
`}},
		{Name: "twin: composite step continues on error", Files: map[string]string{"action.yml": `name: scan
runs:
  using: composite
  steps:
    - id: scan
      run: trivy fs .
      shell: bash
      continue-on-error: true
    - if: steps.scan.outcome == 'failure'
      run: echo "::error::scan failed"
      shell: bash
`}},
	})
}

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
