// Package failurestep reports `if:` conditions written to handle a failure
// that can never hold (rule failure-step-unreachable).
//
// A step or job `if:` without a status function (success(), always(),
// failure(), cancelled()) is implicitly `success() && (...)`. A "report the
// failure" step guarded by `if: steps.scan.outcome == 'failure'` therefore
// runs only when nothing has failed — never when scan fails. The same holds
// for `job.status == 'failure'` in a step and for
// `needs.build.result == 'failure'` or `contains(needs.*.result, 'failure')`
// in a job. The condition can hold, and nothing is reported, when the
// tested step or job may continue on error (continue-on-error: true, or an
// expression), since then the run goes on past its failure.
package failurestep

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// Rule documents failure-step-unreachable.
var Rule = rule.Rule{
	ID:       "failure-step-unreachable",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "an if: meant to handle a failure has no status function, so the implicit success() makes it unreachable",
	Why: "Without success(), always(), failure() or cancelled(), GitHub prepends success() to every if:. A step that should " +
		"open an issue, roll back or notify when an earlier step failed is then skipped in exactly the run where it " +
		"matters, and nobody notices because it looks handled.",
	Bad:  "- id: scan\n  run: trivy image \"$IMAGE\"\n- if: steps.scan.outcome == 'failure'\n  run: ./notify.sh scan failed",
	Good: "- id: scan\n  run: trivy image \"$IMAGE\"\n- if: failure() && steps.scan.outcome == 'failure'\n  run: ./notify.sh scan failed",
	Fix: "Add a status function: `failure() && ...` to run after a failure, `!cancelled() && ...` or `always() && ...` to run " +
		"in every outcome. Alternatively give the tested step `continue-on-error: true` if the job should go on after it fails.",
}

// Check reports unreachable failure conditions in workflows and composite
// actions.
var Check = lint.Check{Name: "failurestep", Rules: []rule.Rule{Rule}, Workflow: checkWorkflow, Run: run}

// checkWorkflow needs only the workflow itself, so it runs as each one is
// parsed.
func checkWorkflow(p *lint.Pass, wf *workspace.Workflow) {
	for _, j := range wf.AST.Jobs {
		checkJob(p, wf, j)
	}
}

// run checks composite actions.
func run(p *lint.Pass) {
	for _, a := range p.Workspace.Actions {
		if !a.Composite() {
			continue
		}
		for i, s := range a.Steps {
			may := func(id string) bool {
				for _, t := range a.Steps[:i] {
					if t.ID != nil && strings.EqualFold(t.ID.Value, id) {
						return t.ContinueOnError != nil && t.ContinueOnError.Value != "false"
					}
				}
				return false
			}
			check(p, a.File, s.If, "step", may)
		}
	}
}

func checkJob(p *lint.Pass, wf *workspace.Workflow, j *actionlint.Job) {
	check(p, wf.File, j.If, "job", func(id string) bool {
		if id == "*" {
			for _, n := range j.Needs {
				if mayContinue(wf.AST.Jobs[strings.ToLower(n.Value)]) {
					return true
				}
			}
			return false
		}
		return mayContinue(wf.AST.Jobs[id])
	})
	for i, s := range j.Steps {
		check(p, wf.File, s.If, "step", func(id string) bool {
			for _, t := range j.Steps[:i] {
				if t.ID != nil && strings.EqualFold(t.ID.Value, id) {
					return boolMay(t.ContinueOnError)
				}
			}
			return false
		})
	}
}

func mayContinue(j *actionlint.Job) bool { return j != nil && boolMay(j.ContinueOnError) }

// boolMay: continue-on-error that is true or an expression that may be.
func boolMay(b *actionlint.Bool) bool { return b != nil && (b.Expression != nil || b.Value) }

// check reports cond when it tests a failure without a status function.
// mayContinue says whether the step or job a test names can continue on
// error ("*" for needs.*).
func check(p *lint.Pass, f *workspace.File, cond *actionlint.String, what string, mayContinue func(id string) bool) {
	if cond == nil || !maybeFailureTest(cond.Value) {
		return // cheap text filter before parsing
	}
	node, src, off := parse(cond)
	if node == nil || hasStatusFunc(node) {
		return
	}
	var found string
	actionlint.VisitExprNode(node, func(n, _ actionlint.ExprNode, entering bool) {
		if !entering || found != "" {
			return
		}
		if t, id, ok := failureTest(n, src); ok && (id == "" || !mayContinue(id)) {
			found = t
		}
	})
	if found == "" {
		return
	}
	p.Report(Rule.ID, f, f.Locate(cond, off),
		"if: %s tests for a failure but has no status function, so the implicit success() skips this %s exactly when that failure happens; write failure() && ... (or always() && ...)",
		found, what)
}

