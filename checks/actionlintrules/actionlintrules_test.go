package actionlintrules_test

import (
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
