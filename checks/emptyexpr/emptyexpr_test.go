package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

const wfPath = ".github/workflows/w.yml"

// pushAndDispatch is the head of a release workflow that runs on tag
// pushes and by hand, with the inputs most tests read.
const pushAndDispatch = `on:
  push:
    tags: ['v*']
  workflow_dispatch:
    inputs:
      allow_unsigned:
        type: boolean
        default: false
      run_tests:
        type: boolean
        default: true
      mode:
        type: choice
        options: [full, quick]
        default: full
      tag:
        type: string
        default: latest
`

const dispatchOnly = `on:
  workflow_dispatch:
    inputs:
      allow_unsigned:
        type: boolean
        default: false
      mode:
        type: string
        default: full
`

type tcase struct {
	name  string
	files map[string]string
	// msg must appear in every finding's message.
	msg string
}

func wf(body string) map[string]string { return map[string]string{wfPath: body} }

// cases come in pairs: a planted defect (marked with » where the finding
// is expected) and its negative twin, which must stay clean.
var cases = []tcase{
	// The seed incident: a signing step's continue-on-error that is '' on
	// the tag push, so the run dies with "Unexpected value ''".
	{"seed 001 continue-on-error on push", wf(pushAndDispatch + `jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign --yes "$IMAGE"
        continue-on-error: »${{ inputs.allow_unsigned }}
`), "inputs.allow_unsigned is empty when this workflow runs on push"},
	{"seed 001 twin: fallback false", wf(pushAndDispatch + `jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign --yes "$IMAGE"
        continue-on-error: ${{ inputs.allow_unsigned || false }}
`), ""},
	{"seed 001 twin: only dispatch populates inputs", wf(dispatchOnly + `jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign --yes "$IMAGE"
        continue-on-error: ${{ inputs.allow_unsigned }}
`), ""},
	{"job continue-on-error", wf(pushAndDispatch + `jobs:
  sign:
    runs-on: ubuntu-latest
    continue-on-error: »${{ inputs.allow_unsigned }}
    steps:
      - run: make sign
`), "continue-on-error"},
	{"job continue-on-error twin: guarded job", wf(pushAndDispatch + `jobs:
  sign:
    if: github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    continue-on-error: ${{ inputs.allow_unsigned }}
    steps:
      - run: make sign
`), ""},
	{"optional input without default", wf(`on:
  workflow_dispatch:
    inputs:
      minutes:
        type: string
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: »${{ inputs.minutes }}
    steps:
      - run: make
`), "inputs.minutes is optional and has no default"},
	{"optional input twin: required", wf(`on:
  workflow_dispatch:
    inputs:
      minutes:
        type: string
        required: true
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: ${{ inputs.minutes }}
    steps:
      - run: make
`), ""},
	{"input default empty, runs-on", wf(`on:
  workflow_dispatch:
    inputs:
      runner:
        type: string
        default: ''
jobs:
  build:
    runs-on: »${{ inputs.runner }}
    steps:
      - run: make
`), "inputs.runner defaults to ''"},
	{"input default twin: non-empty default", wf(`on:
  workflow_dispatch:
    inputs:
      runner:
        type: string
        default: ubuntu-latest
jobs:
  build:
    runs-on: ${{ inputs.runner }}
    steps:
      - run: make
`), ""},
	{"github.event.inputs in a reusable workflow", wf(`on:
  workflow_call:
    inputs:
      soft:
        type: boolean
        default: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
        continue-on-error: »${{ github.event.inputs.soft }}
`), "called by workflow_call"},
	{"github.event.inputs twin: inputs context", wf(`on:
  workflow_call:
    inputs:
      soft:
        type: boolean
        default: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
        continue-on-error: ${{ inputs.soft }}
`), ""},
	{"github.event.inputs on push, in a deploy script", wf(pushAndDispatch + `jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh --channel »${{ github.event.inputs.mode }}
`), "github.event.inputs.mode is empty when this workflow runs on push"},
	{"github.event.inputs twin: fallback", wf(pushAndDispatch + `jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh --channel ${{ github.event.inputs.mode || 'staging' }}
`), ""},
	{"environment twin: '' means no environment", wf(pushAndDispatch + `jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: ${{ github.event.inputs.mode }}
    steps:
      - run: make deploy
  preview:
    runs-on: ubuntu-latest
    environment: ${{ github.event_name == 'push' && 'release' || '' }}
    steps:
      - run: make preview
`), ""},
	{"vars in runs-on", wf(`on: push
jobs:
  build:
    runs-on: »${{ vars.RUNNER }}
    steps:
      - run: make
`), "vars.RUNNER is empty wherever the variable is not set"},
	{"vars twin: fallback", wf(`on: push
jobs:
  build:
    runs-on: ${{ vars.RUNNER || 'ubuntu-latest' }}
    steps:
      - run: make
`), ""},
	{"vars in runs-on label list", wf(`on: push
jobs:
  build:
    runs-on: [self-hosted, "»${{ vars.POOL }}"]
    steps:
      - run: make
`), "vars.POOL"},
	{"secret not passed by the local caller", map[string]string{
		".github/workflows/publish.yml": `on:
  workflow_call:
    secrets:
      registry:
        required: false
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push »${{ secrets.registry }}/app:1.0
`,
		".github/workflows/release.yml": `on: push
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
`}, "secrets.registry is empty when this workflow is called from .github/workflows/release.yml:3"},
	{"secret twin: caller inherits", map[string]string{
		".github/workflows/publish.yml": `on:
  workflow_call:
    secrets:
      registry:
        required: false
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push ${{ secrets.registry }}/app:1.0
`,
		".github/workflows/release.yml": `on: push
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
    secrets: inherit
`}, ""},
	{"env not defined", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
        timeout-minutes: »${{ env.BUILD_MINUTES }}
`), "env.BUILD_MINUTES is not defined"},
	{"env twin: defined on the job", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      BUILD_MINUTES: 30
    steps:
      - run: make
        timeout-minutes: ${{ env.BUILD_MINUTES }}
`), ""},
	{"env twin: exported by an earlier step", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "BUILD_MINUTES=30" >> "$GITHUB_ENV"
      - run: make
        timeout-minutes: ${{ env.BUILD_MINUTES }}
`), ""},
	{"env set from an input", wf(pushAndDispatch + `jobs:
  build:
    runs-on: ubuntu-latest
    env:
      SOFT: ${{ inputs.allow_unsigned || false }}
      MINUTES: ${{ vars.MINUTES }}
    steps:
      - run: make
        timeout-minutes: »${{ env.MINUTES }}
        continue-on-error: ${{ env.SOFT }}
`), "env.MINUTES is set from vars.MINUTES"},
	{"step output of a skippable step", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        if: github.ref == 'refs/heads/main'
        run: echo "minutes=30" >> "$GITHUB_OUTPUT"
      - run: make
        timeout-minutes: »${{ steps.cfg.outputs.minutes }}
`), `step "cfg" is skipped by its if: github.ref == 'refs/heads/main'`},
	{"step output twin: same condition", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        if: github.ref == 'refs/heads/main'
        run: echo "minutes=30" >> "$GITHUB_OUTPUT"
      - run: make
        if: github.ref == 'refs/heads/main'
        timeout-minutes: ${{ steps.cfg.outputs.minutes }}
`), ""},
	{"step output never written", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        run: echo "minutes=30" >> "$GITHUB_OUTPUT"
      - run: make
        continue-on-error: »${{ steps.cfg.outputs.soft }}
`), `step "cfg" writes only these outputs: minutes`},
	{"step output twin: names come from a script", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        run: |
          echo "minutes=30" >> "$GITHUB_OUTPUT"
          ./ci/settings.sh >> "$GITHUB_OUTPUT"
      - run: make
        continue-on-error: ${{ steps.cfg.outputs.soft }}
`), ""},
	{"step output twin: written", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        run: echo "soft=true" >> "$GITHUB_OUTPUT"
      - run: make
        continue-on-error: ${{ steps.cfg.outputs.soft }}
`), ""},
	{"needs output under always()", wf(`on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      runner: ubuntu-latest
    steps:
      - run: make plan
  build:
    needs: plan
    if: always()
    runs-on: »${{ needs.plan.outputs.runner }}
    steps:
      - run: make
`), `job "plan" is skipped or fails`},
	{"needs output twin: implicit success()", wf(`on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      runner: ubuntu-latest
    steps:
      - run: make plan
  build:
    needs: plan
    runs-on: ${{ needs.plan.outputs.runner }}
    steps:
      - run: make
`), ""},
	{"needs output from a skippable step", wf(`on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      parallel: ${{ steps.pick.outputs.parallel }}
    steps:
      - id: pick
        if: github.ref_type == 'tag'
        run: echo "parallel=2" >> "$GITHUB_OUTPUT"
  build:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      max-parallel: »${{ needs.plan.outputs.parallel }}
      matrix:
        arch: [amd64, arm64]
    steps:
      - run: make
`), "is set from steps.pick.outputs.parallel"},
	{"needs output twin: step always runs", wf(`on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      parallel: ${{ steps.pick.outputs.parallel }}
    steps:
      - id: pick
        run: echo "parallel=2" >> "$GITHUB_OUTPUT"
  build:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      max-parallel: ${{ needs.plan.outputs.parallel }}
      matrix:
        arch: [amd64, arm64]
    steps:
      - run: make
`), ""},
	{"matrix key from one include entry", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    continue-on-error: »${{ matrix.experimental }}
    strategy:
      matrix:
        arch: [amd64, arm64]
        include:
          - arch: arm64
            experimental: true
    steps:
      - run: make
`), "matrix.experimental is not set in every matrix combination"},
	{"matrix twin: every combination extended", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    continue-on-error: ${{ matrix.experimental }}
    strategy:
      matrix:
        arch: [amd64, arm64]
        include:
          - arch: arm64
            experimental: true
          - arch: amd64
            experimental: false
    steps:
      - run: make
`), ""},
	{"literal empty alternative", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: »${{ github.ref == 'refs/heads/main' && 'true' || '' }}
      matrix:
        arch: [amd64, arm64]
    steps:
      - run: make
`), "'' is an empty string literal"},
	{"literal twin: false alternative", wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: ${{ github.ref == 'refs/heads/main' && 'true' || 'false' }}
      matrix:
        arch: [amd64, arm64]
    steps:
      - run: make
`), ""},
	{"fromJSON of an empty input", wf(pushAndDispatch + `jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
        continue-on-error: »${{ fromJSON(inputs.tag) }}
`), "fromJSON of an empty string fails"},
	{"fromJSON twin: fallback", wf(pushAndDispatch + `jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
        continue-on-error: ${{ fromJSON(inputs.tag || 'false') }}
`), ""},
	{"workflow concurrency.cancel-in-progress", wf(pushAndDispatch + `concurrency:
  group: release
  cancel-in-progress: »${{ inputs.allow_unsigned }}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
`), "concurrency.cancel-in-progress"},
	{"job concurrency twin: not on push", wf(pushAndDispatch + `jobs:
  build:
    if: github.event_name != 'push'
    runs-on: ubuntu-latest
    concurrency:
      group: release
      cancel-in-progress: ${{ inputs.allow_unsigned }}
    steps:
      - run: make
`), ""},
	{"reusable workflow boolean input at the call site", map[string]string{
		".github/workflows/sign.yml": `on:
  workflow_call:
    inputs:
      soft:
        type: boolean
        default: false
jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: make sign
`,
		wfPath: pushAndDispatch + `jobs:
  sign:
    uses: ./.github/workflows/sign.yml
    with:
      soft: »${{ inputs.allow_unsigned }}
`}, "a boolean (input of ./.github/workflows/sign.yml)"},
	{"reusable workflow twin: string input", map[string]string{
		".github/workflows/sign.yml": `on:
  workflow_call:
    inputs:
      note:
        type: string
        default: ''
jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: make sign
`,
		wfPath: `on: push
jobs:
  sign:
    uses: ./.github/workflows/sign.yml
    with:
      note: ${{ vars.NOTE }}
`}, ""},
	{"composite action required input", map[string]string{
		"actions/publish/action.yml": `name: publish
inputs:
  image:
    required: true
runs:
  using: composite
  steps:
    - run: docker push "$IMAGE"
      shell: bash
`,
		wfPath: `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/publish
        with:
          image: »${{ vars.IMAGE }}
`}, "required input of ./actions/publish"},
	{"composite action twin: optional input", map[string]string{
		"actions/publish/action.yml": `name: publish
inputs:
  note:
    required: false
runs:
  using: composite
  steps:
    - run: echo hi
      shell: bash
`,
		wfPath: `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/publish
        with:
          note: ${{ vars.NOTE }}
`}, ""},
	{"image tag in a run script", wf(`on:
  workflow_call:
    inputs:
      version:
        type: string
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker build -t app .
          docker push ghcr.io/acme/app:»${{ inputs.version }}
`), `so it becomes "ghcr.io/acme/app:"`},
	{"image tag twin: required input", wf(`on:
  workflow_call:
    inputs:
      version:
        type: string
        required: true
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker push ghcr.io/acme/app:${{ inputs.version }}
          echo "${{ vars.NOTE }}"
`), ""},
	{"image tags in with", wf(`on: push
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:»${{ vars.CHANNEL }}
`), "with.tags: image reference"},
	{"image tags twin: fallback", wf(`on: push
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:${{ vars.CHANNEL || 'edge' }}
`), ""},

	// The common bug: dispatch inputs read on push as if defaulted.
	{"dispatch input in run on push", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh --mode »${{ inputs.mode }}
`), `inputs.mode is empty when this workflow runs on push, where its default "full" does not apply`},
	{"dispatch input twin: fallback", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh --mode ${{ inputs.mode || 'all' }}
`), ""},
	{"dispatch input in if silently skips", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - if: »inputs.run_tests
        run: make test
`), "this step is silently skipped on push"},
	{"dispatch input in if twin: default false", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - if: inputs.allow_unsigned
        run: make unsafe
`), ""},
	{"dispatch input in wrapped if comparing to true", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - if: »${{ inputs.run_tests == true }}
        run: make test
`), "silently skipped"},
	{"dispatch input in if twin: push handled in the same if", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - if: github.event_name == 'push' || inputs.run_tests
        run: make test
`), ""},
	{"dispatch input in job if", wf(pushAndDispatch + `jobs:
  test:
    if: »inputs.run_tests && github.repository == 'acme/app'
    runs-on: ubuntu-latest
    steps:
      - run: make test
`), "this job is silently skipped on push"},
	{"dispatch input in with, inside a longer value", wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/release-action@v1
        with:
          args: --channel »${{ github.event.inputs.mode }} --verbose
`), "github.event.inputs.mode is empty when this workflow runs on push"},
	{"dispatch input in with twin: the whole value of an optional input", wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.inputs.tag }}
`), ""},
	{"dispatch input in env, read by the job's script", wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    env:
      MODE: »${{ inputs.mode }}
    steps:
      - run: echo "mode is $MODE"
      - run: ./release.sh --mode "$MODE"
`), "$MODE passed to ./release.sh (line 26) needs a value"},
	{"dispatch input in env twin: no consumer in sight", wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    env:
      MODE: ${{ inputs.mode }}
    steps:
      - run: ./release.sh
`), ""},
	{"dispatch input twin: step guarded to dispatch", wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - if: github.event_name == 'workflow_dispatch'
        run: ./release.sh --mode ${{ inputs.mode }} --tag ${{ inputs.tag }}
`), ""},
	{"dispatch input twin: guarded through needs", wf(pushAndDispatch + `jobs:
  gate:
    if: github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
  push:
    needs: gate
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh --mode ${{ inputs.mode }}
      - if: inputs.run_tests
        run: make test
`), ""},
	{"dispatch input twin: no other trigger", wf(dispatchOnly + `jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh --mode ${{ inputs.mode }}
`), ""},
	{"dispatch input on schedule, second event reported", wf(`on:
  schedule:
    - cron: '0 3 * * *'
  workflow_dispatch:
    inputs:
      suite:
        default: smoke
jobs:
  nightly:
    runs-on: ubuntu-latest
    steps:
      - run: |
          set -eu
          ./e2e.sh --suite »${{ inputs.suite }}
`), "runs on schedule"},
	{"dispatch input twin: no default", wf(`on:
  schedule:
    - cron: '0 3 * * *'
  workflow_dispatch:
    inputs:
      extra:
        description: extra flags
jobs:
  nightly:
    runs-on: ubuntu-latest
    steps:
      - run: ./e2e.sh ${{ inputs.extra }}
`), ""},
}

func TestEmptyExpression(t *testing.T) {
	var cs []linttest.Case
	for _, c := range cases {
		cs = append(cs, linttest.Case{Name: c.name, Files: c.files, Msg: c.msg})
	}
	linttest.RunCases(t, Rule.ID, Check, cs)
}

func init() {
	cases = append(cases,
		tcase{"dispatch input twin: guard in the same if", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - if: inputs.run_tests && github.event_name == 'workflow_dispatch'
        run: make test
      - if: ${{ github.event_name == 'workflow_dispatch' && inputs.run_tests }}
        run: make test
      - run: make test MODE=${{ github.event_name == 'workflow_dispatch' && inputs.mode || 'full' }}
`), ""},
		tcase{"dispatch input: mixed guard still skips on push", wf(pushAndDispatch + `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - if: »inputs.run_tests || github.event_name == 'schedule'
        run: make test
`), "silently skipped on push"},
	)
}

