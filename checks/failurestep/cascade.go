package failurestep

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// A job's implicit success() also fails when a job it needs — or any job
// further up its chain — was skipped. A check job skipped on tag pushes
// (`if: !startsWith(github.ref, 'refs/tags/')`) therefore silently skips
// the image build that needs it, and the release ships nothing. Chaining
// by a skipped need is also a common way to say "only on push" or "only on
// tags", so this is judged only on tag pushes of a workflow that declares
// them (`on.push.tags`), and a job is reported only where the skip is
// plainly not meant: it is skipped only because of an ancestor while
// another job it needs runs there (work prepared for it is thrown away),
// or nothing in the workflow runs on tag pushes at all.

// trigger is one kind of run a workflow declares, with what is known of
// github.ref in it.
type trigger struct {
	event     string
	refPrefix string // "" when unknown
	refType   string // "tag", "branch" or ""
	label     string // for messages: "tag pushes"
}

// tagPushes is the tag-push run of a workflow that declares one. Every
// ref it runs for starts with refs/tags/ and the literal prefix all the
// tag patterns share (`v*` → refs/tags/v).
func tagPushes(w *actionlint.Workflow) (trigger, bool) {
	for _, ev := range w.On {
		wh, ok := ev.(*actionlint.WebhookEvent)
		if !ok || !strings.EqualFold(wh.EventName(), "push") || wh.Tags == nil {
			continue
		}
		return trigger{event: "push", refPrefix: "refs/tags/" + sharedPrefix(wh.Tags.Values), refType: "tag", label: "tag pushes"}, true
	}
	return trigger{}, false
}

