package secretscope_test

import (
	"testing"

	"github.com/releasegate/releasegate/checks/secretscope"
	"github.com/releasegate/releasegate/lint/linttest"
)

const cfg = `version: 1
secrets:
  HUB_TOKEN_RW:
    scopes: [read, write]
    allowed: [push.yml]
  HUB_TOKEN_DELETE:
    scopes: [read, write, delete]
    allowed: [sync.yml#meta]
    required: [sync.yml#meta]
families:
  HUB_TOKEN:
`

// TestCases runs every case directory under testdata: a small repository
// with » markers where findings start and « where they end, and a want
// file naming the rule of each (see linttest.RunCaseDirs).
func TestCases(t *testing.T) {
	linttest.RunCaseDirs(t, "testdata", secretscope.Check)
}
