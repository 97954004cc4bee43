package actionlintrules_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/lint/linttest"
)

// TestCases runs every case directory under testdata: a small repository
// with » markers where findings start and a want file naming each (see
// linttest.RunCaseDirs).
func TestCases(t *testing.T) {
	linttest.RunCaseDirs(t, "testdata", actionlintrules.Check)
}

// TestActionMetadataFindingIsPlacedOnce: actionlint checks a local
// action's metadata once, at whichever workflow reads it first; linted
// concurrently, that moved from run to run. The finding is reported once,
// at the first use in file order, every time.
func TestActionMetadataFindingIsPlacedOnce(t *testing.T) {
	files := map[string]string{
		// No description: actionlint requires one.
		".github/actions/login/action.yml": "name: login\nruns:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n",
	}
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		files[".github/workflows/"+name+".yml"] = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n      - uses: ./.github/actions/login\n"
	}
	// a.yml comes first but takes longest to lint, so another workflow
	// usually reads the action first.
	files[".github/workflows/a.yml"] = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n" +
		strings.Repeat("      - run: echo ${{ github.sha }}\n", 3000) + "      - uses: ./.github/actions/login\n"
	for range 6 {
		res := linttest.Run(t, files, actionlintrules.Check)
		var at []string
		for _, f := range res.Findings {
			if strings.Contains(f.Message, "description is required") {
				at = append(at, f.File+":"+strconv.Itoa(f.Line))
			}
		}
		if len(at) != 1 || at[0] != ".github/workflows/a.yml:3006" {
			t.Fatalf("metadata finding at %v, want once at .github/workflows/a.yml:3006", at)
		}
	}
}
