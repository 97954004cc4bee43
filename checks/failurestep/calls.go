package failurestep

import (
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// A reusable workflow's continue-on-error that reads its workflow_call
// inputs is judged at their declared defaults and with the values each
// caller in this repository passes. Callers can be parsed after the
// workflow they call, so such a finding waits in the run's calls until
// every workflow has been read (run), and is dropped when some call
// passes values that make continue-on-error true (or unknown).

// calls is the per-run state: the local calls of reusable workflows, and
// the findings that wait for them.
type calls struct {
	mu      sync.Mutex
	by      map[string][]call // callee Rel -> its calls
	waiting []waiting
}

// call is one job calling a local reusable workflow.
type call struct {
	path string // the caller, as findings show it
	with map[string]*actionlint.WorkflowCallInput
}

// waiting is a finding decided at the inputs' defaults.
type waiting struct {
	callee string // Rel
	path   string
	span   workspace.Span
	msg    string
	fix    lint.Remedy
	judge  *callJudgement
}

type callsKey struct{}

func runCalls(p *lint.Pass) *calls {
	return p.Shared(callsKey{}, func() any { return &calls{by: map[string][]call{}} }).(*calls)
}

// collectCalls records the jobs of wf that call a local reusable workflow.
func collectCalls(p *lint.Pass, wf *workspace.Workflow) {
	var found []string
	var made []call
	for _, id := range sortedIDs(wf.AST) {
		wc := wf.AST.Jobs[id].WorkflowCall
		if wc == nil || wc.Uses == nil {
			continue
		}
		if rel, ok := localWorkflow(wf.File, wc.Uses.Value); ok {
			found, made = append(found, rel), append(made, call{path: wf.Path, with: wc.Inputs})
		}
	}
	if len(found) == 0 {
		return
	}
	cs := runCalls(p)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for i, rel := range found {
		cs.by[rel] = append(cs.by[rel], made[i])
	}
}

// localWorkflow resolves `uses: ./.github/workflows/x.yml` against the
// repository that holds f.
func localWorkflow(f *workspace.File, uses string) (string, bool) {
	if !strings.HasPrefix(uses, "./") || strings.Contains(uses, "@") || strings.Contains(uses, "${{") {
		return "", false
	}
	root := ""
	if i := strings.Index(f.Rel, ".github/"); i >= 0 {
		root = f.Rel[:i]
	}
	return path.Clean(root + strings.TrimPrefix(uses, "./")), true
}

// deferOrReport reports a finding now, or, when the verdict rests on
// workflow_call inputs at their defaults, once the callers are known.
func deferOrReport(p *lint.Pass, f *workspace.File, c continuation, span workspace.Span, msg string, fix lint.Remedy) {
	if c.byCall == nil {
		p.Report(lint.Diagnostic{Rule: Rule.ID, Path: f.Path, Span: span, Message: msg, Remedy: fix})
		return
	}
	cs := runCalls(p)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.waiting = append(cs.waiting, waiting{callee: f.Rel, path: f.Path, span: span, msg: msg, fix: fix, judge: c.byCall})
}

// reportWaiting reports the waiting findings that no call in this
// repository makes reachable. A partial scan cannot see the callers, so
// it reports none of them.
func reportWaiting(p *lint.Pass) {
	if p.Workspace.Partial {
		return
	}
	cs := runCalls(p)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, w := range cs.waiting {
		var callers []string
		reachable := false
		for _, c := range cs.by[w.callee] {
			if w.judge.continuesWith(c.with) {
				reachable = true
				break
			}
			if !slices.Contains(callers, c.path) {
				callers = append(callers, c.path)
			}
		}
		if reachable {
			continue
		}
		slices.Sort(callers)
		msg := w.msg
		if len(callers) > 0 {
			msg += "; no call in this repository passes such a value (" + strings.Join(callers, ", ") + ")"
		}
		p.Report(lint.Diagnostic{Rule: Rule.ID, Path: w.path, Span: w.span, Message: msg, Remedy: w.fix, DependsOn: callers})
	}
}