// sharedPrefix is the literal text every glob pattern starts with.
func sharedPrefix(patterns []*actionlint.String) string {
	prefix, first := "", true
	for _, p := range patterns {
		lit := p.Value
		if i := strings.IndexAny(lit, "*?+[]!\\"); i >= 0 {
			lit = lit[:i]
		}
		if first {
			prefix, first = lit, false
			continue
		}
		for !strings.HasPrefix(lit, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return prefix
}

// tri is a three-valued truth.
type tri int8

const (
	unknown tri = iota
	yes
	no
)

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

// holds evaluates a job condition on a trigger from what the trigger fixes
// (event name, ref kind and prefix); everything else is unknown.
func (t trigger) holds(n actionlint.ExprNode) tri {
	switch x := n.(type) {
	case *actionlint.NotOpNode:
		return t.holds(x.Operand).not()
	case *actionlint.LogicalOpNode:
		l, r := t.holds(x.Left), t.holds(x.Right)
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			switch {
			case l == no || r == no:
				return no
			case l == yes && r == yes:
				return yes
			}
			return unknown
		}
		switch {
		case l == yes || r == yes:
			return yes
		case l == no && r == no:
			return no
		}
		return unknown
	case *actionlint.CompareOpNode:
		return t.compare(x)
	case *actionlint.FuncCallNode:
		return t.refPredicate(x)
	}
	return unknown
}

// compare knows github.event_name, github.ref_type and, against a ref of
// another kind, github.ref.
func (t trigger) compare(x *actionlint.CompareOpNode) tri {
	l, r := x.Left, x.Right
	if _, ok := l.(*actionlint.StringNode); ok {
		l, r = r, l
	}
	lit, ok := r.(*actionlint.StringNode)
	if !ok {
		return unknown
	}
	var eq tri
	switch githubProp(l) {
	case "event_name":
		eq = boolTri(strings.EqualFold(lit.Value, t.event))
	case "ref_type":
		if t.refType == "" {
			return unknown
		}
		eq = boolTri(strings.EqualFold(lit.Value, t.refType))
	case "ref":
		if t.refPrefix == "" || strings.HasPrefix(lit.Value, t.refPrefix) {
			return unknown
		}
		eq = no
	default:
		return unknown
	}
	switch x.Kind {
	case actionlint.CompareOpNodeKindEq:
		return eq
	case actionlint.CompareOpNodeKindNotEq:
		return eq.not()
	}
	return unknown
}

// refPredicate knows startsWith(github.ref, 'refs/tags/...') and
// contains(github.ref, 'refs/tags') from the ref's prefix.
func (t trigger) refPredicate(x *actionlint.FuncCallNode) tri {
	if len(x.Args) != 2 || githubProp(x.Args[0]) != "ref" || t.refPrefix == "" {
		return unknown
	}
	lit, ok := x.Args[1].(*actionlint.StringNode)
	if !ok {
		return unknown
	}
	switch strings.ToLower(x.Callee) {
	case "startswith":
		switch {
		case strings.HasPrefix(t.refPrefix, lit.Value):
			return yes
		case !strings.HasPrefix(lit.Value, t.refPrefix):
			return no
		}
	case "contains":
		switch {
		case strings.Contains(t.refPrefix, lit.Value):
			return yes
		case strings.HasPrefix(lit.Value, "refs/"):
			return no
		}
	}
	return unknown
}

// githubProp returns P for github.P, else "".
func githubProp(n actionlint.ExprNode) string {
	d, ok := n.(*actionlint.ObjectDerefNode)
	if !ok {
		return ""
	}
	if v, ok := d.Receiver.(*actionlint.VariableNode); ok && v.Name == "github" {
		return d.Property
	}
	return ""
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}

// cascade is the skip analysis of one workflow on one trigger.
type cascade struct {
	w       *actionlint.Workflow
	t       trigger
	skipped map[string]bool // job id -> certainly skipped on t
	own     map[string]bool // skipped by its own if:
	below   map[string]bool // some ancestor is skipped
}

func newCascade(w *actionlint.Workflow, t trigger) *cascade {
	c := &cascade{w: w, t: t, skipped: map[string]bool{}, own: map[string]bool{}, below: map[string]bool{}}
	for id := range w.Jobs {
		c.isSkipped(id, 0)
	}
	return c
}

// isSkipped: the job's own if: is false on the trigger, or its if: has no
// status function and a job above it is skipped. The runner looks at the
// whole chain: a job that needs an always() job below a skipped one is
// skipped too.
func (c *cascade) isSkipped(id string, depth int) bool {
	if s, ok := c.skipped[id]; ok {
		return s
	}
	c.skipped[id] = false // breaks cycles, which actionlint reports
	j := c.w.Jobs[id]
	if j == nil || depth > 50 {
		return false
	}
	for _, n := range j.Needs {
		nid := strings.ToLower(n.Value)
		if c.isSkipped(nid, depth+1) || c.below[nid] {
			c.below[id] = true
		}
	}
	var node actionlint.ExprNode
	if j.If != nil {
		node, _, _ = expr.Condition(j.If.Value)
	}
	switch {
	case node != nil && c.t.holds(node) == no:
		c.own[id] = true
		c.skipped[id] = true
	case c.below[id] && (node == nil || !hasStatusFunc(node)):
		c.skipped[id] = true
	}
	return c.skipped[id]
}

// anyRuns reports whether some job may run on the trigger.
func (c *cascade) anyRuns() bool {
	for id := range c.w.Jobs {
		if !c.skipped[id] {
			return true
		}
	}
	return false
}

// root is the first ancestor of id that its own if: skips.
func (c *cascade) root(id string, seen map[string]bool) string {
	if seen[id] {
		return ""
	}
	seen[id] = true
	if c.own[id] {
		return id
	}
	for _, n := range c.w.Jobs[id].Needs {
		if nid := strings.ToLower(n.Value); c.skipped[nid] || c.below[nid] {
			if r := c.root(nid, seen); r != "" {
				return r
			}
		}
	}
	return ""
}

// checkCascades reports jobs that a skipped ancestor silently skips on tag
// pushes.
func checkCascades(p *lint.Pass, wf *workspace.Workflow, fixes *jobFixes) {
	w := wf.AST
	if len(w.Jobs) < 2 || !anyJobIf(w) {
		return
	}
	t, ok := tagPushes(w)
	if !ok {
		return
	}
	c := newCascade(w, t)
	nothingRuns := !c.anyRuns()
	ids := make([]string, 0, len(w.Jobs))
	for id := range w.Jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if !c.skipped[id] || c.own[id] {
			continue
		}
		j := w.Jobs[id]
		prepared, belowRoot := "", false
		for _, n := range j.Needs {
			nid := strings.ToLower(n.Value)
			if !c.skipped[nid] && w.Jobs[nid] != nil {
				prepared = n.Value
			}
			belowRoot = belowRoot || c.own[nid]
		}
		if prepared != "" || nothingRuns && belowRoot {
			reportCascade(p, wf, j, c, prepared, fixes)
		}
	}
}

