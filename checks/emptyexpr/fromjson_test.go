package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// prepareJob is a job that computes a matrix and a flag, on pushes only.
const prepareJob = `on:
  push:
  pull_request:
jobs:
  prepare:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    outputs:
      targets: ${{ steps.list.outputs.targets }}
      deploy: ${{ steps.list.outputs.deploy }}
    steps:
      - id: list
        run: ./list-targets.sh
`

// TestFromJSONOfSkippedProducer: fromJSON of a value that a skipped job
// or step leaves empty fails the job, in an if: as in a value.
func TestFromJSONOfSkippedProducer(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "matrix of a skipped job, read under always()", Files: wf(prepareJob + `  test:
    needs: prepare
    if: always()
    runs-on: ubuntu-latest
    strategy:
      matrix:
        target: ${{ »fromJSON(needs.prepare.outputs.targets) }}
    steps:
      - run: make test
`), Msg: `needs.prepare.outputs.targets is empty when job "prepare" is skipped or fails, and this job still runs (its if: is always()), and fromJSON of an empty string is an evaluation error that fails the job`},
		{Name: "a job if: under !cancelled()", Files: wf(prepareJob + `  deploy:
    needs: prepare
    if: ${{ !cancelled() && »fromJSON(needs.prepare.outputs.deploy) }}
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`), Msg: "fails the job"},
		{Name: "a step if: reading a step skipped on pull requests", Files: wf(`on:
  push:
  pull_request:
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        if: github.event_name == 'push'
        run: echo 'flags={"strict":true}' >> "$GITHUB_OUTPUT"
      - if: »fromJSON(steps.cfg.outputs.flags).strict
        run: make lint-strict
`), Msg: `steps.cfg.outputs.flags is empty when step "cfg" is skipped by its if: github.event_name == 'push', and fromJSON of an empty string is an evaluation error that fails the step`},
		{Name: "twin: the result is tested first", Files: wf(prepareJob + `  deploy:
    needs: prepare
    if: always() && needs.prepare.result == 'success' && fromJSON(needs.prepare.outputs.deploy)
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`)},
		{Name: "twin: a dependant without always() is skipped with its producer", Files: wf(prepareJob + `  test:
    needs: prepare
    runs-on: ubuntu-latest
    strategy:
      matrix:
        target: ${{ fromJSON(needs.prepare.outputs.targets) }}
    steps:
      - run: make test
`)},
		{Name: "twin: the step runs under the same condition as its producer", Files: wf(`on:
  push:
  pull_request:
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        if: github.event_name == 'push'
        run: echo 'flags={"strict":true}' >> "$GITHUB_OUTPUT"
      - if: github.event_name == 'push' && fromJSON(steps.cfg.outputs.flags).strict
        run: make lint-strict
`)},
		{Name: "twin: the dependant runs only when another output of the producer says so", Files: wf(`on: pull_request
jobs:
  changes:
    runs-on: ubuntu-latest
    outputs:
      any: ${{ steps.filter.outputs.any }}
      suites: ${{ steps.list.outputs.suites }}
    steps:
      - id: filter
        run: ./scripts/changed.sh >> "$GITHUB_OUTPUT"
      - id: list
        if: steps.filter.outputs.any == 'true'
        run: ./scripts/suites.sh >> "$GITHUB_OUTPUT"
  test:
    needs: changes
    if: needs.changes.outputs.any == 'true'
    runs-on: ubuntu-latest
    strategy:
      matrix:
        suite: ${{ fromJSON(needs.changes.outputs.suites) }}
    steps:
      - run: make test SUITE=${{ matrix.suite }}
`)},
		{Name: "twin: a variable is configuration", Files: wf(`on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        os: ${{ fromJSON(vars.TEST_OSES) }}
    steps:
      - run: make test
`)},
	})
}
