package deletecall_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/releasegate/releasegate/checks/goanalysis/deletecall"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), deletecall.Analyzer, "a", "hub")
}
