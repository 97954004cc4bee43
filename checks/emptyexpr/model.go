package emptyexpr

import (
	"bytes"
	"path"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint/workspace"
)

// localPath resolves `uses: ./x` against the repository that holds f (the
// directory above .github for workflows, the workspace root otherwise).
func localPath(f *workspace.File, uses string) (string, bool) {
	if !strings.HasPrefix(uses, "./") || strings.Contains(uses, "@") {
		return "", false
	}
	root := ""
	if i := strings.Index(f.Rel, ".github/"); i >= 0 {
		root = f.Rel[:i]
	}
	return path.Clean(root + strings.TrimPrefix(uses, "./")), true
}

func sortedJobIDs(w *actionlint.Workflow) []string {
	ids := make([]string, 0, len(w.Jobs))
	for id := range w.Jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// evset is a set of the workflow's triggers, by their index in `on:`.
type evset uint64

// model is what the analysis knows about one workflow.
type model struct {
	ix       *index
	wf       *workspace.Workflow
	events   []string // trigger names in `on:` order (at most 64)
	all      evset
	dispatch map[string]*actionlint.DispatchInput // nil without workflow_dispatch inputs
	call     *actionlint.WorkflowCallEvent
	callIn   map[string]*actionlint.WorkflowCallEventInput
	jobSets  map[string]evset

	// Parsed expressions, by value: a value is read by several sinks and
	// on several triggers, and parsing dominates the cost of the check.
	finds      map[*actionlint.String][]expr.Expr
	conds      map[*actionlint.String]cond
	scripts    map[*actionlint.String]*script
	stepWrites map[*actionlint.Step]stepWrites
	fallbacks  map[string]string // built on first need, see fallback
	guardSets  map[*actionlint.String]map[string]bool

	// incomplete is set when the analysis asked the index for a fact
	// about other files that is not known yet: its findings are then
	// dropped and the workflow is analysed again in Run.
	incomplete bool
}

type cond struct {
	node actionlint.ExprNode
	src  string
	off  int
}

// find returns the placeholders of s, parsed once.
func (m *model) find(s *actionlint.String) []expr.Expr {
	if xs, ok := m.finds[s]; ok {
		return xs
	}
	xs := expr.Find(s.Value)
	m.finds[s] = xs
	return xs
}

// script returns the run: script s parsed as shell, once; nil when it is
// not shell.
func (m *model) script(s *actionlint.String) *script {
	if sc, ok := m.scripts[s]; ok {
		return sc
	}
	sc := parseScript(s.Value)
	m.scripts[s] = sc
	return sc
}

// cond returns the parsed `if:` s, parsed once (see expr.Condition).
func (m *model) cond(s *actionlint.String) (actionlint.ExprNode, string, int) {
	if s == nil {
		return nil, "", 0
	}
	if c, ok := m.conds[s]; ok {
		return c.node, c.src, c.off
	}
	n, src, off := expr.Condition(s.Value)
	m.conds[s] = cond{n, src, off}
	return n, src, off
}

func newModel(ix *index, wf *workspace.Workflow) *model {
	m := &model{ix: ix, wf: wf, jobSets: map[string]evset{},
		finds: map[*actionlint.String][]expr.Expr{}, conds: map[*actionlint.String]cond{},
		scripts: map[*actionlint.String]*script{}, stepWrites: map[*actionlint.Step]stepWrites{},
		guardSets: map[*actionlint.String]map[string]bool{}}
	for _, ev := range wf.AST.On {
		if len(m.events) == 64 {
			break
		}
		m.all |= 1 << len(m.events)
		m.events = append(m.events, strings.ToLower(ev.EventName()))
		switch e := ev.(type) {
		case *actionlint.WorkflowDispatchEvent:
			m.dispatch = e.Inputs
		case *actionlint.WorkflowCallEvent:
			m.call = e
			m.callIn = make(map[string]*actionlint.WorkflowCallEventInput, len(e.Inputs))
			for _, in := range e.Inputs {
				m.callIn[in.ID] = in
			}
		}
	}
	return m
}

func (m *model) eventBit(name string) evset {
	for i, e := range m.events {
		if e == name {
			return 1 << i
		}
	}
	return 0
}

// each calls fn for each event of s, in `on:` order, until fn returns true.
func (m *model) each(s evset, fn func(event string) bool) {
	for i, e := range m.events {
		if s&(1<<i) != 0 && fn(e) {
			return
		}
	}
}

// jobEvents is the set of triggers on which a job can run: its `if:` may
// rule some out (github.event_name == 'x', inputs.flag), and so may the
// jobs it needs (see needsEvents).
func (m *model) jobEvents(id string) evset {
	if s, ok := m.jobSets[id]; ok {
		return s
	}
	m.jobSets[id] = m.all // breaks cycles; actionlint reports them
	j := m.wf.AST.Jobs[id]
	if j == nil {
		return m.all
	}
	s := m.narrow(m.needsEvents(j), j.If, j, -1)
	m.jobSets[id] = s
	return s
}

// needsEvents is the set of triggers on which the jobs that j needs let it
// run: a job whose needs were skipped is skipped too, unless its `if:`
// uses a status function other than success().
func (m *model) needsEvents(j *actionlint.Job) evset {
	s := m.all
	var c actionlint.ExprNode
	if j.If != nil && mentions(j.If.Value, "always", "failure", "cancelled") {
		c, _, _ = m.cond(j.If)
	}
	if _, anyStatus := statusFuncs(c); anyStatus {
		return s
	}
	for _, n := range j.Needs {
		s &= m.jobEvents(strings.ToLower(n.Value))
	}
	return s
}

// narrow removes from s the triggers on which the condition cond (of job
// j, or of its step) is certainly false, evaluating it as the runner would
// on each trigger: `github.event_name == 'workflow_dispatch'` is false on
// push, and so is `inputs.deploy`, since inputs are empty there. Fields of
// a job or step that is skipped on a trigger are not evaluated on it.
func (m *model) narrow(s evset, cond *actionlint.String, j *actionlint.Job, step int) evset {
	if cond == nil || !mentions(cond.Value, "event_name", "inputs") {
		return s
	}
	node, src, _ := m.cond(cond)
	if node == nil {
		return s
	}
	s &= m.condEvents(node)
	for i, ev := range m.events {
		if s&(1<<i) == 0 {
			continue
		}
		v := emptiness.Eval(node, src, &resolver{m: m, job: j, step: step, event: ev, mode: modeSink})
		if v.Mask&emptiness.Truthy == 0 {
			s &^= 1 << i
		}
	}
	return s
}

// condEvents is the set of triggers on which cond can be true, judging only
// by comparisons of github.event_name; anything else allows every trigger.
func (m *model) condEvents(cond actionlint.ExprNode) evset {
	switch x := cond.(type) {
	case *actionlint.LogicalOpNode:
		l, r := m.condEvents(x.Left), m.condEvents(x.Right)
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			return l & r
		}
		return l | r
	case *actionlint.CompareOpNode:
		name, ok := eventNameLiteral(x)
		if !ok {
			break
		}
		switch x.Kind {
		case actionlint.CompareOpNodeKindEq:
			return m.eventBit(name)
		case actionlint.CompareOpNodeKindNotEq:
			return m.all &^ m.eventBit(name)
		}
	}
	return m.all
}

