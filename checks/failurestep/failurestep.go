// Package failurestep reports `if:` conditions written to handle a failure
// that can never hold (rule failure-step-unreachable).
//
// A step or job `if:` without a status function (success(), always(),
// failure(), cancelled()) is implicitly `success() && (...)`, and what
// success() is about depends on the level:
//
//   - for a step, the earlier steps of its own job. A "report the failure"
//     step guarded by `if: steps.scan.outcome == 'failure'` (or
//     `job.status == 'failure'`) runs only when nothing has failed, never
//     when scan fails. A step that tests `needs.*.result` is a different
//     matter: those values were fixed before the job started, and the job
//     ran (typically under an `always()` of its own), so such a step is
//     reachable and never reported;
//   - for a job, the jobs it needs. A job-level `if:` testing
//     `needs.J.result == 'failure'`, `'cancelled'`, `'skipped'`,
//     `!= 'success'` or `contains(needs.*.result, 'failure')` can never
//     hold: the job is skipped as soon as a needed job fails or is
//     skipped. Jobs that call a reusable workflow are judged the same way.
//
// A failure of a step or job that continues on error does not stop the
// run, so a test of its failure is reachable — but only in the runs where
// continue-on-error is true. `continue-on-error: ${{ inputs.allow }}` with
// the input defaulting to false (and empty on every other trigger) is
// false in every run nobody dispatched by hand with allow set: there the
// handler is still unreachable, and the finding says which input value
// makes it reachable.
//
// Two more job-level shapes come from the same implicit success(): a gate
// job that reads its needs' results without a status function of its own
// (gate.go), and a job silently skipped on tag pushes because a job above
// it is skipped there (cascade.go).
package failurestep

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

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
	Why: "Without success(), always(), failure() or cancelled(), GitHub prepends success() to every if:. For a step, " +
		"success() means that the earlier steps of its job succeeded: a step that should open an issue or roll back when " +
		"steps.scan.outcome or job.status is 'failure' is skipped in exactly the run where it matters (also when the test " +
		"is one operand of an ||: the rest can hold, that operand never does). For a job, success() means that every job " +
		"it needs succeeded: a job-level if: testing needs.build.result == 'failure' (or 'cancelled', 'skipped', " +
		"!= 'success', contains(needs.*.result, 'failure')) can never run. A step that tests needs.*.result is not " +
		"affected (the needs were settled before its job started) and is never reported; the job is, when it reads its " +
		"needs' results (a gate behind a required check, a notifier) without always() or !cancelled() in its own if:. " +
		"A skipped job skips every job below it too: on the tag pushes a workflow declares, a job skipped only because a " +
		"check above it is skipped there, while another job it needs runs (or nothing runs at all), is reported. " +
		"continue-on-error changes what a failure looks like. A step that continues on error keeps success() true, so " +
		"a plain test of its outcome holds, but failure() stays false: `failure() && steps.S.outcome == 'failure'` " +
		"never runs after S fails, and its conclusion is 'success', so steps.S.conclusion == 'failure' never holds. A job that continues on error reports the result 'success' to the jobs that need it, " +
		"so `needs.J.result == 'failure'` is never true, with or without a status function (nor is a job-level " +
		"failure() when every job above continues on error). continue-on-error written " +
		"as an expression counts only in the runs where it is true: false with every workflow_dispatch or " +
		"workflow_call input at its default (and with what every caller in this repository passes) leaves the handler " +
		"unreachable in every ordinary run.",
	Bad:  "- id: scan\n  run: trivy image \"$IMAGE\"\n- if: steps.scan.outcome == 'failure'\n  run: ./notify.sh scan failed",
	Good: "- id: scan\n  run: trivy image \"$IMAGE\"\n- if: ${{ !cancelled() && steps.scan.outcome == 'failure' }}\n  run: ./notify.sh scan failed",
	Fix: "Add the status function the message names: `!cancelled() && ...` for a test of a failure or a skip (it lifts " +
		"the implicit success() and nothing else, so it holds whether or not the tested step continued on error; " +
		"failure() does not), `always() && ...` where the test can also hold in a cancelled run (== 'cancelled', " +
		"!= 'success'), for a job: `if: ${{ !cancelled() && contains(needs.*.result, 'failure') }}`. Behind failure(), " +
		"a step that continues on error needs `!cancelled()` instead. To act on the failure of a needed job that " +
		"continues on error, set an output from a failure() step of that job and test the output, or drop its " +
		"continue-on-error. More examples: docs/expressions.md.",
	AutoFix: "adds the status function to the if:, keeping its form (${{ }} or bare, quoting, block scalars): `!cancelled() && ...` " +
		"for a test of a failure or a skip (it lifts the implicit success() and nothing else; failure() would miss a step " +
		"whose continue-on-error is true in that run), `always() && ...` where the test can also hold in a cancelled run " +
		"(== 'cancelled', != 'success') and for gate jobs, which must run in every outcome because a skipped required check " +
		"counts as passed, and `!failure() && !cancelled()` for a job skipped only because a job above it was; a job " +
		"without an if: gets one. Behind failure(), with a tested step that continues on error, failure() becomes " +
		"`!cancelled()`. In a plain (unquoted) if: the status function goes last, since a plain value cannot start " +
		"with `!`. A job that reads outputs of a need its if: does not test gets `needs.N.result == 'success'` added where " +
		"that need always runs, and no fix otherwise (it would run with the outputs empty); a test naming a step id that " +
		"does not exist, and a test of the result of a need that continues on error, get none.",
}

