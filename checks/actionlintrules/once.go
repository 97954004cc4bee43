package actionlintrules

import (
	"cmp"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// actionlint checks a local action's metadata (name and description
// required, branding, runs) once per run, at the `uses:` of whichever
// workflow reads it first. Workflows are linted concurrently, so "first"
// changed from run to run (actionlint's own output moves the same way),
// and with it the finding's file, line and fingerprint. Such findings are
// held and reported at the first use in file order instead.

// localUse is one `uses: ./…` of a workflow: what it names (absolute) and
// where.
type localUse struct {
	target string
	path   string // the workflow as displayed
	pos    workspace.Pos
	span   workspace.Span // set for the first use of its target
}

// heldError is a once-per-target finding held for Run.
type heldError struct {
	target, message string
}

// onceFindings collects, across workflows, the first use of each local
// target and the findings held until every use is known.
type onceFindings struct {
	mu    sync.Mutex
	first map[string]localUse // by target
	held  []heldError
}

type onceKey struct{}

func sharedOnce(p *lint.Pass) *onceFindings {
	return p.Shared(onceKey{}, func() any { return &onceFindings{} }).(*onceFindings)
}

// hold records wf's local uses and returns the errors to report now: all
// but those about a local target as a whole (their message names its
// absolute path), which it holds.
func (o *onceFindings) hold(wf *workspace.Workflow, root string, errs []*actionlint.Error) []*actionlint.Error {
	uses := localUses(wf, root)
	at := map[workspace.Pos]string{}
	for _, u := range uses {
		at[u.pos] = u.target
	}
	var now []*actionlint.Error
	var held []heldError
	for _, e := range errs {
		if t, ok := at[workspace.Pos{Line: e.Line, Col: e.Column}]; ok && strings.Contains(e.Message, t) {
			held = append(held, heldError{t, e.Message + " [" + e.Kind + "]"})
			continue
		}
		now = append(now, e)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.first == nil {
		o.first = map[string]localUse{}
	}
	for _, u := range uses {
		if f, ok := o.first[u.target]; !ok || before(u, f) {
			u.span = wf.TokenSpan(u.pos) // only for the first use so far
			o.first[u.target] = u
		}
	}
	o.held = append(o.held, held...)
	return now
}

// before orders uses by display path, then position.
func before(a, b localUse) bool {
	return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.pos.Line, b.pos.Line), cmp.Compare(a.pos.Col, b.pos.Col)) < 0
}

// report reports each held finding once, at the first use of its target
// by display path and position.
func (o *onceFindings) report(p *lint.Pass) {
	seen := map[heldError]bool{}
	for _, h := range o.held {
		if seen[h] {
			continue
		}
		seen[h] = true
		if u, ok := o.first[h.target]; ok {
			p.Report(lint.Diagnostic{Rule: Rule.ID, Path: u.path, Span: u.span, Message: h.message})
		}
	}
}

// localUses lists the local actions and reusable workflows wf names, as
// actionlint resolves them: against root, the directory above .github.
func localUses(wf *workspace.Workflow, root string) []localUse {
	var out []localUse
	add := func(s *actionlint.String) {
		if s == nil || s.Pos == nil || !strings.HasPrefix(s.Value, "./") || actionlint.ContainsExpression(s.Value) {
			return
		}
		pos := workspace.Pos{Line: s.Pos.Line, Col: s.Pos.Col}
		out = append(out, localUse{target: filepath.Join(root, filepath.FromSlash(s.Value)), path: wf.Path, pos: pos})
	}
	for _, job := range wf.AST.Jobs {
		if job == nil {
			continue
		}
		if job.WorkflowCall != nil {
			add(job.WorkflowCall.Uses)
		}
		for _, st := range job.Steps {
			if st == nil {
				continue
			}
			if a, ok := st.Exec.(*actionlint.ExecAction); ok {
				add(a.Uses)
			}
		}
	}
	return out
}