// parse reads a bare or ${{ }}-wrapped condition.
func parse(s *actionlint.String) (actionlint.ExprNode, string, int) {
	if s == nil {
		return nil, "", 0
	}
	if strings.Contains(s.Value, "${{") {
		xs := expr.Find(s.Value)
		if len(xs) != 1 || strings.TrimSpace(s.Value[:xs[0].Start]) != "" || strings.TrimSpace(s.Value[xs[0].End:]) != "" {
			return nil, "", 0
		}
		return xs[0].Node, xs[0].Src, xs[0].Start
	}
	n, err := expr.Parse(s.Value)
	if err != nil {
		return nil, "", 0
	}
	return n, s.Value, 0
}

func hasStatusFunc(n actionlint.ExprNode) bool {
	found := false
	actionlint.VisitExprNode(n, func(x, _ actionlint.ExprNode, entering bool) {
		if f, ok := x.(*actionlint.FuncCallNode); ok && entering {
			switch strings.ToLower(f.Callee) {
			case "success", "always", "failure", "cancelled":
				found = true
			}
		}
	})
	return found
}

// failureTest matches `X == 'failure'` (or 'cancelled') where X is
// steps.ID.outcome, steps.ID.conclusion, job.status or needs.ID.result,
// and contains(needs.*.result, 'failure'). It returns the test as written
// and the id of the step or job it names ("" for job.status, "*" for
// needs.*).
func failureTest(n actionlint.ExprNode, src string) (text, id string, ok bool) {
	switch x := n.(type) {
	case *actionlint.CompareOpNode:
		if x.Kind != actionlint.CompareOpNodeKindEq {
			return "", "", false
		}
		l, r := x.Left, x.Right
		if _, isStr := l.(*actionlint.StringNode); isStr {
			l, r = r, l
		}
		s, isStr := r.(*actionlint.StringNode)
		if !isStr || !failureWord(s.Value) {
			return "", "", false
		}
		id, ok := statusRef(emptiness.RefText(src, l.Token().Offset))
		return slice(src, x.Left, x.Right), id, ok
	case *actionlint.FuncCallNode:
		if !strings.EqualFold(x.Callee, "contains") || len(x.Args) != 2 {
			return "", "", false
		}
		s, isStr := x.Args[1].(*actionlint.StringNode)
		if !isStr || !failureWord(s.Value) {
			return "", "", false
		}
		ref := strings.ToLower(emptiness.RefText(src, x.Args[0].Token().Offset))
		if id, ok := statusRef(ref); ok && strings.HasPrefix(ref, "needs.") {
			return x.Callee + "(" + ref + ", '" + s.Value + "')", id, true
		}
	}
	return "", "", false
}

func failureWord(s string) bool {
	return strings.EqualFold(s, "failure") || strings.EqualFold(s, "cancelled")
}

// statusRef recognises the references whose value is an outcome.
func statusRef(ref string) (id string, ok bool) {
	ref = strings.ToLower(ref)
	if ref == "job.status" {
		return "", true
	}
	parts := strings.Split(ref, ".")
	if len(parts) != 3 {
		return "", false
	}
	switch {
	case parts[0] == "steps" && (parts[2] == "outcome" || parts[2] == "conclusion"):
		return parts[1], true
	case parts[0] == "needs" && parts[2] == "result":
		return parts[1], true
	}
	return "", false
}

// slice returns the source text from the start of a to the end of the
// string literal b (or a's chain when b comes first).
func slice(src string, a, b actionlint.ExprNode) string {
	start, end := a.Token().Offset, b.Token().Offset
	if start > end {
		start, end = end, start
	}
	if end < len(src) && src[end] == '\'' {
		if k := strings.IndexByte(src[end+1:], '\''); k >= 0 {
			return src[start : end+k+2]
		}
	}
	return strings.TrimSpace(src[start:min(len(src), end+len(emptiness.RefText(src, end)))])
}

// maybeFailureTest is a text pre-filter: a condition that names no failure
// outcome, or that calls a status function, is never reported.
func maybeFailureTest(s string) bool {
	l := strings.ToLower(s)
	if !strings.Contains(l, "failure") && !strings.Contains(l, "cancelled") {
		return false
	}
	for _, f := range []string{"always(", "failure(", "cancelled(", "success("} {
		if strings.Contains(l, f) {
			return false
		}
	}
	return true
}
