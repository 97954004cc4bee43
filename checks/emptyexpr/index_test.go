package emptyexpr

import (
	"fmt"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// withFillers adds workflows that sort between the caller (a-*.yml) and the
// reusable workflow it calls (z-*.yml), so the caller is parsed, and its
// facts asked for, before the workflow it calls has been seen.
func withFillers(files map[string]string) map[string]string {
	for i := range 12 {
		files[fmt.Sprintf(".github/workflows/m-%02d.yml", i)] = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
	}
	return files
}

// zBuild is a reusable workflow that exports one output, digest.
const zBuild = `on:
  workflow_call:
    outputs:
      digest:
        value: ${{ jobs.build.outputs.digest }}
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      digest: ${{ steps.b.outputs.digest }}
    steps:
      - id: b
        run: echo "digest=sha256:0" >> "$GITHUB_OUTPUT"
`

// zPublish is a reusable workflow reading an optional secret; %s is the
// finding marker, or nothing.
const zPublish = `on:
  workflow_call:
    secrets:
      registry:
        required: false
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push %s${{ secrets.registry }}/app:1.0
`

// aSign signs what z-build.yml outputs: %s is the finding marker or
// nothing, %s the output it reads.
const aSign = `on: push
jobs:
  build:
    uses: ./.github/workflows/z-build.yml
  sign:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign ghcr.io/acme/app@%s${{ needs.build.outputs.%s }}
`

// bRelease calls z-publish.yml and hands it every secret.
const bRelease = `on: push
jobs:
  publish:
    uses: ./.github/workflows/z-publish.yml
    secrets: inherit
`

// TestCallerBeforeCallee: the cross-file facts (a reusable workflow's input
// types and outputs, the secrets its callers pass) reach the analysis
// whatever order the files are parsed in.
func TestCallerBeforeCallee(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "boolean input of a reusable workflow parsed later", Files: withFillers(map[string]string{
			".github/workflows/a-release.yml": pushAndDispatch + `jobs:
  sign:
    uses: ./.github/workflows/z-sign.yml
    with:
      soft: »${{ inputs.allow_unsigned }}
`,
			".github/workflows/z-sign.yml": `on:
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
`}), Msg: "a boolean (input of ./.github/workflows/z-sign.yml)"},
		{Name: "output a reusable workflow parsed later does not declare", Files: withFillers(map[string]string{
			".github/workflows/a-release.yml": fmt.Sprintf(aSign, "»", "image-digest"),
			".github/workflows/z-build.yml":   zBuild}), Msg: "declares no output \"image-digest\""},
		{Name: "twin: the output is declared", Files: withFillers(map[string]string{
			".github/workflows/a-release.yml": fmt.Sprintf(aSign, "", "digest"),
			".github/workflows/z-build.yml":   zBuild}), Msg: ""},
		{Name: "secret the first of two callers does not pass", Files: withFillers(map[string]string{
			".github/workflows/a-nightly.yml": `on: schedule
jobs:
  publish:
    uses: ./.github/workflows/z-publish.yml
`,
			".github/workflows/b-release.yml": bRelease,
			".github/workflows/z-publish.yml": fmt.Sprintf(zPublish, "»")}), Msg: "secrets.registry is empty when this workflow is called from .github/workflows/a-nightly.yml:3"},
		{Name: "twin: every caller passes the secret", Files: withFillers(map[string]string{
			".github/workflows/a-nightly.yml": `on: schedule
jobs:
  publish:
    uses: ./.github/workflows/z-publish.yml
    secrets:
      registry: ${{ secrets.REGISTRY }}
`,
			".github/workflows/b-release.yml": bRelease,
			".github/workflows/z-publish.yml": fmt.Sprintf(zPublish, "")}), Msg: ""},
	})
}