// eventNameLiteral matches github.event_name compared with a string.
func eventNameLiteral(c *actionlint.CompareOpNode) (string, bool) {
	l, r := c.Left, c.Right
	if _, ok := l.(*actionlint.StringNode); ok {
		l, r = r, l
	}
	s, ok := r.(*actionlint.StringNode)
	if !ok {
		return "", false
	}
	d, ok := l.(*actionlint.ObjectDerefNode)
	if !ok || d.Property != "event_name" {
		return "", false
	}
	if v, ok := d.Receiver.(*actionlint.VariableNode); !ok || v.Name != "github" {
		return "", false
	}
	return strings.ToLower(s.Value), true
}

// statusFuncs reports whether cond calls success() and whether it calls
// any of always(), failure() or cancelled(), which let a job or step run
// after a failure or skip.
func statusFuncs(cond actionlint.ExprNode) (success, other bool) {
	if cond == nil {
		return false, false
	}
	actionlint.VisitExprNode(cond, func(n, _ actionlint.ExprNode, entering bool) {
		f, ok := n.(*actionlint.FuncCallNode)
		if !ok || !entering {
			return
		}
		switch strings.ToLower(f.Callee) {
		case "success":
			success = true
		case "always", "failure", "cancelled":
			other = true
		}
	})
	return success, other
}

