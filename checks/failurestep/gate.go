package failurestep

import (
	"fmt"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// A gate job — the "all checks passed" job behind a required check, a
// "notify on failure" job — reads the results of the jobs it needs. Its
// steps' tests of needs.*.result are reachable (see check), but only if the
// job itself runs after a needed job failed: without always() or
// !cancelled() in the job's if:, the implicit success() skips the whole
// job exactly then, and a skipped required check counts as passed. Such a
// job is reported at its if: (or its name when it has none), naming the
// read: a failure test of needs results in a step's if:, or any read of a
// result (`${{ needs.build.result }}` into env: or a script,
// `toJSON(needs)` handed to an action) in a value.

// resultRead is where a job reads the results of its needs.
type resultRead struct {
	text string             // as written
	id   string             // the need read; "*" for all
	at   *actionlint.String // the value or condition holding it
	off  int                // offset in it
	// handler: a step's if: waiting for a failure (not a value read).
	handler bool
}

// doesWork reports whether a job has a step that neither reads its needs'
// results nor only checks out the repository: then a read of the results
// in a value is a precondition of that work ("upload coverage only if the
// tests passed"), which the implicit success() already enforces, not a
// status report that a skip would hide.
func doesWork(j *actionlint.Job) bool {
	for _, s := range j.Steps {
		if a, ok := s.Exec.(*actionlint.ExecAction); ok && a.Uses != nil &&
			strings.HasPrefix(strings.ToLower(a.Uses.Value), "actions/checkout@") {
			continue
		}
		if !stepReadsNeeds(s) {
			return true
		}
	}
	return false
}

// stepValues are a step's env: values, and its script or inputs.
func stepValues(s *actionlint.Step) []*actionlint.String {
	values := envValues(s.Env)
	switch e := s.Exec.(type) {
	case *actionlint.ExecRun:
		values = append(values, e.Run)
	case *actionlint.ExecAction:
		for _, in := range e.Inputs {
			values = append(values, in.Value)
		}
	}
	return values
}

// stepReadsNeeds: the step's if:, env:, script or inputs name needs.
func stepReadsNeeds(s *actionlint.Step) bool {
	for _, v := range append(stepValues(s), s.If) {
		if v != nil && expr.ContainsFold(v.Value, "needs") {
			return true
		}
	}
	return false
}

func checkGate(p *lint.Pass, wf *workspace.Workflow, j *actionlint.Job, continues func(id string) continuation, fix func(string) lint.Remedy) {
	if len(j.Needs) == 0 || runsAfterFailure(j.If) {
		return
	}
	r, ok := firstResultRead(j)
	if !ok || continues(r.id).may || !r.handler && doesWork(j) {
		return
	}
	where, pos := "it has no if: with a status function", jobCondition(wf, j)
	if j.If != nil {
		where = "its if: has no status function"
	}
	p.Report(lint.Diagnostic{
		Rule: Rule.ID, Path: wf.Path, Span: wf.TokenSpan(pos),
		Message: fmt.Sprintf("job %q reads %s (line %d) to act on the results of the jobs it needs, but %s, so the implicit success() "+
			"skips the whole job as soon as a needed job fails or is skipped (and a skipped required check counts as "+
			"passed); write `always() && ...` in the job's if:",
			j.ID.Value, r.text, wf.Locate(r.at, r.off).Line, where),
		Remedy: fix("always()"),
	})
}

// runsAfterFailure reports whether a job-level if: lets the job run after
// a needed job failed. An if: that cannot be read counts as yes.
func runsAfterFailure(cond *actionlint.String) bool {
	if cond == nil {
		return false
	}
	node, _, _ := expr.Condition(cond.Value)
	return node == nil || hasStatusFunc(node)
}

// firstResultRead finds the first read of needs results in a job's steps
// and values, in source order.
func firstResultRead(j *actionlint.Job) (resultRead, bool) {
	var found resultRead
	ok := false
	take := func(r resultRead) {
		if !ok || r.at.Pos.Line < found.at.Pos.Line {
			found, ok = r, true
		}
	}
	values := envValues(j.Env)
	if wc := j.WorkflowCall; wc != nil {
		for _, in := range wc.Inputs {
			values = append(values, in.Value)
		}
	}
	for _, s := range j.Steps {
		if r, hit := conditionRead(s.If); hit {
			take(r)
		}
		values = append(values, stepValues(s)...)
	}
	for _, v := range values {
		if r, hit := valueRead(v); hit {
			take(r)
		}
	}
	return found, ok
}

func envValues(e *actionlint.Env) []*actionlint.String {
	if e == nil {
		return nil
	}
	out := make([]*actionlint.String, 0, len(e.Vars))
	for _, v := range e.Vars {
		out = append(out, v.Value)
	}
	return out
}

// conditionRead: a step if: testing for a failed, cancelled or skipped
// need.
func conditionRead(cond *actionlint.String) (resultRead, bool) {
	if cond == nil || !expr.ContainsFold(cond.Value, "needs") {
		return resultRead{}, false
	}
	node, src, off := expr.Condition(cond.Value)
	if node == nil || hasStatusFunc(node) {
		return resultRead{}, false
	}
	var r resultRead
	ok := false
	positiveTests(node, false, func(n actionlint.ExprNode) bool {
		if t, isTest := failureTest(n, src, jobLevel); isTest {
			r, ok = resultRead{text: t.text, id: t.id, at: cond, off: off, handler: true}, true
		}
		return ok
	})
	return r, ok
}

// valueRead: `${{ needs.J.result }}`, `${{ needs.*.result }}` or
// `${{ toJSON(needs) }}` in a value.
func valueRead(v *actionlint.String) (resultRead, bool) {
	if v == nil || !expr.ContainsFold(v.Value, "needs") {
		return resultRead{}, false
	}
	for _, sp := range expr.Spans(v.Value) {
		if !expr.ContainsFold(sp.Src, "needs") {
			continue
		}
		x := sp.Expr()
		if x.Node == nil {
			continue
		}
		if text, id, ok := resultRef(x.Node, x.Src); ok {
			return resultRead{text: text, id: id, at: v, off: x.Start}, true
		}
	}
	return resultRead{}, false
}

// resultRef finds a read of needs results inside an expression.
func resultRef(n actionlint.ExprNode, src string) (text, id string, ok bool) {
	actionlint.VisitExprNode(n, func(x, _ actionlint.ExprNode, entering bool) {
		if !entering || ok {
			return
		}
		switch y := x.(type) {
		case *actionlint.FuncCallNode:
			if strings.EqualFold(y.Callee, "tojson") && len(y.Args) == 1 {
				if v, isVar := y.Args[0].(*actionlint.VariableNode); isVar && v.Name == "needs" {
					text, id, ok = callText(src, y.Token().Offset), "*", true
				}
			}
		case *actionlint.VariableNode:
			if y.Name != "needs" {
				return
			}
			ref := emptiness.RefText(src, y.Token().Offset)
			if rid, isResult := statusRef(ref, jobLevel); isResult {
				text, id, ok = ref, rid, true
			}
		}
	})
	return text, id, ok
}