// Check reports unreachable failure conditions in workflows and composite
// actions.
var Check = lint.Check{Name: "failurestep", Rules: []rule.Rule{Rule}, Workflow: checkWorkflow, Run: run}

// checkWorkflow needs only the workflow itself, so it runs as each one is
// parsed.
func checkWorkflow(p *lint.Pass, wf *workspace.Workflow) {
	var runs *defaultRuns // built on first need: most workflows never need it
	judge := func() *defaultRuns {
		if runs == nil {
			runs = newDefaultRuns(wf.AST)
		}
		return runs
	}
	fixes := newJobFixes()
	for _, id := range sortedIDs(wf.AST) {
		checkJob(p, wf, wf.AST.Jobs[id], judge, fixes)
	}
	checkCascades(p, wf, fixes)
	checkFilterSkips(p, wf, fixes)
	collectCalls(p, wf)
}

// run checks composite actions. A composite step's continue-on-error
// reads the action's inputs, which callers set: anything but a literal
// false may be true.
func run(p *lint.Pass) {
	for _, a := range p.Workspace.Actions {
		if !a.Composite() {
			continue
		}
		for i, s := range a.Steps {
			may := func(id string) continuation {
				for _, t := range a.Steps[:i] {
					if t.ID != nil && strings.EqualFold(t.ID.Value, id) {
						ever := t.ContinueOnError != nil && t.ContinueOnError.Value != "false"
						always := t.ContinueOnError != nil && t.ContinueOnError.Value == "true"
						return continuation{may: ever, ever: ever, always: always, skippable: t.If != nil}
					}
				}
				return continuation{skippable: true, missing: true}
			}
			check(p, site{f: a.File, cond: s.If, at: stepLevel, continues: may,
				fix: func(status string) lint.Remedy { return addStatus(a.File, s.If, status) }})
		}
	}
	reportWaiting(p)
}