func reportCascade(p *lint.Pass, wf *workspace.Workflow, j *actionlint.Job, c *cascade, prepared string, fixes *jobFixes) {
	root := c.w.Jobs[c.root(strings.ToLower(j.ID.Value), map[string]bool{})]
	why := "so nothing in this workflow runs on " + c.t.label
	if prepared != "" {
		why = fmt.Sprintf("although %q, which it also needs, runs there", prepared)
	}
	p.Report(lint.Diagnostic{
		Rule: Rule.ID, Path: wf.Path, Span: wf.TokenSpan(jobCondition(wf, j)),
		Message: fmt.Sprintf("job %q never runs on %s: %q is skipped there by its if: %s, and without a status function the implicit "+
			"success() skips every job below a skipped one, %s; add `!failure() && !cancelled()` to this job's if:",
			j.ID.Value, c.t.label, root.ID.Value, strings.TrimSpace(root.If.Value), why),
		Remedy: fixes.chainStatus(wf, j, "!failure() && !cancelled()", func(need string) bool { return !c.skipped[need] && !c.below[need] }),
	})
}

// jobCondition is where a finding about a job's if: points: the
// condition's expression, or the job's id when it has no if:.
func jobCondition(wf *workspace.Workflow, j *actionlint.Job) workspace.Pos {
	if j.If == nil {
		return wf.Locate(j.ID, 0)
	}
	_, _, off := expr.Condition(j.If.Value)
	return wf.Locate(j.If, off)
}

// anyJobIf is a cheap filter: without a job-level if: nothing is skipped.
func anyJobIf(w *actionlint.Workflow) bool {
	for _, j := range w.Jobs {
		if j.If != nil {
			return true
		}
	}
	return false
}

// A job that needs a change-detection job (C) and a job (A) that C's
// outputs gate (`if: needs.C.outputs.project == 'true'`) is skipped
// whenever A is — although it reads other outputs of C to decide for
// itself what to run (`run-tests: ${{ needs.C.outputs.tests == 'true' }}`).
// That is a test matrix skipped on most pull requests.

// checkFilterSkips reports such jobs.
func checkFilterSkips(p *lint.Pass, wf *workspace.Workflow, fixes *jobFixes) {
	w := wf.AST
	// Each job's if: is asked about once per job that needs it.
	seen := map[*actionlint.String]bool{}
	afterFailure := func(cond *actionlint.String) bool {
		after, ok := seen[cond]
		if !ok {
			after = runsAfterFailure(cond)
			seen[cond] = after
		}
		return after
	}
	for _, id := range sortedIDs(w) {
		b := w.Jobs[id]
		// A job without an if: of its own that is skipped with a need is
		// the usual optional leg (and a skipped check counts as passed on
		// purpose there): only a job that decides for itself is judged.
		if b.ID == nil || b.If == nil || len(b.Needs) < 2 || afterFailure(b.If) {
			continue
		}
		own := outputRefs(b.If)
		reads := jobOutputReads(b)
		for _, n := range b.Needs {
			a := w.Jobs[strings.ToLower(n.Value)]
			if a == nil || a.If == nil || afterFailure(a.If) {
				continue
			}
			gate := outputRefs(a.If)
			if len(gate) == 0 || overlaps(own, gate) {
				continue
			}
			if other := otherOutputOf(reads, gate, b.Needs); other != "" {
				p.Report(lint.Diagnostic{
					Rule: Rule.ID, Path: wf.Path, Span: wf.TokenSpan(jobCondition(wf, b)),
					Message: fmt.Sprintf("job %q is skipped whenever %q is (its if: %s), because without a status function a skipped need skips it, "+
						"although it reads %s to decide for itself what to run; add `!failure() && !cancelled()` to this job's if:",
						b.ID.Value, a.ID.Value, strings.TrimSpace(a.If.Value), other),
					Remedy: fixes.chainStatus(wf, b, "!failure() && !cancelled()", func(need string) bool {
						n := w.Jobs[need]
						return n != nil && n.If == nil && len(n.Needs) == 0 // runs whenever the workflow does
					}),
				})
				break
			}
		}
	}
}

