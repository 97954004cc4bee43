package jsoninterp_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/releasegate/releasegate/checks/goanalysis/jsoninterp"
)

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), jsoninterp.Analyzer, "a", "onlyfmt", "single", "hasjson", "kinds")
}

// TestQuotingHelpers: a helper that wraps a value in double quotes
// without escaping is reported once, where its result lands in JSON:
// at the helper in its own package, at the first call in another.
func TestQuotingHelpers(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), jsoninterp.Analyzer, "quoting", "quoteuse")
}

// TestJSONPieces: + chains that build one object member at a time.
func TestJSONPieces(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), jsoninterp.Analyzer, "pieces")
}

// TestPartialTypes: a package whose import is missing is analysed from
// its syntax and the types that resolve.
func TestPartialTypes(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), jsoninterp.Analyzer, "partial")
}

// TestPlainValues: a value only an encoder without quotes in its
// alphabet made (hex, base64, strconv's numbers), followed through local
// variables and this package's functions, is not reported; one
// assignment of other text, a taken address or a range clause is.
func TestPlainValues(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), jsoninterp.Analyzer, "plain")
}