func init() {
	cases = append(cases,
		tcase{"job concurrency.cancel-in-progress", wf(pushAndDispatch + `jobs:
  build:
    runs-on: ubuntu-latest
    concurrency:
      group: release-${{ github.ref }}
      cancel-in-progress: »${{ inputs.allow_unsigned }}
    steps:
      - run: make
`), "concurrency.cancel-in-progress"},
		tcase{"runs-on label list twin: fallback", wf(`on: push
jobs:
  build:
    runs-on: [self-hosted, "${{ vars.POOL || 'default' }}"]
    steps:
      - run: make
`), ""},
		tcase{"env set from a defined value twin", wf(`on: push
env:
  MINUTES: 30
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      LIMIT: ${{ env.MINUTES }}
    steps:
      - run: make
        timeout-minutes: ${{ env.LIMIT }}
`), ""},
		tcase{"secret twin: declared required", map[string]string{
			".github/workflows/publish.yml": `on:
  workflow_call:
    secrets:
      registry:
        required: true
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push ${{ secrets.registry }}/app:1.0
`,
			".github/workflows/release.yml": `on: push
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
    secrets:
      registry: ${{ secrets.REGISTRY }}
`}, ""},
		tcase{"dispatch input in job if twin: guarded job", wf(pushAndDispatch + `jobs:
  test:
    if: github.event_name == 'workflow_dispatch' && inputs.run_tests
    runs-on: ubuntu-latest
    steps:
      - run: make test
`), ""},
		tcase{"dispatch input in with twin: fallback", wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/release-action@v1
        with:
          channel: ${{ github.event.inputs.mode || 'full' }}
`), ""},
		tcase{"dispatch input in env twin: fallback to a context", wf(pushAndDispatch + `jobs:
  push:
    runs-on: ubuntu-latest
    env:
      TAG: ${{ inputs.tag || github.ref_name }}
    steps:
      - run: ./release.sh
`), ""},
		tcase{"dispatch input in workflow env and reusable with", map[string]string{
			".github/workflows/deploy.yml": `on:
  workflow_call:
    inputs:
      mode:
        type: string
        required: true
jobs:
  d:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`,
			wfPath: pushAndDispatch + `env:
  MODE: »${{ inputs.mode }}
jobs:
  deploy:
    uses: ./.github/workflows/deploy.yml
    with:
      mode: mode-»${{ inputs.mode }}
  notify:
    runs-on: ubuntu-latest
    steps:
      - run: curl -fsS "https://hooks.example.com/deploy?mode=$MODE"
`}, "inputs.mode is empty when this workflow runs on push"},
		tcase{"boolean dispatch input twin: always set on dispatch", wf(`on:
  workflow_dispatch:
    inputs:
      soft:
        type: boolean
jobs:
  build:
    runs-on: ubuntu-latest
    continue-on-error: ${{ inputs.soft }}
    steps:
      - run: make
        continue-on-error: ${{ github.event.inputs.soft }}
`), ""},
		tcase{"workflow_call and dispatch: input declared only for dispatch", wf(`on:
  workflow_call:
  workflow_dispatch:
    inputs:
      soft:
        type: boolean
        default: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
        continue-on-error: »${{ inputs.soft }}
`), "is not declared under on.workflow_call.inputs"},
	)
}

func init() {
	cases = append(cases,
		tcase{"twin: job skipped on push by a dispatch input", wf(pushAndDispatch + `jobs:
  deploy:
    if: inputs.allow_unsigned
    runs-on: ubuntu-latest
    environment: ${{ inputs.mode }}
    continue-on-error: ${{ inputs.allow_unsigned }}
    steps:
      - run: ./deploy.sh --mode ${{ inputs.mode }}
  after:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: ./verify.sh --mode ${{ inputs.mode }}
`), ""},
		tcase{"twin: step skipped on push by a dispatch input", wf(pushAndDispatch + `jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - if: ${{ inputs.allow_unsigned && !cancelled() }}
        run: cosign sign --yes "$IMAGE"
        continue-on-error: ${{ inputs.allow_unsigned }}
`), ""},
		tcase{"job still runs under always(): its needs gate nothing", wf(pushAndDispatch + `jobs:
  deploy:
    if: github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
  report:
    needs: deploy
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: ./report.sh --mode »${{ inputs.mode }}
`), "runs on push"},
	)
}

func init() {
	cases = append(cases,
		tcase{"composite step continue-on-error from an optional input", map[string]string{"actions/sign/action.yml": `name: sign
inputs:
  soft:
    description: tolerate signing failures
  strict:
    default: 'false'
runs:
  using: composite
  steps:
    - run: cosign sign --yes "$IMAGE"
      shell: bash
      continue-on-error: »${{ inputs.soft }}
    - run: cosign verify "$IMAGE"
      shell: bash
      continue-on-error: ${{ inputs.strict }}
    - run: cosign attest "$IMAGE"
      shell: bash
      continue-on-error: ${{ inputs.soft == 'true' }}
`}, "inputs.soft is optional and has no default"},
	)
}

func init() {
	cases = append(cases,
		tcase{"step output twin: producer runs on every trigger that reaches the reader", wf(`on:
  push:
  pull_request:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: cfg
        if: github.event_name == 'push'
        run: echo "minutes=30" >> "$GITHUB_OUTPUT"
      - if: github.event_name == 'push' && github.ref == 'refs/heads/main'
        run: make
        timeout-minutes: ${{ steps.cfg.outputs.minutes }}
`), ""},
	)
}

func init() {
	cases = append(cases,
		tcase{"dispatch input twin: explicit empty alternative", wf(`on:
  push:
    tags: ['v*']
  workflow_dispatch:
    inputs:
      snapshot:
        type: boolean
        default: true
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: goreleaser release --clean ${{ inputs.snapshot && '--snapshot' || '' }}
`), ""},
		tcase{"dispatch input: second of two inputs is the empty one", wf(pushAndDispatch + `jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh »${{ inputs.mode || inputs.tag }}
`), "inputs.tag is empty when this workflow runs on push"},
	)
}

func init() {
	cases = append(cases,
		tcase{"dispatch input: an if the empty input makes true on every pull request", wf(`on:
  pull_request:
  workflow_dispatch:
    inputs:
      tag:
        default: dry-run
jobs:
  approve:
    if: »${{ inputs.tag != 'dry-run' }}
    environment: release-approval
    runs-on: ubuntu-latest
    steps:
      - run: echo approved
`), "this job runs on every pull_request, although with the default it would not"},
		tcase{"dispatch input twin: the same flip on a tag push is meant", wf(`on:
  push:
    tags: ['v*']
  pull_request:
  workflow_dispatch:
    inputs:
      dry_run:
        type: boolean
        default: true
jobs:
  publish:
    if: ${{ github.event_name != 'pull_request' && !inputs.dry_run }}
    runs-on: ubuntu-latest
    steps:
      - run: ./publish.sh
`), ""},
	)
}

func init() {
	cases = append(cases,
		tcase{"dispatch input without a default, given a fallback elsewhere, in an image tag", wf(`on:
  schedule:
    - cron: '0 1 * * *'
  workflow_dispatch:
    inputs:
      source_ref:
        description: ref to build from
jobs:
  images:
    runs-on: ubuntu-latest
    steps:
      - run: |
          make server REF=${{ inputs.source_ref || 'main' }}
          IMG="registry.example.com/app-client:»${{ inputs.source_ref }}_${{ github.sha }}"
          docker push "$IMG"
`), `where its default "main" (the fallback it gets elsewhere in this workflow) does not apply`},
	)
}