func sortedIDs(w *actionlint.Workflow) []string {
	ids := make([]string, 0, len(w.Jobs))
	for id := range w.Jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// outputRefs lists the change flags a condition tests, as "c.x" for
// `needs.c.outputs.x == 'true'` (or 'false').
func outputRefs(s *actionlint.String) []string {
	if s == nil {
		return nil
	}
	node, src, _ := expr.Condition(s.Value)
	if node == nil {
		return nil
	}
	return flagTests(node, src)
}

// flagTests finds `needs.C.outputs.X == 'true'` comparisons: the shape of
// a change filter's flags.
func flagTests(node actionlint.ExprNode, src string) []string {
	var out []string
	actionlint.VisitExprNode(node, func(n, _ actionlint.ExprNode, entering bool) {
		c, ok := n.(*actionlint.CompareOpNode)
		if !entering || !ok {
			return
		}
		l, r := c.Left, c.Right
		if _, isStr := l.(*actionlint.StringNode); isStr {
			l, r = r, l
		}
		lit, isStr := r.(*actionlint.StringNode)
		if !isStr || !strings.EqualFold(lit.Value, "true") && !strings.EqualFold(lit.Value, "false") {
			return
		}
		parts := strings.Split(strings.ToLower(emptiness.RefText(src, l.Token().Offset)), ".")
		if len(parts) == 4 && parts[0] == "needs" && parts[2] == "outputs" {
			out = append(out, parts[1]+"."+parts[3])
		}
	})
	return out
}

// jobOutputReads lists the change flags a job tests in its values and
// steps (not in its own if:).
func jobOutputReads(j *actionlint.Job) []string {
	var values []*actionlint.String
	values = append(values, envValues(j.Env)...)
	if wc := j.WorkflowCall; wc != nil {
		for _, in := range wc.Inputs {
			values = append(values, in.Value)
		}
	}
	for _, s := range j.Steps {
		values = append(values, s.If)
		values = append(values, stepValues(s)...)
	}
	var out []string
	for _, v := range values {
		if v == nil || !strings.Contains(v.Value, "needs.") {
			continue
		}
		for _, x := range expr.Find(v.Value) {
			if x.Node != nil {
				out = append(out, flagTests(x.Node, x.Src)...)
			}
		}
	}
	return out
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// otherOutputOf returns a read (as needs.C.outputs.Y) of the same job C
// that the gate reads, of another output, when C is a need of the job.
func otherOutputOf(reads, gate []string, needs []*actionlint.String) string {
	for _, r := range reads {
		c, _, _ := strings.Cut(r, ".")
		if slices.Contains(gate, r) || !slices.ContainsFunc(needs, func(n *actionlint.String) bool { return strings.EqualFold(n.Value, c) }) {
			continue
		}
		for _, g := range gate {
			if gc, _, _ := strings.Cut(g, "."); gc == c {
				_, y, _ := strings.Cut(r, ".")
				return "needs." + c + ".outputs." + y
			}
		}
	}
	return ""
}
