package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestAlwaysEmpty covers the sources that are empty in every run and the
// places their value lands.
func TestAlwaysEmpty(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "input no trigger declares, in a run script", Files: wf(`on:
  pull_request_target:
    types: [closed]
jobs:
  backport:
    runs-on: ubuntu-latest
    steps:
      - run: ./backport.sh --onto »${{ inputs.target-branch }}
`), Msg: `inputs.target-branch is always '': no trigger of this workflow declares an input "target-branch", so ${{ inputs.target-branch }} expands to ''`},
		{Name: "twin: the input is declared by workflow_call", Files: wf(`on:
  pull_request_target:
  workflow_call:
    inputs:
      target-branch:
        type: string
        default: main
jobs:
  backport:
    runs-on: ubuntu-latest
    steps:
      - run: ./backport.sh --onto ${{ inputs.target-branch || github.base_ref }}
`)},
		{Name: "undeclared dispatch input in an if makes the step dead", Files: wf(`on:
  workflow_dispatch:
    inputs:
      channel:
        default: stable
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - if: »github.event.inputs.dry_run == 'false'
        run: ./publish.sh
`), Msg: "github.event.inputs.dry_run == 'false' is always false and this step never runs"},
		{Name: "twin: a fallback for an undeclared input keeps the value", Files: wf(`on:
  issues:
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: ./triage.sh
        env:
          CONTEXT: ${{ github.event.inputs.context || '' }}
          LIMIT: ${{ inputs.limit || 50 }}
`)},
		{Name: "job output never exported, compared in a job if", Files: wf(`on: pull_request
jobs:
  changes:
    runs-on: ubuntu-latest
    outputs:
      go: ${{ steps.filter.outputs.go }}
    steps:
      - id: filter
        run: |
          echo "go=true" >> "$GITHUB_OUTPUT"
          echo "docs=true" >> "$GITHUB_OUTPUT"
  docs:
    needs: changes
    if: »needs.changes.outputs.docs == 'true'
    runs-on: ubuntu-latest
    steps:
      - run: make docs
`), Msg: `job "changes" exports no output "docs" (its outputs: go), so needs.changes.outputs.docs == 'true' is always false and this job never runs`},
		{Name: "job output never exported, in a value", Files: wf(`on: push
jobs:
  version:
    runs-on: ubuntu-latest
    steps:
      - id: v
        run: echo "tag=v1" >> "$GITHUB_OUTPUT"
  push:
    needs: version
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/app:»${{ needs.version.outputs.tag }}
`), Msg: "it has no outputs:"},
		{Name: "twin: output exported", Files: wf(`on: pull_request
jobs:
  changes:
    runs-on: ubuntu-latest
    outputs:
      docs: ${{ steps.filter.outputs.docs }}
    steps:
      - id: filter
        run: echo "docs=true" >> "$GITHUB_OUTPUT"
  docs:
    needs: changes
    if: needs.changes.outputs.docs == 'true'
    runs-on: ubuntu-latest
    steps:
      - run: make docs
`)},
		{Name: "comparison made constant inside a value", Files: wf(`on: pull_request
jobs:
  changes:
    runs-on: ubuntu-latest
    outputs:
      go: ${{ steps.filter.outputs.go }}
    steps:
      - id: filter
        run: echo "go=true" >> "$GITHUB_OUTPUT"
  test:
    needs: changes
    runs-on: ubuntu-latest
    steps:
      - run: make test
        env:
          SKIP_DOCS: »${{ needs.changes.outputs.docs != 'true' }}
`), Msg: "needs.changes.outputs.docs != 'true' is always true"},
		{Name: "output of a local reusable workflow that it does not declare", Files: map[string]string{
			".github/workflows/build.yml": zBuild,
			wfPath: `on: push
jobs:
  build:
    uses: ./.github/workflows/build.yml
  sign:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign ghcr.io/acme/app@»${{ needs.build.outputs.image-digest }}
`}, Msg: "./.github/workflows/build.yml, called by job \"build\", declares no output \"image-digest\""},
		{Name: "twin: remote reusable workflow outputs are unknown", Files: wf(`on: push
jobs:
  build:
    uses: acme/workflows/.github/workflows/build.yml@v1
  sign:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign ghcr.io/acme/app@${{ needs.build.outputs.digest }}
`)},
		{Name: "secret a caller stopped passing", Files: map[string]string{
			".github/workflows/publish.yml": `on:
  workflow_call:
    inputs:
      version:
        type: string
        required: true
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$TOKEN" | docker login ghcr.io -u acme --password-stdin
        env:
          TOKEN: »${{ secrets.REGISTRY_TOKEN }}
`,
			".github/workflows/release.yml": `on: push
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
    with:
      version: "1.0"
`}, Msg: "secrets.REGISTRY_TOKEN is always '': it is not declared under on.workflow_call.secrets and no caller passes it (.github/workflows/release.yml:3"},
		{Name: "twin: the caller inherits secrets", Files: map[string]string{
			".github/workflows/publish.yml": `on:
  workflow_call:
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$TOKEN" | docker login ghcr.io -u acme --password-stdin
        env:
          TOKEN: ${{ secrets.REGISTRY_TOKEN }}
          GH: ${{ secrets.GITHUB_TOKEN }}
`,
			".github/workflows/release.yml": `on: push
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
    secrets: inherit
`}},
		{Name: "twin: no local caller (called from other repositories)", Files: wf(`on:
  workflow_call:
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: ./push.sh
        env:
          TOKEN: ${{ secrets.REGISTRY_TOKEN }}
`)},
		{Name: "step output the step never writes, in an env value", Files: wf(`on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - id: vars
        run: |
          printf 'go: %s\n' "$(go version)"
          go env
      - id: version
        run: echo "::set-output name=tag::${GITHUB_REF#refs/tags/}"
      - uses: goreleaser/goreleaser-action@v6
        env:
          TAG: »${{ steps.vars.outputs.tag }}
          NEXT: ${{ steps.version.outputs.tag }}
`), Msg: `steps.vars.outputs.tag is always '': step "vars" writes no outputs`},
		{Name: "step output under another name, in an if", Files: wf(`on: push
jobs:
  upload:
    runs-on: windows-latest
    steps:
      - id: creds
        shell: pwsh
        run: |
          Write-Output "account=$env:ACCT" | Out-File -FilePath $env:GITHUB_OUTPUT -Append
          Write-Output "region=$env:REGION" | Out-File -FilePath $env:GITHUB_OUTPUT -Append
      - if: »steps.creds.outputs.project && steps.creds.outputs.key
        run: ./upload-logs.ps1
      - if: steps.creds.outputs.account != ''
        run: ./upload-logs.ps1
`), Msg: "writes only these outputs: account, region, so this step never runs"},
		{Name: "twin: a step that runs a script may write any output", Files: wf(`on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - id: vars
        run: ./ci/version.sh
      - id: build
        run: |
          make dist
          echo "built"
      - run: ./publish.sh "${{ steps.vars.outputs.tag }}" "${{ steps.build.outputs.digest }}"
`)},
		{Name: "fromJSON of an input no trigger declares", Files: wf(`on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        go: »${{ fromJSON(inputs.go-versions) }}
    steps:
      - run: go test ./...
`), Msg: "fromJSON of an empty string is an evaluation error that fails the job"},
		{Name: "undeclared input in environment", Files: wf(`on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: »${{ inputs.environment }}
    steps:
      - run: ./deploy.sh
`), Msg: "inputs.environment is always ''"},
	})
}
