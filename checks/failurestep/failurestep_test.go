package failurestep

import (
	"testing"

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
