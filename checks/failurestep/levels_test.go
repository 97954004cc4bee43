package failurestep

import (
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
    if: »${{ needs.build.result != 'success' }}
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
    if: »${{ contains(join(needs.*.result, ','), 'failure') && github.ref == 'refs/heads/main' }}
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
		{Name: "twin: continue-on-error from the matrix", Files: wf(`  test:
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
    if: needs.test.result == 'failure'
    runs-on: ubuntu-latest
    steps:
      - run: ./flag.sh
`)},
		{Name: "twin: reusable workflow input sets continue-on-error", Files: map[string]string{".github/workflows/w.yml": `on:
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
      - if: steps.scan.outcome == 'failure'
        run: echo "::warning::scan failed"
`}},
		{Name: "step testing that an earlier step did not succeed", Files: wf(`  test:
    runs-on: ubuntu-latest
    steps:
      - id: unit
        run: go test ./...
      - if: »steps.unit.outcome != 'success'
        run: ./upload-logs.sh
      - if: »${{ job.status != 'success' }}
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
