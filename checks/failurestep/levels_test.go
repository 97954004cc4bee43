package failurestep

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// dispatchHead is a release workflow that runs on tags and by hand, with
// a switch to tolerate an outage of the signing service.
const dispatchHead = `on:
  push:
    tags: ['v*']
  workflow_dispatch:
    inputs:
      tolerate_outage:
        type: boolean
        default: false
      strict:
        type: boolean
        default: true
jobs:
`

// attestSteps attest only in strict runs, after resolving references.
const attestSteps = `  release:
    runs-on: ubuntu-latest
    steps:
      - id: refs
        run: ./resolve-refs.sh
      - id: attest
        if: inputs.strict
        run: ./attest.sh
`

// scanCallee is a reusable scan whose failure is tolerated only when a
// caller asks for it.
const scanCallee = `on:
  workflow_call:
    inputs:
      soft:
        type: boolean
        default: false
      image:
        type: string
        default: release
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - id: trivy
        run: trivy image "$IMAGE"
        continue-on-error: ${{ inputs.soft }}
      - if: »steps.trivy.outcome == 'failure'
        run: echo "::warning::the image has known vulnerabilities"
`

// scanCaller calls scanCallee with one input.
func scanCaller(with string) string {
	return "on: push\njobs:\n  scan:\n    uses: ./.github/workflows/scan.yml\n    with:\n      " + with + "\n"
}

func repo(head, body string) map[string]string {
	return map[string]string{".github/workflows/w.yml": head + body}
}

