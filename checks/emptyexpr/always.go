package emptyexpr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/lint"
)

// Some references are '' in every run, whatever the trigger: an input no
// trigger declares, the output of a needed job that does not export it,
// a reusable workflow's secret that is neither declared nor passed by any
// caller. Such a value is reported wherever it lands — and so is a
// comparison it makes constant (`needs.changes.outputs.docs == 'true'` is
// always false, so the branch it guards never runs).

// alwaysEmpty returns why the reference p, read in job (nil at workflow
// level), is the empty string in every run, or nil.
func (m *model) alwaysEmpty(p *emptiness.Path, job *actionlint.Job) *emptiness.Reason {
	switch {
	case p.N == 2 && p.Parts[0] == "inputs":
		if m.dispatch[p.Parts[1]] == nil && m.callIn[p.Parts[1]] == nil {
			return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf("is always '': no trigger of this workflow declares an input %q", p.Parts[1])}
		}
	case p.Is("github", "event", "inputs", "*"):
		// A called workflow sees its caller's event, which may be a
		// dispatch with that input.
		if m.dispatch[p.Parts[3]] == nil && m.call == nil {
			return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf("is always '': this workflow declares no workflow_dispatch input %q", p.Parts[3])}
		}
	case p.N >= 3 && p.Parts[0] == "needs" && job != nil:
		if why := m.notANeed(p, job); why != nil {
			return why
		}
		if p.Is("needs", "*", "outputs", "*") {
			return m.undeclaredOutput(p, job)
		}
	case p.N >= 3 && p.Parts[0] == "steps" && job != nil:
		s := stepByID(job, p.Parts[1])
		if s == nil {
			return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf("is always '': no step of this job has id %q%s", p.Parts[1], jobHint(m, p.Parts[1]))}
		}
		if p.Is("steps", "*", "outputs", "*") {
			if w := m.writes(job, s); w.known && !slices.Contains(w.names, p.Parts[3]) {
				return &emptiness.Reason{Expr: p.Text, Why: "is always '': " + w.describe(s.ID.Value)}
			}
		}
	case p.Is("secrets", "*"):
		return m.unpassedSecret(p)
	}
	return nil
}

// notANeed: needs.J.X where J is not listed in this job's needs: (the
// needs context holds only direct needs), or X is neither result nor
// outputs (a job id or an output name typed where the property belongs).
func (m *model) notANeed(p *emptiness.Path, job *actionlint.Job) *emptiness.Reason {
	id := p.Parts[1]
	if !slices.ContainsFunc(job.Needs, func(n *actionlint.String) bool { return strings.EqualFold(n.Value, id) }) {
		return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf("is always '': job %q is not in this job's needs: (%s), and the needs context holds only the jobs listed there", id, needList(job))}
	}
	if prop := p.Parts[2]; prop != "result" && prop != "outputs" {
		return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf("is always '': a job in the needs context has only result and outputs, no %q (needs.%s.outputs.%s?)", prop, id, prop)}
	}
	return nil
}

func needList(job *actionlint.Job) string {
	if len(job.Needs) == 0 {
		return "it has none"
	}
	names := make([]string, len(job.Needs))
	for i, n := range job.Needs {
		names[i] = n.Value
	}
	return "it needs " + strings.Join(names, ", ")
}

// jobHint notes that a missing step id is the id of a job: the usual
// slip of writing steps.J for needs.J.
func jobHint(m *model, id string) string {
	if m.wf.AST.Jobs[id] != nil {
		return fmt.Sprintf(" (%q is a job: needs.%s?)", id, id)
	}
	return ""
}

// undeclaredOutput: needs.J.outputs.O where J, a job this one needs,
// exports no output O (a step may compute it, but only outputs: leaves
// the job).
func (m *model) undeclaredOutput(p *emptiness.Path, job *actionlint.Job) *emptiness.Reason {
	id, out := p.Parts[1], p.Parts[3]
	j := m.wf.AST.Jobs[id]
	if j == nil {
		return nil
	}
	if wc := j.WorkflowCall; wc != nil {
		if target := m.calledWorkflow(wc); target == nil || target.outputs[out] {
			return nil
		}
		return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf("is always '': %s, called by job %q, declares no output %q under on.workflow_call.outputs", wc.Uses.Value, id, out)}
	}
	if j.Outputs[out] != nil {
		return nil
	}
	return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf("is always '': job %q exports no output %q (%s)", id, out, outputList(j))}
}

func outputList(j *actionlint.Job) string {
	if len(j.Outputs) == 0 {
		return "it has no outputs:"
	}
	names := make([]string, 0, len(j.Outputs))
	for _, o := range j.Outputs {
		names = append(names, o.Name.Value)
	}
	slices.Sort(names)
	return "its outputs: " + strings.Join(names, ", ")
}