func checkJob(p *lint.Pass, wf *workspace.Workflow, j *actionlint.Job, judge func() *defaultRuns, fixes *jobFixes) {
	needs := func(id string) continuation {
		if id != "*" {
			return judge().continues(jobContinues(wf.AST.Jobs[id]))
		}
		// needs.*: may when any need may continue, always when all do.
		all := continuation{always: len(j.Needs) > 0}
		for _, n := range j.Needs {
			c := judge().continues(jobContinues(wf.AST.Jobs[strings.ToLower(n.Value)]))
			if c.may && !all.may {
				all.may, all.note = true, c.note
			}
			all.always = all.always && c.always
		}
		return all
	}
	jobFix := func(status string) lint.Remedy { return fixes.jobStatus(wf, j, status, nil) }
	if !check(p, site{f: wf.File, cond: j.If, at: jobLevel, continues: needs, fix: jobFix, above: allAboveContinue(wf.AST, j)}) {
		checkGate(p, wf, j, needs, jobFix)
	}
	for i, s := range j.Steps {
		check(p, site{f: wf.File, cond: s.If, at: stepLevel, continues: func(id string) continuation {
			for _, t := range j.Steps[:i] {
				if t.ID != nil && strings.EqualFold(t.ID.Value, id) {
					c := judge().continues(t.ContinueOnError)
					c.skippable = t.If != nil
					return c
				}
			}
			return continuation{skippable: true, missing: true}
		}, fix: func(status string) lint.Remedy { return addStatus(wf.File, s.If, status) }})
	}
}

// allAboveContinue reports whether a job has needs and every job above it
// has continue-on-error: true.
func allAboveContinue(w *actionlint.Workflow, j *actionlint.Job) bool {
	seen := map[string]bool{}
	queue := slices.Clone(j.Needs)
	for len(queue) > 0 {
		id := strings.ToLower(queue[0].Value)
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		n := w.Jobs[id]
		if n == nil || n.ContinueOnError == nil || n.ContinueOnError.Expression != nil || !n.ContinueOnError.Value {
			return false
		}
		queue = append(queue, n.Needs...)
	}
	return len(seen) > 0
}

func jobContinues(j *actionlint.Job) *actionlint.Bool {
	if j == nil {
		return nil
	}
	return j.ContinueOnError
}

// level is where an `if:` stands, which decides what its implicit
// success() is about.
type level int

const (
	stepLevel level = iota
	jobLevel
)

func (l level) String() string {
	if l == jobLevel {
		return "job"
	}
	return "step"
}

// site is one if: being checked: where it is, what it is about, and how
// to fix it.
type site struct {
	f    *workspace.File
	cond *actionlint.String
	at   level
	// continues says whether the step or job a test names can continue
	// on error ("*" for needs.*).
	continues func(id string) continuation
	// fix makes the fix that adds a status function.
	fix func(status string) lint.Remedy
	// above: for a job, every job above it in the needs chain (at least
	// one) has continue-on-error: true, so job-level failure() is false.
	above bool
}

