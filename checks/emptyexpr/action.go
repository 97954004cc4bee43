package emptyexpr

import (
	"strings"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// actionResolver knows a composite action's inputs: every input is a
// string, and one that is optional without a default is empty when the
// caller leaves it out.
type actionResolver struct{ a *workspace.Action }

func (r actionResolver) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	if p.N != 2 || p.Parts[0] != "inputs" {
		return emptiness.Value{}, false
	}
	for _, in := range r.a.Inputs {
		if strings.ToLower(in.Name) != p.Parts[1] {
			continue
		}
		if (in.Required != nil && strings.EqualFold(in.Required.Value, "true")) || (in.Default != nil && in.Default.Value != "") {
			return emptiness.Shapes(emptiness.Str, nil), true
		}
		why := "is optional and has no default, so it is empty when a caller leaves it out"
		if in.Default != nil {
			why = "defaults to '', so it is empty when a caller leaves it out"
		}
		return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr, &emptiness.Reason{Expr: p.Text, Why: why}), true
	}
	return emptiness.Value{}, false
}

// compositeSteps checks continue-on-error of a composite action's steps,
// which must be a boolean like a workflow step's.
func compositeSteps(p *lint.Pass, a *workspace.Action) {
	for _, s := range a.Steps {
		v := s.ContinueOnError
		if v == nil || !strings.Contains(v.Value, "${{") {
			continue
		}
		xs := expr.Find(v.Value)
		if len(xs) == 0 {
			continue
		}
		e := emptiness.Template(v.Value, xs, actionResolver{a})
		switch {
		case e.Err != nil:
			p.Reportf(Rule.ID, a.File, workspace.Span{Start: a.Locate(v, xs[0].Start)}, "continue-on-error: %s %s, and fromJSON of an empty string fails the step", e.Err.Expr, e.Err.Why)
		case e.MaybeEmpty():
			p.Reportf(Rule.ID, a.File, workspace.Span{Start: a.Locate(v, xs[0].Start)}, "continue-on-error: %s can evaluate to '' where a boolean is required: %s %s%s",
				clipExpr(v.Value, xs), e.Why.Expr, e.Why.Why, consequence("a boolean"))
		}
	}
}