// calledWorkflow is what the local reusable workflow a job calls
// declares, or nil when the job calls none (or a workflow without a
// workflow_call trigger).
func (m *model) calledWorkflow(wc *actionlint.WorkflowCall) *callee {
	if wc.Uses == nil {
		return nil
	}
	rel, ok := localPath(m.wf.File, wc.Uses.Value)
	if !ok {
		return nil
	}
	return m.callee(rel)
}

// unpassedSecret: in a workflow only ever called (on: workflow_call), a
// secret it does not declare is available only through a caller's
// `secrets: inherit` or an explicit pass. With local callers that do
// neither, it is always the empty string.
func (m *model) unpassedSecret(p *emptiness.Path) *emptiness.Reason {
	name := p.Parts[1]
	if m.call == nil || len(m.events) != 1 || name == "github_token" {
		return nil
	}
	if _, declared := m.call.Secrets[name]; declared {
		return nil
	}
	callers := m.callers()
	if len(callers) == 0 {
		return nil // called from elsewhere: maybe with secrets: inherit
	}
	for _, c := range callers {
		if c.inherit || c.secrets[name] {
			return nil
		}
	}
	c := callers[0]
	return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf(
		"is always '': it is not declared under on.workflow_call.secrets and no caller passes it (%s:%d neither passes it nor uses secrets: inherit)",
		c.path, c.line)}
}

// mayBeAlwaysEmpty is a cheap filter, run on the text before anything
// is parsed: does s name an input no trigger declares, an output a needed
// job does not export, or (in a workflow only ever called) a secret?
func (m *model) mayBeAlwaysEmpty(s string, job *actionlint.Job) bool {
	for i := 0; i < len(s); i++ {
		switch c := lower(s[i]); {
		case c != 'i' && c != 'n' && c != 's':
			// not the start of a context this filter looks for
		case hasWordAt(s, i, "inputs"):
			if name := identAt(s, i+len("inputs")); name == "" || m.dispatch[name] == nil && m.callIn[name] == nil {
				return true // undeclared, or an index we do not read here
			}
		case hasWordAt(s, i, "needs") && job != nil:
			if m.needMayBeMissing(s[i+len("needs"):], job) {
				return true
			}
		case hasWordAt(s, i, "steps") && job != nil:
			if m.stepOutputMayBeMissing(s[i+len("steps"):], job) {
				return true
			}
		case hasWordAt(s, i, "secrets") && m.call != nil && len(m.events) == 1:
			return true
		}
	}
	return false
}

// spansMayBeAlwaysEmpty applies mayBeAlwaysEmpty to the ${{ }} of a
// value only: a long script is mostly shell.
func (m *model) spansMayBeAlwaysEmpty(s string, job *actionlint.Job) bool {
	for pos := 0; ; {
		i := strings.Index(s[pos:], "${{")
		if i < 0 {
			return false
		}
		start := pos + i + 3
		end := strings.Index(s[start:], "}}")
		if end < 0 {
			end = len(s) - start
		}
		if m.mayBeAlwaysEmpty(s[start:start+end], job) {
			return true
		}
		pos = start + end
	}
}

// outputRef reads `.ID.outputs.O` (as after "needs" or "steps"); out is
// "" for an index the text scan does not read.
func outputRef(rest string) (id, out string, ok bool) {
	id = identAt(rest, 0)
	if id == "" {
		return "", "", false
	}
	rest = rest[1+len(id):]
	if !hasWordAt(rest, 0, ".outputs") {
		return "", "", false
	}
	return id, identAt(rest, len(".outputs")), true
}

// needMayBeMissing: needs.J.X where J is not a need, X is not a property
// of a need, or J may not export output X.
func (m *model) needMayBeMissing(rest string, job *actionlint.Job) bool {
	id := identAt(rest, 0)
	if id == "" {
		return false
	}
	if !slices.ContainsFunc(job.Needs, func(n *actionlint.String) bool { return strings.EqualFold(n.Value, id) }) {
		return true
	}
	if prop := identAt(rest, 1+len(id)); prop != "" && prop != "outputs" && prop != "result" {
		return true
	}
	id, out, ok := outputRef(rest)
	if !ok {
		return false
	}
	j := m.wf.AST.Jobs[id]
	return j != nil && (j.WorkflowCall != nil || out == "" || j.Outputs[out] == nil)
}