// onlyStatus reports whether an `if:` holds nothing but status functions,
// so it does not skip the step in any run where later steps still run.
func (m *model) onlyStatus(s *actionlint.String) bool {
	n, _, _ := m.cond(s)
	if n == nil {
		return false
	}
	only := true
	actionlint.VisitExprNode(n, func(x, _ actionlint.ExprNode, entering bool) {
		switch x.(type) {
		case *actionlint.VariableNode, *actionlint.ObjectDerefNode, *actionlint.IndexAccessNode, *actionlint.ArrayDerefNode:
			only = false
		}
	})
	return only
}

// mentions is a cheap pre-filter before parsing: does s contain any of
// the words, ignoring case?
func mentions(s string, words ...string) bool {
	for _, w := range words {
		if len(s) >= len(w) && expr.ContainsFold(s, w) {
			return true
		}
	}
	return false
}

// expected is the value the author expects a dispatch input to have when
// nobody sets it: its non-empty default, or else the literal it falls back
// to elsewhere in the workflow (`inputs.ref || 'latest'`), which shows
// that an empty value was not meant to reach a use without one.
func (m *model) expected(name string) (emptiness.Value, bool) {
	d := m.dispatch[name]
	if d == nil {
		return emptiness.Value{}, false
	}
	if d.Default != nil && d.Default.Value != "" {
		return emptiness.DispatchDefault(d, false), true
	}
	if f := m.fallback(name); f != "" {
		return emptiness.String(f, nil), true
	}
	return emptiness.Value{}, false
}

// fallback returns the literal an input falls back to somewhere in the
// workflow, or "".
func (m *model) fallback(name string) string {
	if m.fallbacks == nil {
		m.fallbacks = fallbackLiterals(m.wf.Src)
	}
	return m.fallbacks[name]
}

// fallbackLiterals finds `inputs.X || 'literal'` (also
// github.event.inputs.X; any ASCII case, any spaces around ||) in a
// workflow's text: the first literal of each input, by lower-case name. It reads the
// text around each || instead of running a case-insensitive pattern over
// the whole file, which cost a few percent of a small lint run.
func fallbackLiterals(src []byte) map[string]string {
	out := map[string]string{}
	end := 0 // matches do not overlap
	for i := 0; ; i += 2 {
		j := bytes.Index(src[i:], []byte("||"))
		if j < 0 {
			return out
		}
		i += j
		start, name := inputBefore(src, i)
		if name == "" || start < end {
			continue
		}
		lit, after := quotedAfter(src, i+2)
		if after < 0 {
			continue
		}
		end = after
		if n := strings.ToLower(name); out[n] == "" {
			out[n] = lit
		}
	}
}

// inputBefore reads `inputs.NAME` and spaces backwards from op; start is
// where "inputs" begins.
func inputBefore(src []byte, op int) (start int, name string) {
	k := op
	for k > 0 && isSpace(src[k-1]) {
		k--
	}
	e := k
	for k > 0 && isNameByte(src[k-1]) {
		k--
	}
	const prefix = "inputs."
	if k == e || k < len(prefix) || !strings.EqualFold(string(src[k-len(prefix):k]), prefix) {
		return 0, ""
	}
	return k - len(prefix), string(src[k:e])
}

// quotedAfter reads spaces and a non-empty 'literal' from i; after is the
// offset past its closing quote, -1 when there is none.
func quotedAfter(src []byte, i int) (lit string, after int) {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	if i >= len(src) || src[i] != '\'' {
		return "", -1
	}
	n := bytes.IndexByte(src[i+1:], '\'')
	if n <= 0 {
		return "", -1
	}
	return string(src[i+1 : i+1+n]), i + n + 2
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
