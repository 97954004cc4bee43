package emptyexpr

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint"
)

// fromJSON('') is an evaluation error: the job (or step) fails before it
// starts. Whatever the field, a fromJSON whose argument can be '' for a
// reason in the workflow's own structure is reported at the call: the
// output of a job skipped by its own if: read by a job that runs anyway
// (always(), !cancelled()), the output of a step that can be skipped or
// never writes it, an env variable defined nowhere, a matrix key missing
// from some combinations. Inputs are judged by their own rules (see
// dispatch.go), and vars and secrets are left out: an unset variable is
// configuration, not a mistake in the file. The whole expression is
// evaluated, so `needs.a.result == 'success' && fromJSON(needs.a.outputs.x)`
// never reaches the call when a was skipped.

// fromJSONs reports the first fromJSON of s that can fail on a trigger
// that reaches at, unless s already has a finding.
func (c *checker) fromJSONs(at place, field string, s *actionlint.String, isIf bool) {
	if s == nil || c.reported[s] || !expr.ContainsFold(s.Value, "fromjson") {
		return
	}
	if isIf {
		if node, src, off := c.m.cond(s); node != nil {
			c.fromJSONIn(at, field, s, node, src, condition(s.Value, src, off).base)
		}
		return
	}
	for _, x := range c.m.find(s) {
		if x.Node != nil && expr.ContainsFold(x.Src, "fromjson") {
			c.fromJSONIn(at, field, s, x.Node, x.Src, placeholder(x).base)
		}
	}
}

func (c *checker) fromJSONIn(at place, field string, s *actionlint.String, node actionlint.ExprNode, src string, base int) {
	c.m.each(at.events, func(ev string) bool {
		r := c.at(at, ev, modeSink)
		r.structural = true
		v := emptiness.Eval(node, src, r)
		if v.Err == nil || c.testsProducer(at, v.Err.Expr) {
			return false
		}
		call := fromJSONCall(node, src, v.Err.Expr)
		c.reportWith(s, base+call, lint.WithoutFix("the value can be '' for a reason in the workflow itself; "+
			"test it first (x != '' && fromJSON(x)) or make its producer always set it"),
			"%s: %s %s, and fromJSON of an empty string is an evaluation error that fails the %s", field, v.Err.Expr, v.Err.Why, at.what())
		return true
	})
}

// fromJSONCall is the offset in src of the fromJSON call whose argument
// reads ref (the first call when none does).
func fromJSONCall(node actionlint.ExprNode, src, ref string) int {
	first, found := -1, -1
	actionlint.VisitExprNode(node, func(n, _ actionlint.ExprNode, entering bool) {
		f, ok := n.(*actionlint.FuncCallNode)
		if !entering || !ok || !strings.EqualFold(f.Callee, "fromjson") || found >= 0 {
			return
		}
		off := f.Token().Offset
		if first < 0 {
			first = off
		}
		if len(f.Args) == 1 && strings.Contains(src[f.Args[0].Token().Offset:], ref) {
			found = off
		}
	})
	if found >= 0 {
		return found
	}
	return max(first, 0)
}

// testsProducer reports a place whose job or step if: tests the producer
// of ref (needs.J or steps.S) other than by fromJSON: its result, or an
// output such as `needs.changes.outputs.any == 'true'`, which shows the
// author runs it only when the producer did its work.
func (c *checker) testsProducer(at place, ref string) bool {
	parts := strings.SplitN(strings.ToLower(ref), ".", 3)
	if len(parts) < 3 || (parts[0] != "needs" && parts[0] != "steps") || at.job == nil {
		return false
	}
	root := parts[0] + "." + parts[1]
	if at.job.If != nil && readsOtherThanFromJSON(at.job.If.Value, root) {
		return true
	}
	if at.step >= 0 && at.step < len(at.job.Steps) {
		if s := at.job.Steps[at.step].If; s != nil && readsOtherThanFromJSON(s.Value, root) {
			return true
		}
	}
	return false
}
