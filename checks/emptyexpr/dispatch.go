package emptyexpr

import (
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/runscript"
	"github.com/releasegate/releasegate/lint"
)

// The commonest defect of the family: a workflow with workflow_dispatch
// inputs that also runs on push, schedule or pull_request reads inputs.X
// as if its default applied there. It does not: the inputs context is
// empty on those triggers. A use is a candidate when evaluating it on such
// a trigger with the inputs empty gives '' (in if:, false) while the same
// trigger with the defaults would not; whether the candidate is reported
// depends on where the value goes (see runUse, withUse, envUse).

// emptyUse is how an expression reads a dispatch input on a trigger that
// leaves it empty.
type emptyUse struct {
	event string
	why   *emptiness.Reason // the input (for a value: the part that is '')
	hit   *emptiness.Reason // the first input found empty
	def   emptiness.Value   // the value with the defaults applied
	fails bool              // fromJSON('')
	runs  bool              // an if: true only because the input is empty
}

// prTriggers run for every pull request: an if: that the empty inputs
// turn true there runs a dispatch-only job (a release, an approval gate)
// on each of them. On push or schedule the same flip is often meant
// (`inputs.dry_run != 'true'` publishing for real on a tag push), so it
// is not reported there.
var prTriggers = map[string]bool{"pull_request": true, "pull_request_target": true, "merge_group": true}

// dispatchEmpty finds the first trigger on which node gives the empty string (isIf:
// false), or fails, only because dispatch inputs are empty there.
func (c *checker) dispatchEmpty(at place, node actionlint.ExprNode, src string, isIf bool) (emptyUse, bool) {
	var found emptyUse
	ok := false
	falsy := func(v emptiness.Value) bool {
		if isIf {
			return v.Known && !v.Const.Truthy()
		}
		return v.Known && v.Const.Render() == ""
	}
	c.m.each(at.events, func(ev string) bool {
		if ev == "workflow_dispatch" {
			return false
		}
		r := c.at(at, ev, modeEmpty)
		v := emptiness.Eval(node, src, r)
		if r.hit == nil {
			return false
		}
		// The counterfactual the author had in mind: the same trigger with
		// the defaults applied. If that is empty (or false, or fails) too,
		// the empty inputs change nothing, as in
		// `inputs.x && github.event_name == 'workflow_dispatch'`.
		d := emptiness.Eval(node, src, c.at(at, ev, modeDefault))
		switch {
		case v.Err != nil && d.Err == nil:
			found, ok = emptyUse{event: ev, why: v.Err, hit: r.hit, def: d, fails: true}, true
		case isIf && prTriggers[ev] && v.Known && v.Const.Truthy() && falsy(d):
			found, ok = emptyUse{event: ev, why: r.hit, hit: r.hit, def: d, runs: true}, true
		case !falsy(v) || falsy(d):
			return false
		case isIf:
			found, ok = emptyUse{event: ev, why: r.hit, hit: r.hit, def: d}, true
		default:
			// A value is reported only when the '' is the input itself. An
			// explicit alternative, as in `inputs.snapshot && '--snapshot'
			// || ''`, shows the author expected the empty case.
			if v.Why == nil || v.Why.Expr == "''" || v.Why.Expr == "null" {
				return false
			}
			found, ok = emptyUse{event: ev, why: v.Why, hit: r.hit, def: d}, true
		}
		return true
	})
	return found, ok
}

// inputUse reports dispatch-input reads in an if: (silently skipped) or a
// value (expands to the empty string), and fromJSON of the empty string anywhere.
func (c *checker) inputUse(at place, field string, s *actionlint.String, isIf bool) {
	if s == nil || len(c.m.dispatch) == 0 || !expr.ContainsFold(s.Value, "inputs") {
		return
	}
	if isIf {
		if node, src, off := c.m.cond(s); node != nil {
			if u, ok := c.dispatchEmpty(at, node, src, true); ok {
				fix := c.fallbackFix(s, []exprAt{condition(s.Value, src, off)}, func(v *actionlint.String) bool {
					n, src2, _ := expr.Condition(v.Value)
					_, still := c.dispatchEmpty(at, n, src2, true)
					return n == nil || still
				})
				c.reportUse(at, field, s, off, src, u, true, "", fix)
			}
		}
		return
	}
	for _, x := range c.m.find(s) {
		if x.Node != nil && expr.ContainsFold(x.Src, "inputs") {
			if u, ok := c.dispatchEmpty(at, x.Node, x.Src, false); ok {
				c.reportUse(at, field, s, x.Start, x.Src, u, false, "", c.placeholderFix(at, s, x))
			}
		}
	}
}

// placeholderFix is the fix of one ${{ }} of a value: kept if the
// placeholder, fixed, no longer reads an input that is empty only because
// its default does not apply.
func (c *checker) placeholderFix(at place, s *actionlint.String, x expr.Expr) lint.Remedy {
	return c.fallbackFix(s, []exprAt{placeholder(x)}, func(v *actionlint.String) bool {
		y, ok := c.exprStartingAt(v, x.Start)
		if !ok {
			return true
		}
		_, still := c.dispatchEmpty(at, y.Node, y.Src, false)
		return still
	})
}