// TestLevels covers what the implicit success() is about at each level:
// a step's earlier steps, a job's needs.
func TestLevels(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "aggregator step testing needs results is reachable", Files: wf(`  unit:
    runs-on: ubuntu-latest
    steps:
      - run: make unit
  e2e:
    runs-on: ubuntu-latest
    steps:
      - run: make e2e
  all-green:
    needs: [unit, e2e]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - if: contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')
        run: exit 1
      - if: needs.unit.result == 'failure'
        run: echo "unit tests failed"
      - if: ${{ needs.e2e.result != 'success' && needs.e2e.result != 'skipped' }}
        run: exit 1
`)},
		{Name: "gate job without a status function: reported at the job, never at the step", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  »summary:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - if: needs.build.result == 'failure'
        run: exit 1
`), Msg: `job "summary" reads needs.build.result == 'failure' (line 11) to act on the results of the jobs it needs, but it has no if: with a status function`},
		{Name: "gate job reading a result through env, with an if of its own", Files: wf(`  matrix:
    runs-on: ubuntu-latest
    steps:
      - run: make test
  report:
    needs: [matrix]
    if: »${{ github.event_name == 'pull_request' }}
    runs-on: ubuntu-latest
    steps:
      - env:
          RESULT: ${{ needs.matrix.result }}
        run: |
          if [[ "$RESULT" != success ]]; then exit 1; fi
`), Msg: "reads needs.matrix.result (line 13)"},
		{Name: "gate job handing toJSON(needs) to an action", Files: wf(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: make a
  »all-green:
    needs: [a]
    runs-on: ubuntu-latest
    steps:
      - uses: acme/all-green@v1
        with:
          jobs: ${{ toJSON(needs) }}
`), Msg: "reads toJSON(needs)"},
		{Name: "twin: gate jobs that run after failures", Files: wf(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: make a
  all-green:
    needs: [a]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - uses: acme/all-green@v1
        with:
          jobs: ${{ toJSON(needs) }}
  report:
    needs: [a]
    if: ${{ !cancelled() && github.event_name == 'pull_request' }}
    runs-on: ubuntu-latest
    steps:
      - env:
          RESULT: ${{ needs.a.result }}
        run: test "$RESULT" = success
  publish:
    needs: [a]
    runs-on: ubuntu-latest
    steps:
      - if: needs.a.outputs.version != ''
        run: ./publish.sh
`)},
		{Name: "twin: results read as the precondition of the job's own work", Files: wf(`  unit:
    runs-on: ubuntu-latest
    steps:
      - run: make unit
  coverage:
    needs: [unit]
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo '${{ toJSON(needs) }}' | jq -e 'all(.[]; .result == "success")'
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          pattern: coverage-*
      - run: ./upload-coverage.sh
`)},
		{Name: "job-level failure() after jobs that all continue on error", Files: wf(`  lint:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: make lint
  docs:
    needs: lint
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: make docs
  report:
    needs: docs
    if: ${{ »failure( )« && github.event_name == 'push' }}
    uses: acme/workflows/.github/workflows/report.yml@v1
`), Msg: "if: failure() is never true here: every job above this one has continue-on-error: true"},
		{Name: "twin: job-level failure() with a job above that does not continue", Files: wf(`  lint:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: make lint
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  report:
    needs: [lint, build]
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: ./report.sh
`)},
		{Name: "job testing a cancelled need", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  cleanup:
    needs: build
    if: »needs.build.result == 'cancelled'
    runs-on: ubuntu-latest
    steps:
      - run: ./cleanup.sh
`), Msg: "skips this job as soon as a job it needs fails"},
		{Name: "job testing a skipped need", Files: wf(`  changes:
    runs-on: ubuntu-latest
    steps:
      - run: ./detect.sh
  fallback:
    needs: changes
    if: »needs.changes.result == 'skipped'
    runs-on: ubuntu-latest
    steps:
      - run: make all
`), Msg: "whenever a job it needs was skipped"},
		{Name: "job testing a need that did not succeed", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  page:
    needs: build
    if: ${{ »needs.build.result != 'success'« }}
    runs-on: ubuntu-latest
    steps:
      - run: ./page.sh
`), Msg: "can only hold when a needed job did not succeed"},
		{Name: "job testing a list of outcomes with fromJSON", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  page:
    needs: build
    if: »contains(fromJSON('["failure", "cancelled"]'), needs.build.result)
    runs-on: ubuntu-latest
    steps:
      - run: ./page.sh
`), Msg: `contains(fromJSON('["failure", "cancelled"]'), needs.build.result)`},
		{Name: "job testing joined results", Files: wf(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: make a
  b:
    runs-on: ubuntu-latest
    steps:
      - run: make b
  report:
    needs: [a, b]
    if: ${{ »contains(join(needs.*.result, ','), 'failure')« && github.ref == 'refs/heads/main' }}
    runs-on: ubuntu-latest
    steps:
      - run: ./report.sh
`), Msg: "contains(join(needs.*.result, ','), 'failure')"},
		{Name: "reusable workflow job notifying on failure", Files: wf(`  release:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh
  notify:
    needs: release
    if: »needs.release.result == 'failure'
    uses: acme/workflows/.github/workflows/notify.yml@v2
    with:
      text: release failed
`), Msg: "skips this job"},
		{Name: "twin: reusable notify job under always()", Files: wf(`  release:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh
  notify:
    needs: release
    if: always() && needs.release.result == 'failure'
    uses: acme/workflows/.github/workflows/notify.yml@v2
`)},
		{Name: "twin: negated failure test holds in the ordinary run", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  publish:
    needs: build
    if: ${{ !contains(needs.*.result, 'failure') && !(needs.build.result == 'cancelled') }}
    runs-on: ubuntu-latest
    steps:
      - run: ./publish.sh
`)},
		{Name: "twin: success and skipped tests that can hold", Files: wf(`  build:
    runs-on: ubuntu-latest
    steps:
      - id: lint
        if: github.event_name == 'pull_request'
        run: make lint
      - if: steps.lint.outcome == 'skipped'
        run: echo "lint skipped"
  publish:
    needs: build
    if: needs.build.result == 'success'
    runs-on: ubuntu-latest
    steps:
      - run: ./publish.sh
`)},
		{Name: "needed job tolerates failure only when dispatched with an input", Files: repo(dispatchHead, `  sign:
    runs-on: ubuntu-latest
    continue-on-error: ${{ inputs.tolerate_outage || false }}
    steps:
      - run: cosign sign "$IMAGE"
  open-issue:
    needs: sign
    if: »needs.sign.result == 'failure'
    runs-on: ubuntu-latest
    steps:
      - run: gh issue create --title "signing failed"
`), Msg: "tolerated only in a run dispatched with inputs.tolerate_outage: true"},
		{Name: "step tolerates failure only when dispatched with an input", Files: repo(dispatchHead, `  sign:
    runs-on: ubuntu-latest
    steps:
      - id: sign
        run: cosign sign "$IMAGE"
        continue-on-error: ${{ github.event.inputs.tolerate_outage == 'true' }}
      - if: »steps.sign.outcome == 'failure'
        run: echo "::warning::signing skipped"
`), Msg: "inputs.tolerate_outage: true"},
		{Name: "twin: continue-on-error true at the default", Files: repo(dispatchHead, `  sign:
    runs-on: ubuntu-latest
    steps:
      - id: sign
        run: cosign sign "$IMAGE"
        continue-on-error: ${{ github.event_name == 'push' || !inputs.strict }}
      - if: steps.sign.outcome == 'failure'
        run: echo "::warning::signing skipped"
`)},
		{Name: "a need continuing on error in some matrix legs", Files: wf(`  test:
    runs-on: ubuntu-latest
    continue-on-error: ${{ matrix.experimental }}
    strategy:
      matrix:
        go: ['1.25', '1.26']
        experimental: [false]
        include:
          - go: tip
            experimental: true
    steps:
      - run: go test ./...
  flag:
    needs: test
    if: »needs.test.result == 'failure'
    runs-on: ubuntu-latest
    steps:
      - run: ./flag.sh
`), Msg: `in a run where job "test" continues on error, its result is 'success'`},
		{Name: "reusable workflow input defaulting to false", Files: map[string]string{".github/workflows/w.yml": `on:
  workflow_call:
    inputs:
      soft:
        type: boolean
        default: false
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy fs .
        continue-on-error: ${{ inputs.soft }}
      - if: »steps.scan.outcome == 'failure'
        run: echo "::warning::scan failed"
`}, Msg: "tolerated only in a call that passes inputs.soft: true"},
		{Name: "handler behind failure() after a step that continues on error", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: audit
        run: npm audit --audit-level=high
        continue-on-error: true
      - if: failure() && »steps.audit.outcome == 'failure'«
        run: echo "::warning::vulnerable dependencies"
`), Msg: `is behind failure(), but step "audit" continues on error`},
		{Name: "handler behind failure(), continue-on-error true in some legs", Files: wf(`  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        go: ['1.25', tip]
    steps:
      - id: unit
        run: go test ./...
        continue-on-error: ${{ matrix.go == 'tip' }}
      - if: ${{ failure() && »steps.unit.conclusion == 'failure'« }}
        run: ./upload-logs.sh
`), Msg: "write `!cancelled() && ...` instead of failure()"},
		{Name: "twin: handlers of a step that continues on error, under !cancelled() or always()", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: audit
        run: npm audit --audit-level=high
        continue-on-error: true
      - if: ${{ !cancelled() && steps.audit.outcome == 'failure' }}
        run: echo "::warning::vulnerable dependencies"
      - if: always() && steps.audit.outcome != 'success'
        run: ./report.sh
      - if: failure() && steps.lint.outcome == 'failure'
        run: echo "lint failed"
`)},
		{Name: "failure operand of a disjunction", Files: repo(dispatchHead, attestSteps+`      - if: inputs.strict && (»steps.attest.outcome == 'failure'« || steps.refs.outputs.missing == 'true')
        run: ./file-incident.sh
`), Msg: "(this operand of an || never holds, whatever the others do)"},
		{Name: "twin: the disjunction with its status function", Files: repo(dispatchHead, attestSteps+`      - if: ${{ !cancelled() && inputs.strict && (steps.attest.outcome == 'failure' || steps.refs.outputs.missing == 'true') }}
        run: ./file-incident.sh
`)},
		{Name: "always() on a need that continues on error: never true", Files: wf(`  deploy:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: ./deploy.sh
  rollback:
    needs: deploy
    if: always() && »needs.deploy.result == 'failure'«
    runs-on: ubuntu-latest
    steps:
      - run: ./rollback.sh
`), Msg: "reports the result 'success' to the jobs that need it even when it fails"},
		{Name: "reusable notification job after needs that all continue on error", Files: wf(`  smoke:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: ./smoke.sh
  canary:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: ./canary.sh
  page:
    needs: [smoke, canary]
    if: ${{ !cancelled() && »contains(needs.*.result, 'failure')« }}
    uses: acme/workflows/.github/workflows/page.yml@v3
`), Msg: "every job it needs has continue-on-error: true"},
		{Name: "twin: the signal comes from an output, or not every need continues", Files: wf(`  deploy:
    runs-on: ubuntu-latest
    continue-on-error: true
    outputs:
      failed: ${{ steps.mark.outputs.failed }}
    steps:
      - run: ./deploy.sh
      - id: mark
        if: failure()
        run: echo failed=true >> "$GITHUB_OUTPUT"
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  rollback:
    needs: deploy
    if: always() && needs.deploy.outputs.failed == 'true'
    runs-on: ubuntu-latest
    steps:
      - run: ./rollback.sh
  page:
    needs: [deploy, build]
    if: always() && contains(needs.*.result, 'failure')
    runs-on: ubuntu-latest
    steps:
      - run: ./page.sh
  tidy:
    needs: deploy
    if: always() && needs.deploy.result == 'cancelled'
    runs-on: ubuntu-latest
    steps:
      - run: ./tidy.sh
`)},
		{Name: "reusable workflow whose callers here never pass the input", Files: map[string]string{
			".github/workflows/scan.yml":    scanCallee,
			".github/workflows/ci.yml":      scanCaller("soft: false"),
			".github/workflows/nightly.yml": scanCaller("image: nightly"),
		}, Msg: "no call in this repository passes such a value (.github/workflows/ci.yml, .github/workflows/nightly.yml)"},
		{Name: "twin: a caller here passes the input", Files: map[string]string{
			".github/workflows/scan.yml": strings.ReplaceAll(scanCallee, "»", ""),
			".github/workflows/ci.yml":   scanCaller("soft: false"),
			".github/workflows/pr.yml":   scanCaller("soft: true"),
		}},
		{Name: "twin: a caller passes an expression", Files: map[string]string{
			".github/workflows/scan.yml": strings.ReplaceAll(scanCallee, "»", ""),
			".github/workflows/ci.yml":   scanCaller("soft: ${{ github.event_name == 'pull_request' }}"),
		}},
		{Name: "twin: a required input without a default, and the caller's event", Files: map[string]string{".github/workflows/w.yml": `on:
  workflow_call:
    inputs:
      soft:
        type: boolean
        required: true
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - id: scan
        run: trivy fs .
        continue-on-error: ${{ inputs.soft }}
      - if: steps.scan.outcome == 'failure'
        run: echo "::warning::scan failed"
      - id: lint
        run: make lint
        continue-on-error: ${{ github.event_name == 'pull_request' }}
      - if: steps.lint.outcome == 'failure'
        run: echo "::warning::lint failed"
`}},
		{Name: "conclusion of a step that continues on error", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: audit
        run: npm audit --audit-level=high
        continue-on-error: true
      - if: »steps.audit.conclusion == 'failure'«
        run: echo "::warning::vulnerable dependencies"
      - if: ${{ always() && »steps.audit.conclusion == 'failure'« }}
        run: ./report.sh
`), Msg: "its conclusion is 'success' (its outcome is 'failure'); test steps.audit.outcome instead"},
		{Name: "twin: outcome of a step that continues on error, conclusion of one that does not", Files: wf(`  scan:
    runs-on: ubuntu-latest
    steps:
      - id: audit
        run: npm audit --audit-level=high
        continue-on-error: true
      - if: steps.audit.outcome == 'failure'
        run: echo "::warning::vulnerable dependencies"
      - id: lint
        run: make lint
      - if: failure() && steps.lint.conclusion == 'failure'
        run: ./report.sh
`)},
		{Name: "conclusion in a composite action", Files: map[string]string{"action.yml": `name: scan
description: scan the tree
runs:
  using: composite
  steps:
    - id: scan
      run: trivy fs .
      shell: bash
      continue-on-error: true
    - if: »steps.scan.conclusion == 'failure'
      run: echo "::warning::scan failed"
      shell: bash
`}, Msg: "test steps.scan.outcome instead"},
		{Name: "step testing that an earlier step did not succeed", Files: wf(`  test:
    runs-on: ubuntu-latest
    steps:
      - id: unit
        run: go test ./...
      - if: »steps.unit.outcome != 'success'
        run: ./upload-logs.sh
      - if: ${{ »job.status != 'success' }}
        run: ./notify.sh
`), Msg: "can only hold after a failure"},
		{Name: "twin: the tested step can be skipped by its own if", Files: wf(`  test:
    runs-on: ubuntu-latest
    steps:
      - id: unit
        if: github.event_name == 'push'
        run: go test ./...
      - if: steps.unit.outcome != 'success'
        run: echo "unit tests did not run on this event"
`)},
		{Name: "a handler that names a step id the job does not have", Files: wf(`  push:
    runs-on: ubuntu-latest
    steps:
      - id: push
        run: git push
        continue-on-error: true
      - if: »steps.push-all.outcome == 'failure'
        run: ./push-without-workflows.sh
      - if: steps.push-all.outcome != 'success'
        run: echo "always runs, but that is not a failure handler"
`), Msg: `names "push-all", which is no earlier step of this job`},
		{Name: "skipped need is unreachable whatever continue-on-error says", Files: wf(`  build:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: make
  fallback:
    needs: build
    if: »needs.build.result == 'skipped'
    runs-on: ubuntu-latest
    steps:
      - run: make slow
`)},
	})
}
