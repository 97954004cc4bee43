package emptyexpr

import (
	"cmp"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// index resolves local references across files: composite actions and
// reusable workflows by path, and the local callers of each reusable
// workflow. It keeps a few facts per workflow, not its tree.
//
// Workflows arrive one at a time as they are parsed. Actions are all
// known by then; a reusable workflow a job calls may not be, and a
// reusable workflow's callers are complete only once every workflow has
// been seen. A workflow whose analysis needs such a fact is kept whole
// (postpone) and analysed in Run: a caller parsed before the workflow it
// calls, and a reusable workflow that reads a secret its callers may not
// pass. The rest are analysed as they arrive and let go.
type index struct {
	ws      *workspace.Workspace
	actions map[string]*workspace.Action // by directory Rel

	mu      sync.Mutex
	callees map[string]*callee  // every workflow seen, by Rel; nil: it has no workflow_call trigger
	callers map[string][]caller // reusable workflow Rel -> its local callers
	final   bool                // every workflow has been seen (Run)
	// actionReads: how each local composite action reads its inputs,
	// worked out once for every workflow that uses the action.
	actionReads map[*workspace.Action]map[string]inputUse
	later       []*workspace.Workflow
	held        []held
}

// callee is what a caller needs of a reusable workflow: the types of its
// workflow_call inputs and the names of its outputs, by lower-case id.
type callee struct {
	inputs  map[string]actionlint.WorkflowCallEventInputType
	outputs map[string]bool
	reads   map[string]calleeInput // defaults and how the workflow reads each input
}

// caller is one job of a local workflow calling a reusable workflow.
type caller struct {
	abs, job string // the order callers are listed in
	path     string // the calling workflow as displayed
	line     int    // of the job
	inherit  bool
	secrets  map[string]bool // passed by name, lower case
	// literals are the inputs passed as plain text (no ${{ }}), by lower
	// case name: what the callee's inputs are in this call; passed names
	// every input the call sets, however.
	literals map[string]string
	passed   map[string]bool
}

type indexKey struct{}

func sharedIndex(p *lint.Pass) *index {
	return p.Shared(indexKey{}, func() any { return newIndex(p.Workspace) }).(*index)
}

// newIndex makes an empty index of ws, knowing its actions.
func newIndex(ws *workspace.Workspace) *index {
	ix := &index{
		ws:      ws,
		actions: make(map[string]*workspace.Action, len(ws.Actions)),
		callees: map[string]*callee{},
		callers: map[string][]caller{},
	}
	for _, a := range ws.Actions {
		ix.actions[path.Dir(a.Rel)] = a
	}
	return ix
}

// add records what other workflows need of wf (m is its model) and
// reports whether every local reusable workflow it calls has been seen.
func (ix *index) add(wf *workspace.Workflow, m *model) bool {
	var c *callee
	if m.call != nil {
		c = &callee{inputs: make(map[string]actionlint.WorkflowCallEventInputType, len(m.callIn)), outputs: map[string]bool{},
			reads: map[string]calleeInput{}}
		uses := inputUses(string(wf.Src))
		for id, in := range m.callIn {
			c.inputs[id] = in.Type
			ci := calleeInput{use: uses[id]}
			if in.Default != nil {
				ci.def = in.Default.Value
			}
			c.reads[id] = ci
		}
		for id := range m.call.Outputs {
			c.outputs[id] = true
		}
	}
	calls := map[string][]caller{}
	for _, id := range sortedJobIDs(wf.AST) {
		j := wf.AST.Jobs[id]
		if j.WorkflowCall == nil || j.WorkflowCall.Uses == nil {
			continue
		}
		if rel, ok := localPath(wf.File, j.WorkflowCall.Uses.Value); ok {
			secrets := make(map[string]bool, len(j.WorkflowCall.Secrets))
			for name := range j.WorkflowCall.Secrets {
				secrets[name] = true
			}
			calls[rel] = append(calls[rel], caller{abs: wf.Abs, job: id, path: wf.Path, line: j.Pos.Line,
				inherit: j.WorkflowCall.InheritSecrets, secrets: secrets, literals: literalInputs(j.WorkflowCall), passed: passedInputs(j.WorkflowCall)})
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.callees[wf.Rel] = c
	ready := true
	for rel, cs := range calls {
		ix.callers[rel] = append(ix.callers[rel], cs...)
		if _, seen := ix.callees[rel]; !seen && ix.ws.HasWorkflow(rel) {
			ready = false
		}
	}
	return ready
}

// postpone keeps wf for Run.
func (ix *index) postpone(wf *workspace.Workflow) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.later = append(ix.later, wf)
}

// finish marks every workflow seen and returns those postponed. Callers
// are listed by workflow path, then job id.
func (ix *index) finish() []*workspace.Workflow {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.final = true
	for _, cs := range ix.callers {
		slices.SortFunc(cs, func(a, b caller) int { return cmp.Or(cmp.Compare(a.abs, b.abs), cmp.Compare(a.job, b.job)) })
	}
	return ix.later
}

// callee returns the facts of the workflow at rel: nil when it has no
// workflow_call trigger or does not exist. Before every workflow has been
// seen, a workflow not seen yet makes the analysis incomplete.
func (m *model) callee(rel string) *callee {
	ix := m.ix
	ix.mu.Lock()
	defer ix.mu.Unlock()
	c, seen := ix.callees[rel]
	if !seen && !ix.final && ix.ws.HasWorkflow(rel) {
		m.incomplete = true
	}
	return c
}

// callers returns the local callers of this workflow. They are complete
// only once every workflow has been seen; before that, asking makes the
// analysis incomplete.
func (m *model) callers() []caller {
	ix := m.ix
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if !ix.final {
		m.incomplete = true
		return nil
	}
	return ix.callers[m.wf.Rel]
}

// held is the findings of one workflow and the local files it uses, kept
// until the workflows that call it are known.
type held struct {
	path, rel string   // of the workflow
	uses      []string // display paths of the local workflows and actions it calls
	found     []finding
}

// hold keeps the findings of wf for reportHeld, with the local reusable
// workflows and composite actions wf calls: a change to any of them can
// make or unmake a finding.
func (ix *index) hold(wf *workspace.Workflow, found []finding) {
	var uses []string
	for _, id := range sortedJobIDs(wf.AST) {
		j := wf.AST.Jobs[id]
		if j.WorkflowCall != nil && j.WorkflowCall.Uses != nil {
			if rel, ok := localPath(wf.File, j.WorkflowCall.Uses.Value); ok && ix.ws.HasWorkflow(rel) {
				uses = append(uses, ix.ws.Display(filepath.Join(ix.ws.RepoRoot, filepath.FromSlash(rel))))
			}
		}
		for _, s := range j.Steps {
			if e, ok := s.Exec.(*actionlint.ExecAction); ok && e.Uses != nil {
				if rel, ok := localPath(wf.File, e.Uses.Value); ok && ix.actions[rel] != nil {
					uses = append(uses, ix.actions[rel].Path)
				}
			}
		}
	}
	h := held{path: wf.Path, rel: wf.Rel, uses: uses, found: found}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.held = append(ix.held, h)
}

// reportHeld reports every held finding, depending on the files its
// workflow uses and on the workflows that call it. Call it after finish.
func (ix *index) reportHeld(p *lint.Pass) {
	for _, h := range ix.held {
		deps := h.uses
		for _, c := range ix.callers[h.rel] {
			deps = append(deps, c.path)
		}
		for _, f := range h.found {
			p.Report(lint.Diagnostic{
				Rule: Rule.ID, Path: h.path, Span: f.span,
				Message:   f.msg,
				Remedy:    f.detail,
				AtMost:    f.cap,
				DependsOn: deps,
			})
		}
	}
	ix.held = nil
}

// literalInputs are the inputs a call passes as plain text.
func literalInputs(call *actionlint.WorkflowCall) map[string]string {
	out := map[string]string{}
	for name, in := range call.Inputs {
		if in != nil && in.Value != nil && !strings.Contains(in.Value.Value, "${{") {
			out[strings.ToLower(name)] = in.Value.Value
		}
	}
	return out
}

// passedInputs are the names of the inputs a call sets, lower case.
func passedInputs(call *actionlint.WorkflowCall) map[string]bool {
	out := make(map[string]bool, len(call.Inputs))
	for name := range call.Inputs {
		out[strings.ToLower(name)] = true
	}
	return out
}
