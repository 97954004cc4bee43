package emptyexpr

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestCases runs every case directory under testdata: a small repository
// with » markers where findings start and a want file naming each
// (see linttest.RunCaseDirs). Most come in pairs: a planted defect and
// its negative twin, which must stay clean.
func TestCases(t *testing.T) {
	linttest.RunCaseDirs(t, "testdata", Check)
}

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

func wf(body string) map[string]string { return map[string]string{wfPath: body} }
