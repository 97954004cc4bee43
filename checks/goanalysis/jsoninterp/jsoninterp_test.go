package jsoninterp_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/releasegate/releasegate/checks/goanalysis/jsoninterp"
)

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), jsoninterp.Analyzer, "a")
}
