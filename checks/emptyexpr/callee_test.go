package emptyexpr

import (
	"slices"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// deployAction is a composite action that hands its chart input to helm.
func deployAction(read string) string {
	return `name: deploy
inputs:
  chart:
    description: chart to install
runs:
  using: composite
  steps:
    - shell: bash
      env:
        CHART: ` + read + `
      run: helm upgrade --install app "$CHART"
`
}

const deployCaller = `on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      chart:
        default: charts/app
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/deploy
        with:
          chart: `

// nightlyCaller forwards an input without a default to a local reusable
// workflow on a schedule.
const nightlyCaller = `on:
  schedule:
    - cron: '0 1 * * *'
  workflow_dispatch:
    inputs:
      mode:
        type: choice
        options: [quick, full]
jobs:
  run:
    uses: ./.github/workflows/suite.yml
    with:
      mode: `

func suite(read string) string {
	return `on:
  workflow_call:
    inputs:
      mode:
        type: string
        default: full
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: ./run-suite.sh --mode "` + read + `"
`
}

// TestForwardedEmpty: the empty string forwarded to a local callee that reads the
// input as is, or whose default it overrides.
func TestForwardedEmpty(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "a composite action that uses the input as is", Files: map[string]string{
			".github/actions/deploy/action.yml": deployAction("${{ inputs.chart }}"),
			wfPath:                              deployCaller + "»${{ github.event.inputs.chart }}\n",
		}, Msg: "so this passes '' on push, and ./.github/actions/deploy reads the input without a fallback"},
		{Name: "twin: the action coalesces", Files: map[string]string{
			".github/actions/deploy/action.yml": deployAction("${{ inputs.chart || 'charts/app' }}"),
			wfPath:                              deployCaller + "${{ github.event.inputs.chart }}\n",
		}},
		{Name: "twin: the action tests its copy", Files: map[string]string{
			".github/actions/deploy/action.yml": deployAction("${{ inputs.chart }}") + "    - shell: bash\n      run: '[ -n \"$CHART\" ] || exit 0'\n",
			wfPath:                              deployCaller + "${{ github.event.inputs.chart }}\n",
		}},
		{Name: "twin: without a default on either side, '' is what leaving it out gives", Files: map[string]string{
			".github/actions/deploy/action.yml": deployAction("${{ inputs.chart }}"),
			wfPath: `on:
  issues:
    types: [opened]
  workflow_dispatch:
    inputs:
      chart:
        required: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/deploy
        with:
          chart: ${{ github.event.inputs.chart }}
`}},
		{Name: "a reusable workflow whose default the empty string overrides", Files: map[string]string{
			".github/workflows/suite.yml": suite("${{ inputs.mode }}"),
			wfPath:                        nightlyCaller + "»${{ inputs.mode }}\n",
		}, Msg: `so this passes '' on schedule, and passing '' overrides the input's default "full" in ./.github/workflows/suite.yml`},
		{Name: "twin: the caller forwards with a fallback", Files: map[string]string{
			".github/workflows/suite.yml": suite("${{ inputs.mode }}"),
			wfPath:                        nightlyCaller + "${{ inputs.mode || 'full' }}\n",
		}},
		{Name: "twin: the callee falls back itself", Files: map[string]string{
			".github/workflows/suite.yml": suite("${{ inputs.mode || 'full' }}"),
			wfPath:                        nightlyCaller + "${{ inputs.mode }}\n",
		}},
	})
}

// TestRemoteBooleanForward: a boolean dispatch input forwarded to another
// repository's reusable workflow is a warning; with a fallback, nothing.
func TestRemoteBooleanForward(t *testing.T) {
	const head = `on:
  push:
  workflow_dispatch:
    inputs:
      publish:
        type: boolean
        default: false
jobs:
  build:
    uses: acme/workflows/.github/workflows/image.yml@v2
    with:
      publish: `
	if got, want := runSeverities(t, head+"${{ inputs.publish }}\n"), []string{"12:warning"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := runSeverities(t, head+"${{ inputs.publish || false }}\n"); len(got) != 0 {
		t.Errorf("with a fallback: %v", got)
	}
}
