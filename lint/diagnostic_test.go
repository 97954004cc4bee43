package lint_test

import (
	"testing"

	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// TestAtMost: a cap lowers a finding below its rule's severity, never
// raises it, and a configured severity lower than the cap wins.
func TestAtMost(t *testing.T) {
	r := rule.Rule{ID: "probe", Half: rule.Lint, Severity: rule.Warning, Summary: "s", Why: "w", Bad: "b", Good: "g", Fix: "f"}
	check := lint.Check{Name: "probe", Rules: []rule.Rule{r}, Workflow: func(p *lint.Pass, wf *workspace.Workflow) {
		span := wf.File.TokenSpan(workspace.Pos{Line: 1, Col: 1})
		p.Reportf(r.ID, wf.File, span, "plain")
		p.Report(lint.Diagnostic{Rule: r.ID, Path: wf.Path, Span: span, Message: "capped", AtMost: rule.Note})
		p.Report(lint.Diagnostic{Rule: r.ID, Path: wf.Path, Span: span, Message: "raised", AtMost: rule.Error})
	}}
	const wf = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
	for _, tc := range []struct {
		name, config string
		want         map[string]rule.Severity
	}{
		{"rule severity", "", map[string]rule.Severity{"plain": rule.Warning, "capped": rule.Note, "raised": rule.Warning}},
		{"configured lower", "rules:\n  probe: note\n", map[string]rule.Severity{"plain": rule.Note, "capped": rule.Note, "raised": rule.Note}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{".github/workflows/w.yml": wf}
			if tc.config != "" {
				files[".releasegate.yaml"] = tc.config
			}
			res := linttest.Run(t, files, check)
			for _, e := range res.Errors {
				t.Fatalf("input error: %+v", e)
			}
			if len(res.Findings) != len(tc.want) {
				t.Fatalf("findings %+v", res.Findings)
			}
			for _, f := range res.Findings {
				if f.Severity != tc.want[f.Message] {
					t.Errorf("%s: severity %s, want %s", f.Message, f.Severity, tc.want[f.Message])
				}
			}
		})
	}
}