// stepOutputMayBeMissing: steps.S.X where no step has id S, or
// steps.S.outputs.O where S may not write O.
func (m *model) stepOutputMayBeMissing(rest string, job *actionlint.Job) bool {
	if id := identAt(rest, 0); id != "" && stepByID(job, id) == nil {
		return true
	}
	id, out, ok := outputRef(rest)
	if !ok {
		return false
	}
	s := stepByID(job, id)
	if s == nil {
		return false
	}
	w := m.writes(job, s)
	return w.known && !slices.Contains(w.names, out)
}

// stepByID finds a step of job by its id (case-insensitive).
func stepByID(job *actionlint.Job, id string) *actionlint.Step {
	if job == nil {
		return nil
	}
	for _, s := range job.Steps {
		if s.ID != nil && strings.EqualFold(s.ID.Value, id) {
			return s
		}
	}
	return nil
}

// hasWordAt reports whether s has word (lower case) at i, ignoring case,
// not preceded by an identifier character.
func hasWordAt(s string, i int, word string) bool {
	if i+len(word) > len(s) || (i > 0 && isIdent(s[i-1])) {
		return false
	}
	for k := 0; k < len(word); k++ {
		if lower(s[i+k]) != word[k] {
			return false
		}
	}
	return true
}

// identAt returns the lower-cased identifier after a '.' at i, or "".
func identAt(s string, i int) string {
	if i >= len(s) || s[i] != '.' {
		return ""
	}
	j := i + 1
	for j < len(s) && isIdent(s[j]) {
		j++
	}
	return strings.ToLower(s[i+1 : j])
}

func isIdent(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// alwaysResolver resolves only always-empty references, remembering the
// first.
type alwaysResolver struct {
	m   *model
	job *actionlint.Job
	hit *emptiness.Reason
}

func (r *alwaysResolver) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	why := r.m.alwaysEmpty(p, r.job)
	if why == nil {
		return emptiness.Value{}, false
	}
	if r.hit == nil {
		r.hit = why
	}
	return emptiness.NullValue(why), true
}

// always reports a value or condition that reads an always-empty source
// where that matters: a condition made constant, a comparison made
// constant, a value that is therefore the empty string, or fromJSON of the empty string.
func (c *checker) always(at place, field string, s *actionlint.String, isIf bool) {
	if s == nil {
		return
	}
	if isIf {
		if !c.m.mayBeAlwaysEmpty(s.Value, at.job) {
			return
		}
		if node, src, off := c.m.cond(s); node != nil {
			c.alwaysExpr(at, field, s, node, src, off, true)
		}
		return
	}
	if !c.m.spansMayBeAlwaysEmpty(s.Value, at.job) {
		return
	}
	for _, x := range c.m.find(s) {
		if x.Node != nil {
			c.alwaysExpr(at, field, s, x.Node, x.Src, x.Start, false)
		}
	}
}

// neverRuns reports an if: that an always-empty source makes false in
// every run: the fields of its step or job are never evaluated.
func (c *checker) neverRuns(at place, s *actionlint.String) bool {
	if s == nil || !c.m.mayBeAlwaysEmpty(s.Value, at.job) {
		return false
	}
	node, src, _ := c.m.cond(s)
	if node == nil {
		return false
	}
	r := &alwaysResolver{m: c.m, job: at.job}
	v := emptiness.Eval(node, src, r)
	return r.hit != nil && v.Mask&emptiness.Truthy == 0
}

func (c *checker) alwaysExpr(at place, field string, s *actionlint.String, node actionlint.ExprNode, src string, off int, isIf bool) {
	r := &alwaysResolver{m: c.m, job: at.job}
	v := emptiness.Eval(node, src, r)
	if r.hit == nil {
		return
	}
	cmp, cmpVal, hasCmp := constantTest(node, src, r)
	never, always := v.Mask&emptiness.Truthy == 0, v.Mask&emptiness.Falsy == 0
	var tail string
	switch {
	case v.Err != nil:
		tail = ", and fromJSON of an empty string is an evaluation error that fails the job"
	case hasCmp && isIf && never:
		tail = fmt.Sprintf(", so %s is always %v and this %s never runs", cmp, cmpVal, at.what())
	case hasCmp && isIf && always:
		tail = fmt.Sprintf(", so %s is always %v and this %s runs whatever the condition was meant to test", cmp, cmpVal, at.what())
	case hasCmp:
		tail = fmt.Sprintf(", so %s is always %v", cmp, cmpVal)
	case isIf && never:
		tail = fmt.Sprintf(", so this %s never runs", at.what())
	case isIf && always:
		tail = fmt.Sprintf(", so the condition is always true and this %s runs whatever it was meant to test", at.what())
	case !isIf && v.Known && v.Const.Render() == "" && v.Why != nil && v.Why.Expr != "''" && v.Why.Expr != "null":
		// (an explicit `|| ''` shows the author expects the empty case)
		tail = fmt.Sprintf(", so ${{ %s }} expands to ''", strings.TrimSpace(clip(src)))
	default:
		return
	}
	c.reportWith(s, off, lint.WithoutFix("the value is '' in every run: declare what it reads (the input, the job output, "+
		"the secret) or remove the read; a fallback would only hide the mistake"), "%s: %s %s%s%s", field, r.hit.Expr, r.hit.Why, tail, c.dead)
}