func (c *checker) reportUse(at place, field string, s *actionlint.String, off int, src string, u emptyUse, isIf bool, consumer string, fix lint.Remedy) {
	d := defaultOf(c.m, u.why.Expr)
	switch {
	case u.fails:
		c.reportWith(s, off, fix, "%s: %s %s, where its default %s does not apply, and fromJSON of an empty string is an evaluation error that fails the job on %s",
			field, u.why.Expr, u.why.Why, d, u.event)
	case u.runs:
		c.reportWith(s, off, fix, "%s: %s %s, where its default %s does not apply, so %s is true there and this %s runs on every %s, "+
			"although with the default it would not; guard it with github.event_name == 'workflow_dispatch'",
			field, u.why.Expr, u.why.Why, d, strings.TrimSpace(clip(src)), at.what(), u.event)
	case isIf:
		c.reportWith(s, off, fix, "%s: %s %s, where its default %s does not apply, so this %s is silently skipped on %s",
			field, u.why.Expr, u.why.Why, d, at.what(), u.event)
	default:
		c.reportWith(s, off, fix, "%s: %s %s, where its default %s does not apply, so ${{ %s }} expands to ''%s",
			field, u.why.Expr, u.why.Why, d, strings.TrimSpace(clip(src)), consumer)
	}
}

// runUse judges dispatch-input reads in a run: script. In a shell script
// the empty string matters only where the script needs a value (see
// shell.go): a comparison that the empty string answers like the default,
// a fallback or an emptiness test are fine. Scripts of other interpreters
// (PowerShell, the default on Windows runners, Python) are not read, so
// only a failing fromJSON is reported there.
func (c *checker) runUse(at place, e *actionlint.ExecRun) {
	s := e.Run
	if len(c.m.dispatch) == 0 || !expr.ContainsFold(s.Value, "inputs") {
		return
	}
	shell := runscript.IsShell(e.Shell, at.job, c.m.wf.AST)
	var sc *script
	xs := c.m.find(s)
	done := map[int]bool{} // placeholders judged with an earlier identical one
	for i, x := range xs {
		if x.Node == nil || done[i] || !expr.ContainsFold(x.Src, "inputs") {
			continue
		}
		u, ok := c.dispatchEmpty(at, x.Node, x.Src, false)
		if !ok {
			continue
		}
		if u.fails {
			c.reportUse(at, "run", s, x.Start, x.Src, u, false, "", c.placeholderFix(at, s, x))
			continue
		}
		if !shell {
			continue
		}
		if sc == nil {
			if sc = c.m.script(s); sc == nil {
				return // not shell after all
			}
		}
		same := sameExprs(sc, i)
		sub := subject{exprs: same, eventCheck: c.m.eventCheck(at.job), eventVars: c.m.eventVars(at.job)}
		sub.def, sub.defKnown = renderKnown(u.def)
		if n, ok := sc.needs(sub); ok {
			// One finding for the repeated read, at its first place, with
			// a fix of every copy.
			c.reportUse(at, "run", s, x.Start, x.Src, u, false,
				", and the script needs a value there: "+needText(n, c.m.wf.Locate(s, n.offset).Line), c.copiesFix(at, s, xs, same, x))
		}
		for k := range same {
			done[k] = true
		}
	}
}

// copiesFix is placeholderFix for every copy (same) of the placeholder x.
func (c *checker) copiesFix(at place, s *actionlint.String, xs []expr.Expr, same map[int]bool, x expr.Expr) lint.Remedy {
	var at2 []exprAt
	for k, y := range xs {
		if same[k] && y.Node != nil {
			at2 = append(at2, placeholder(y))
		}
	}
	return c.fallbackFix(s, at2, func(v *actionlint.String) bool {
		y, ok := c.exprStartingAt(v, x.Start)
		if !ok {
			return true
		}
		_, still := c.dispatchEmpty(at, y.Node, y.Src, false)
		return still
	})
}

// sameExprs: the placeholders of a script that repeat placeholder i (a
// test of ${{ inputs.x }} guards a later use of ${{ inputs.x }}).
func sameExprs(sc *script, i int) map[int]bool {
	out := map[int]bool{i: true}
	src := strings.Join(strings.Fields(sc.exprs[i].Src), "")
	for k, x := range sc.exprs {
		if strings.Join(strings.Fields(x.Src), "") == src {
			out[k] = true
		}
	}
	return out
}

func needText(n need, line int) string {
	return n.what + " (line " + strconv.Itoa(line) + ")"
}

// withUse judges a with: value. A value that is only the expression is an
// optional input of the action, where the empty string usually means "not set": only a
// failing fromJSON is reported there. Text around the expression loses a
// part.
func (c *checker) withUse(at place, field string, s *actionlint.String) {
	if len(c.m.dispatch) == 0 || !expr.ContainsFold(s.Value, "inputs") {
		return
	}
	xs := c.m.find(s)
	whole := onlyExpr(s.Value, xs)
	for _, x := range xs {
		if x.Node == nil || !expr.ContainsFold(x.Src, "inputs") {
			continue
		}
		if u, ok := c.dispatchEmpty(at, x.Node, x.Src, false); ok && (u.fails || !whole) {
			c.reportUse(at, field, s, x.Start, x.Src, u, false, "", c.placeholderFix(at, s, x))
		}
	}
}

// onlyExpr reports a value that is one ${{ }} and nothing else.
func onlyExpr(v string, xs []expr.Expr) bool {
	return len(xs) == 1 && strings.TrimSpace(v[:xs[0].Start]) == "" && strings.TrimSpace(v[xs[0].End:]) == ""
}