// check reports the failure tests of an if: that can never hold: without
// a status function (the implicit success()), behind failure() when the
// tested step continues on error, and of the result of a needed job that
// continues on error. It reports whether it found one.
func check(p *lint.Pass, s site) bool {
	if s.cond == nil || !namesOutcome(s.cond.Value) {
		return false // cheap text filter before parsing
	}
	node, src, off := expr.Condition(s.cond.Value)
	if node == nil {
		return false
	}
	base := bodyOffset(s.cond.Value, off)
	if hasStatusFunc(node) {
		return checkGuarded(p, s, node, src, base)
	}
	if s.at == stepLevel && readsNeeds(node) {
		return false // settled before the job started: reachable (see checkGate)
	}
	var found *test
	var at actionlint.ExprNode
	var c continuation
	positiveTests(node, false, func(n actionlint.ExprNode) bool {
		t, ok := failureTest(n, src, s.at)
		if !ok {
			return false
		}
		c = continuation{}
		if t.kind != skipped && t.id != "" {
			c = s.continues(t.id)
			// A step that continues on error keeps success() true (but
			// its conclusion is 'success'); a job that does reports
			// 'success', which the job level judges below.
			if s.at == stepLevel && !(t.conclusion && t.only && c.always) && (c.may || t.kind == notSuccess && c.skippable) { // missing steps count as skippable
				return false
			}
		}
		found, at = &t, n
		return true
	})
	if found == nil {
		return false
	}
	span := s.f.LocateSpan(s.cond, base+found.start, base+found.start+len(found.text))
	operand := ""
	if underOr(node, at) {
		operand = " (this operand of an || never holds, whatever the others do)"
	}
	switch {
	case c.missing:
		p.Report(lint.Diagnostic{
			Rule: Rule.ID, Path: s.f.Path, Span: span,
			Message: fmt.Sprintf("if: %s names %q, which is no earlier step of this job, so the test is never true and the %s never runs; check the step id",
				found.text, found.id, s.at),
			Remedy: lint.WithoutFix("the test names a step id this job does not have before it: no status function makes it hold"),
		})
	case found.only && c.always:
		reportSuccessResult(p, s, span, *found)
	default:
		note := c.note
		if s.at == jobLevel && c.may {
			note = fmt.Sprintf(" (and in a run where %s continues on error, its result is 'success' even when it fails)", needName(found.id))
		}
		g := guard(node, src, s.at)
		deferOrReport(p, s.f, c, span, fmt.Sprintf("if: %s %s%s%s", found.text, found.consequence(s.at, g), operand, note), s.fix(g))
	}
	return true
}

// checkGuarded reports the failure tests of an if: with a status
// function that still never hold: a step's `failure() && steps.S.outcome
// == 'failure'` where S continues on error (its failure leaves failure()
// false), and a job's test of a need that continues on error (its result
// is 'success').
func checkGuarded(p *lint.Pass, s site, node actionlint.ExprNode, src string, base int) bool {
	fail := failureConjunct(node)
	if s.at == jobLevel && fail != nil && s.above {
		at := fail.Token().Offset
		p.Report(lint.Diagnostic{
			Rule: Rule.ID, Path: s.f.Path, Span: s.f.LocateSpan(s.cond, base+at, base+at+len(callText(src, at))),
			Message: "if: failure() is never true here: every job above this one has continue-on-error: true, and a job that continues " +
				"on error counts as succeeded even when it fails; to act on a failure, set an output from a failure() step of " +
				"that job and test the output, or drop continue-on-error",
			Remedy: lint.WithoutFix("no status function makes it hold: the signal must come from the jobs above"),
		})
		return true
	}
	if readsNeeds(node) != (s.at == jobLevel) {
		return false
	}
	reported := false
	positiveTests(node, false, func(n actionlint.ExprNode) bool {
		t, ok := failureTest(n, src, s.at)
		if !ok || t.kind == skipped || t.id == "" {
			return false
		}
		c := s.continues(t.id)
		span := s.f.LocateSpan(s.cond, base+t.start, base+t.start+len(t.text))
		switch {
		case t.only && c.always && (s.at == jobLevel || t.conclusion):
			reportSuccessResult(p, s, span, t)
		case s.at == stepLevel && fail != nil && c.ever && !c.missing:
			p.Report(lint.Diagnostic{
				Rule: Rule.ID, Path: s.f.Path, Span: span,
				Message: fmt.Sprintf("if: %s is behind failure(), but step %q continues on error: when it fails the job goes on and failure() "+
					"stays false, so this step does not run after that failure; write `%s && ...` instead of failure()",
					t.text, t.id, guard(node, src, s.at)),
				Remedy: replaceFailure(s.f, s.cond, base, fail, guard(node, src, s.at)),
			})
		default:
			return false
		}
		reported = true
		return true
	})
	return reported
}