// what names the level of a place in messages.
func (p place) what() string {
	if p.step < 0 {
		return "job"
	}
	return "step"
}

// constantTest finds a comparison (or contains/startsWith/endsWith) that
// reads an always-empty source and so has a constant answer, or a
// negation or && whose truth it fixes: `!inputs.typo` is always true,
// `inputs.typo && x` always false. (`inputs.typo || 'x'` is a fallback,
// not a test.)
func constantTest(node actionlint.ExprNode, src string, r *alwaysResolver) (text string, val bool, ok bool) {
	actionlint.VisitExprNode(node, func(n, _ actionlint.ExprNode, entering bool) {
		if !entering || ok {
			return
		}
		switch x := n.(type) {
		case *actionlint.NotOpNode:
			if n != node { // the whole condition: "this step never runs" says it
				text, val, ok = constantTruth(n, src, r)
			}
			return
		case *actionlint.LogicalOpNode:
			if x.Kind == actionlint.LogicalOpNodeKindAnd && n != node {
				text, val, ok = constantTruth(n, src, r)
			}
			return
		case *actionlint.CompareOpNode:
		case *actionlint.FuncCallNode:
			switch strings.ToLower(x.Callee) {
			case "contains", "startswith", "endswith":
			default:
				return
			}
		default:
			return
		}
		inner := &alwaysResolver{m: r.m, job: r.job}
		v := emptiness.Eval(n, src, inner)
		if inner.hit == nil || !v.Known || v.Const.Kind != emptiness.KBool {
			return
		}
		text, val, ok = exprText(n, src), v.Const.B, true
	})
	return text, val, ok
}

// constantTruth: a sub-expression whose truth an always-empty source fixes.
func constantTruth(n actionlint.ExprNode, src string, r *alwaysResolver) (string, bool, bool) {
	inner := &alwaysResolver{m: r.m, job: r.job}
	v := emptiness.Eval(n, src, inner)
	switch {
	case inner.hit == nil:
	case v.Mask&emptiness.Truthy == 0:
		return exprText(n, src), false, true
	case v.Mask&emptiness.Falsy == 0:
		return exprText(n, src), true, true
	}
	return "", false, false
}

// exprText renders a small expression for a message.
func exprText(n actionlint.ExprNode, src string) string {
	switch x := n.(type) {
	case *actionlint.StringNode:
		return "'" + strings.ReplaceAll(x.Value, "'", "''") + "'"
	case *actionlint.CompareOpNode:
		return exprText(x.Left, src) + " " + compareOp(x.Kind) + " " + exprText(x.Right, src)
	case *actionlint.FuncCallNode:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = exprText(a, src)
		}
		return x.Callee + "(" + strings.Join(args, ", ") + ")"
	case *actionlint.VariableNode, *actionlint.ObjectDerefNode, *actionlint.IndexAccessNode, *actionlint.ArrayDerefNode:
		if t := emptiness.RefText(src, n.Token().Offset); t != "" {
			return t
		}
	case *actionlint.NotOpNode:
		return "!" + exprText(x.Operand, src)
	case *actionlint.LogicalOpNode:
		op := " || "
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			op = " && "
		}
		return exprText(x.Left, src) + op + exprText(x.Right, src)
	case *actionlint.BoolNode:
		return fmt.Sprint(x.Value)
	case *actionlint.IntNode:
		return fmt.Sprint(x.Value)
	case *actionlint.NullNode:
		return "null"
	}
	return "…"
}

func compareOp(k actionlint.CompareOpNodeKind) string {
	switch k {
	case actionlint.CompareOpNodeKindEq:
		return "=="
	case actionlint.CompareOpNodeKindNotEq:
		return "!="
	case actionlint.CompareOpNodeKindLess:
		return "<"
	case actionlint.CompareOpNodeKindLessEq:
		return "<="
	case actionlint.CompareOpNodeKindGreater:
		return ">"
	case actionlint.CompareOpNodeKindGreaterEq:
		return ">="
	}
	return "?"
}
