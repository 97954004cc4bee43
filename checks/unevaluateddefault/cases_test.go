package unevaluateddefault

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestCases runs every case directory under testdata: a small repository
// with » markers where findings start and a want file naming each (see
// linttest.RunCaseDirs).
func TestCases(t *testing.T) {
	linttest.RunCaseDirs(t, "testdata", Check)
}
