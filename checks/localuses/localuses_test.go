package localuses

import (
	"testing"

	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/lint/linttest"
)

const notifyWorkflow = `on: workflow_call
jobs:
  notify:
    runs-on: ubuntu-latest
    steps:
      - run: ./notify.sh
`

const setupAction = `name: setup
description: install the toolchain
runs:
  using: composite
  steps:
    - run: ./install.sh
      shell: bash
`

// job wraps steps in a workflow with one job.
func job(steps string) string {
	return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + steps
}

func TestLocalUses(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "reusable workflow called as a step", Files: map[string]string{
			".github/workflows/notify.yml": notifyWorkflow,
			".github/workflows/ci.yml": job(`      - uses: actions/checkout@v4
      - if: failure()
        uses: »./.github/workflows/notify.yml«
`),
		}, Msg: "is a reusable workflow, which a step cannot run"},
		{Name: "a path that does not exist", Files: map[string]string{
			".github/actions/setup-go/action.yml": setupAction,
			".github/workflows/ci.yml": job(`      - uses: actions/checkout@v4
      - uses: »./.github/actions/setup-golang«
`),
		}, Msg: "does not exist in this repository"},
		{Name: "a directory without metadata, and a file", Files: map[string]string{
			"tools/release/README.md": "# release tools\n",
			"tools/lint.sh":           "#!/bin/sh\n",
			".github/workflows/ci.yml": job(`      - uses: actions/checkout@v4
      - uses: »./tools/release
      - uses: »./tools/lint.sh
`),
		}, Msg: "so the step fails as it starts"},
		{Name: "a composite action using a missing local action", Files: map[string]string{
			"actions/build/action.yml": `name: build
description: build the image
runs:
  using: composite
  steps:
    - uses: »./actions/prepare
    - run: make image
      shell: bash
`,
		}, Msg: "does not exist"},
		{Name: "twin: local actions and workflows used as they should be", Files: map[string]string{
			".github/actions/setup/action.yml":  setupAction,
			".github/actions/cache/action.yaml": setupAction,
			".github/workflows/notify.yml":      notifyWorkflow,
			".github/workflows/ci.yml": `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
      - uses: ./.github/actions/cache/
      - uses: ./${{ matrix.action }}
      - uses: docker/setup-buildx-action@v3
  notify:
    needs: build
    if: failure()
    uses: ./.github/workflows/notify.yml
`,
		}},
		{Name: "twin: a template's workflow names paths of the repository it is meant for", Files: map[string]string{
			"template/.github/workflows/ci.yml": job(`      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
`),
		}},
		{Name: "twin: the job makes the path before the step", Files: map[string]string{
			".gitmodules": "[submodule \"vendor/ci\"]\n\tpath = vendor/ci\n\turl = https://example.test/ci.git\n",
			".github/workflows/ci.yml": job(`      - uses: actions/checkout@v4
      - uses: ./vendor/ci/lint
      - uses: actions/checkout@v4
        with:
          repository: acme/shared-actions
          path: shared
          token: ${{ secrets.ACTIONS_TOKEN }}
      - uses: ./shared/deploy
      - run: git clone --depth 1 https://example.test/tools.git .tools
      - uses: ./.tools/sign
`),
		}},
	})
}

// TestNoInputError: a step naming a workflow file made actionlint's
// metadata lookup (x.yml/action.yml) an unreadable input, which ended the
// whole run with exit 2; it is a finding now, and nothing else.
func TestNoInputError(t *testing.T) {
	res := linttest.Run(t, map[string]string{
		".github/workflows/notify.yml": notifyWorkflow,
		".github/workflows/ci.yml":     job("      - uses: ./.github/workflows/notify.yml\n"),
	}, actionlintrules.Check, Check)
	for _, e := range res.Errors {
		t.Errorf("input error: %v", e)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != Rule.ID {
		t.Errorf("want one %s finding, got %v", Rule.ID, res.Findings)
	}
}
