package partialssa_test

import (
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/passes/buildssa"

	"github.com/releasegate/releasegate/checks/goanalysis/internal/partialssa"
)

// bodies reports, for each function of the package, whether its SSA has a
// body: functions that read something of unknown type have none.
var bodies = &analysis.Analyzer{
	Name:             "bodies",
	Doc:              "reports which functions have an SSA body",
	Requires:         []*analysis.Analyzer{partialssa.Analyzer},
	RunDespiteErrors: true,
	Run: func(pass *analysis.Pass) (any, error) {
		res := pass.ResultOf[partialssa.Analyzer].(*buildssa.SSA)
		if res == nil {
			pass.Reportf(pass.Files[0].Package, "no SSA")
			return nil, nil
		}
		for _, fn := range res.SrcFuncs {
			what := "built"
			if len(fn.Blocks) == 0 {
				what = "no body"
			}
			pass.Reportf(fn.Pos(), "%s: %s", fn.Name(), what)
		}
		return nil, nil
	},
}

func TestPartialPackage(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), bodies, "p")
}
