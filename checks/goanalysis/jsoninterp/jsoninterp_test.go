package jsoninterp_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/releasegate/releasegate/checks/goanalysis/jsoninterp"
)

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), jsoninterp.Analyzer, "a", "onlyfmt", "single", "hasjson", "kinds")
}

// TestPartialTypes: a package whose import is missing is analysed from
// its syntax and the types that resolve.
func TestPartialTypes(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), jsoninterp.Analyzer, "partial")
}