// reportSuccessResult reports a test for the failure of a need that
// continues on error (GitHub reports such a job's result as 'success'
// when it fails), or of the conclusion of a step that does (its
// conclusion is 'success'; its outcome is 'failure').
func reportSuccessResult(p *lint.Pass, s site, span workspace.Span, t test) {
	if s.at == stepLevel {
		p.Report(lint.Diagnostic{
			Rule: Rule.ID, Path: s.f.Path, Span: span,
			Message: fmt.Sprintf("if: %s is never true: step %q has continue-on-error: true, so when it fails its conclusion is "+
				"'success' (its outcome is 'failure'); test steps.%s.outcome instead", t.text, t.id, t.id),
			Remedy: lint.WithoutFix("which property the handler means is the author's call: outcome sees the failure, conclusion never does"),
		})
		return
	}
	p.Report(lint.Diagnostic{
		Rule: Rule.ID, Path: s.f.Path, Span: span,
		Message: fmt.Sprintf("if: %s is never true: %s has continue-on-error: true, and a job that continues on error reports the result "+
			"'success' to the jobs that need it even when it fails; to act on its failure, set an output from a failure() step "+
			"of that job and test the output, or drop continue-on-error", t.text, needName(t.id)),
		Remedy: lint.WithoutFix("no status function makes the test hold: the signal must come from the needed job (an output set by a failure() step) " +
			"or from dropping its continue-on-error"),
	})
}

func needName(id string) string {
	if id == "*" {
		return "every job it needs"
	}
	return "job " + strconv.Quote(id)
}

// underOr reports whether target lies below an || of node: then the rest
// of the condition may hold while target never does.
func underOr(node, target actionlint.ExprNode) bool {
	found := false
	var walk func(n actionlint.ExprNode, or bool)
	walk = func(n actionlint.ExprNode, or bool) {
		switch x := n.(type) {
		case *actionlint.NotOpNode:
			walk(x.Operand, or)
		case *actionlint.LogicalOpNode:
			or = or || x.Kind == actionlint.LogicalOpNodeKindOr
			walk(x.Left, or)
			walk(x.Right, or)
		default:
			if n == target {
				found = or
			}
		}
	}
	walk(node, false)
	return found
}

// failureConjunct is a failure() call that the whole condition requires:
// an operand of its top-level && chain.
func failureConjunct(n actionlint.ExprNode) *actionlint.FuncCallNode {
	switch x := n.(type) {
	case *actionlint.LogicalOpNode:
		if x.Kind != actionlint.LogicalOpNodeKindAnd {
			return nil
		}
		if f := failureConjunct(x.Left); f != nil {
			return f
		}
		return failureConjunct(x.Right)
	case *actionlint.FuncCallNode:
		if strings.EqualFold(x.Callee, "failure") && len(x.Args) == 0 {
			return x
		}
	}
	return nil
}

// bodyOffset is where the expression source starts in an if: value.
func bodyOffset(v string, off int) int {
	if strings.HasPrefix(v[off:], "${{") {
		return off + 3
	}
	return off
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

// positiveTests calls fn on the nodes of a condition that are not under
// a `!` (a negated failure test holds in the ordinary run), until fn
// returns true.
func positiveTests(n actionlint.ExprNode, negated bool, fn func(actionlint.ExprNode) bool) bool {
	switch x := n.(type) {
	case *actionlint.NotOpNode:
		return positiveTests(x.Operand, !negated, fn)
	case *actionlint.LogicalOpNode:
		return positiveTests(x.Left, negated, fn) || positiveTests(x.Right, negated, fn)
	}
	return !negated && fn(n)
}

// readsNeeds reports whether a condition reads the needs context.
func readsNeeds(n actionlint.ExprNode) bool {
	for _, r := range expr.Refs(n) {
		if r.Context == "needs" {
			return true
		}
	}
	return false
}

// namesOutcome is a text pre-filter: a condition that names no outcome a
// handler tests for is never reported.
func namesOutcome(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "failure") || strings.Contains(l, "cancelled") ||
		strings.Contains(l, "skipped") || strings.Contains(l, "success")
}
