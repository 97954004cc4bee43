package actionlintrules_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/lint/linttest"
)

func TestActionlintFindings(t *testing.T) {
	tests := []struct {
		name, wf string
		line     int
		kind     string
	}{
		{"unknown runner label", "on: push\njobs:\n  a:\n    runs-on: ubuntu-lastest\n    steps:\n      - run: echo\n", 4, "[runner-label]"},
		{"bad expression", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope( }}\n", 6, "[expression]"},
		{"unknown key", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n", 5, "[syntax-check]"},
		{"clean", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := linttest.Run(t, map[string]string{".github/workflows/w.yml": tt.wf}, actionlintrules.Check)
			if tt.line == 0 {
				if len(res.Findings) > 0 {
					t.Fatalf("unexpected %+v", res.Findings)
				}
				return
			}
			found := false
			for _, f := range res.Findings {
				if f.Rule == "actionlint" && f.Line == tt.line && strings.Contains(f.Message, tt.kind) {
					found = true
				}
			}
			if !found {
				t.Errorf("no actionlint %s finding on line %d: %+v", tt.kind, tt.line, res.Findings)
			}
		})
	}
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
