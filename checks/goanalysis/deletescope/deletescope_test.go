package deletescope_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/releasegate/releasegate/checks/goanalysis/deletescope"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), deletescope.Analyzer, "a", "hub")
}
