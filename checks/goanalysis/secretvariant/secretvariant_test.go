package secretvariant_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/releasegate/releasegate/checks/goanalysis/secretvariant"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), secretvariant.Analyzer, "a", "b")
}
