package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestMoreAlwaysEmptySources covers references that are empty in every run
// because of where they are read: a job that is not a direct need, a
// property a need does not have, a step id no step of the job carries,
// and the constant truth such a value gives a condition.
func TestMoreAlwaysEmptySources(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "output of a job that is only a need of a need", Files: wf(`on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      targets: ${{ steps.p.outputs.targets }}
    steps:
      - id: p
        run: ./plan.sh
  build:
    needs: plan
    runs-on: ubuntu-latest
    steps:
      - run: make
  ship:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: ./ship.sh --targets »${{ needs.plan.outputs.targets }}
`), Msg: `job "plan" is not in this job's needs: (it needs build)`},
		{Name: "twin: the job lists it", Files: wf(`on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      targets: ${{ steps.p.outputs.targets }}
    steps:
      - id: p
        run: ./plan.sh
  ship:
    needs: [plan]
    runs-on: ubuntu-latest
    steps:
      - run: ./ship.sh --targets ${{ needs.plan.outputs.targets }}
`)},
		{Name: "an output name where the property belongs", Files: wf(`on: push
jobs:
  detect:
    runs-on: ubuntu-latest
    outputs:
      docs: ${{ steps.d.outputs.docs }}
    steps:
      - id: d
        run: ./detect.sh
  docs:
    needs: detect
    if: »needs.detect.docs == 'true'
    runs-on: ubuntu-latest
    steps:
      - run: make docs
`), Msg: `a job in the needs context has only result and outputs, no "docs" (needs.detect.outputs.docs?), so needs.detect.docs == 'true' is always false and this job never runs`},
		{Name: "twin: result and outputs", Files: wf(`on: push
jobs:
  detect:
    runs-on: ubuntu-latest
    outputs:
      docs: ${{ steps.d.outputs.docs }}
    steps:
      - id: d
        run: ./detect.sh
  docs:
    needs: detect
    if: needs.detect.result == 'success' && needs.detect.outputs.docs == 'true'
    runs-on: ubuntu-latest
    steps:
      - run: make docs
`)},
		{Name: "a job id written as a step id", Files: wf(`on: push
jobs:
  version:
    runs-on: ubuntu-latest
    outputs:
      v: ${{ steps.get.outputs.v }}
    steps:
      - id: get
        run: echo "v=1.2.3" >> "$GITHUB_OUTPUT"
  image:
    needs: version
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build -t app:»${{ steps.version.outputs.v }} .
`), Msg: `no step of this job has id "version" ("version" is a job: needs.version?), so ${{ steps.version.outputs.v }} expands to ''`},
		{Name: "twin: the step exists in this job", Files: wf(`on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - id: version
        run: ./version.sh
      - run: docker build -t app:${{ steps.version.outputs.v }} .
`)},
		{Name: "a negated undeclared input is always true", Files: wf(`on:
  workflow_dispatch:
    inputs:
      dry-run:
        type: boolean
        default: true
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - if: »${{ !inputs.dry_run }}
        run: ./publish.sh
`), Msg: `no trigger of this workflow declares an input "dry_run", so the condition is always true and this step runs whatever it was meant to test`},
		{Name: "an undeclared input in && is always false", Files: wf(`on:
  workflow_dispatch:
    inputs:
      channel:
        default: stable
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - if: »(inputs.force && github.ref == 'refs/heads/main') || github.event_name == 'workflow_dispatch'
        run: ./publish.sh
`), Msg: "so inputs.force && github.ref == 'refs/heads/main' is always false"},
		{Name: "twin: the negated input is declared", Files: wf(`on:
  workflow_dispatch:
    inputs:
      dry_run:
        type: boolean
        default: true
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - if: ${{ !inputs.dry_run }}
        run: ./publish.sh
`)},
	})
}
