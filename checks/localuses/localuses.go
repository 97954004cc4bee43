// Package localuses reports a step whose local `uses: ./path` names no
// action (rule local-uses).
//
// The runner looks for action.yml (or action.yaml) in the directory a
// local `uses:` names, in the checkout, when the step starts; when there
// is none the step fails. Three shapes are reported at the `uses:`:
//
//   - a reusable workflow called as a step (`uses:
//     ./.github/workflows/notify.yml`): a reusable workflow is called by a
//     job (`jobs.<id>.uses:`), never by a step;
//   - a path that is a file, or a directory without action metadata;
//   - a path that does not exist.
//
// A path that does not exist, or holds no metadata, is judged only for
// the workflows at the top of the repository (a template's workflow names
// paths of the repository it is meant for), and may still be made by
// the job before the step runs, and then it is not reported: an earlier
// step that writes to a `path:` input (a checkout of another repository
// into the workspace, a download, a cache) or checks out another
// repository over the workspace, a `run:` script that names the path's
// directory, or a git submodule (.gitmodules) that holds the path.
//
// actionlint reads the same metadata but says nothing when it is missing
// (a submodule or a private checkout often provides it at run time), so
// the two never report the same `uses:`.
package localuses

import (
	"bufio"
	"bytes"
	"errors"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// Rule documents local-uses.
var Rule = rule.Rule{
	ID:       "local-uses",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a step's local uses: names no action: a reusable workflow, or a path without action.yml",
	Why: "A step with `uses: ./path` runs the action whose action.yml (or action.yaml) is in that directory of the checkout; " +
		"when there is none, the step fails as it starts. A reusable workflow is no action: it is called by a job " +
		"(`jobs.<id>.uses:`), and a step that names one fails on every run. A path that does not exist, or a directory " +
		"without metadata, fails the same way, unless the job makes it before the step (a checkout or download into " +
		"that path, a script that writes it, a submodule); those are not reported. actionlint does not report a " +
		"missing local action, so the two never report the same line.",
	Bad: "notify:\n  needs: release\n  if: ${{ !cancelled() && needs.release.result == 'failure' }}\n  runs-on: ubuntu-latest\n" +
		"  steps:\n    - uses: ./.github/workflows/notify.yml",
	Good: "notify:\n  needs: release\n  if: ${{ !cancelled() && needs.release.result == 'failure' }}\n  uses: ./.github/workflows/notify.yml",
	Fix: "For a reusable workflow, call it from a job of its own (`jobs.<id>.uses:` with `needs:` and an `if:`), not from a " +
		"step. Otherwise point `uses:` at the directory that holds action.yml (fix a typo or a moved directory), or add the " +
		"step that provides it before this one.",
}

// Check reports local uses: that name no action, in workflows and
// composite actions.
var Check = lint.Check{Name: "localuses", Rules: []rule.Rule{Rule}, Workflow: checkWorkflow, Run: run}

// step is what the check needs of a step, in workflows and composite
// actions alike.
type step struct {
	uses *actionlint.String
	run  *actionlint.String
	with map[string]*actionlint.String
}

func checkWorkflow(p *lint.Pass, wf *workspace.Workflow) {
	i := strings.Index(filepath.ToSlash(wf.Abs), "/.github/")
	if i < 0 {
		return
	}
	root := filepath.FromSlash(filepath.ToSlash(wf.Abs)[:i])
	ids := make([]string, 0, len(wf.AST.Jobs))
	for id := range wf.AST.Jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		j := wf.AST.Jobs[id]
		if j == nil {
			continue
		}
		var steps []step
		for _, s := range j.Steps {
			if s != nil {
				steps = append(steps, workflowStep(s))
			}
		}
		checkSteps(p, wf.File, root, steps, strings.HasPrefix(wf.Rel, ".github/"))
	}
}

func workflowStep(s *actionlint.Step) step {
	switch e := s.Exec.(type) {
	case *actionlint.ExecRun:
		return step{run: e.Run}
	case *actionlint.ExecAction:
		with := map[string]*actionlint.String{}
		for k, in := range e.Inputs {
			with[k] = in.Value
		}
		return step{uses: e.Uses, with: with}
	}
	return step{}
}

// run checks the steps of composite actions, whose local uses: resolve
// against the workspace, the repository root.
func run(p *lint.Pass) {
	for _, a := range p.Workspace.Actions {
		if !a.Composite() {
			continue
		}
		var steps []step
		for _, s := range a.Steps {
			with := map[string]*actionlint.String{}
			for _, kv := range s.With {
				if kv.Key != nil {
					with[strings.ToLower(kv.Key.Value)] = kv.Value
				}
			}
			steps = append(steps, step{uses: s.Uses, run: s.Run, with: with})
		}
		checkSteps(p, a.File, p.Workspace.RepoRoot, steps, true)
	}
}

// checkSteps checks each step's local uses: against the repository at
// root and what the steps before it may have made. A workflow below the
// top of the repository (a project template, a copy for tests) may name
// paths of the repository it is meant for: there only a reusable
// workflow called as a step is reported (top false).
func checkSteps(p *lint.Pass, f *workspace.File, root string, steps []step, top bool) {
	for i, s := range steps {
		rel, ok := localPath(s.uses)
		if !ok {
			continue
		}
		what, missing := lookups(p).look(root, rel)
		if what == "" || missing && (!top || madeBefore(root, rel, steps[:i])) {
			continue
		}
		p.Report(lint.Diagnostic{
			Rule: Rule.ID, Path: f.Path, Span: f.LocateSpan(s.uses, 0, len(s.uses.Value)),
			Message: what,
			Remedy:  lint.WithoutFix("where the action should come from is a decision for the workflow's author"),
		})
	}
}

// localPath is the repository-relative directory of `uses: ./dir`.
func localPath(uses *actionlint.String) (string, bool) {
	if uses == nil || !strings.HasPrefix(uses.Value, "./") || strings.Contains(uses.Value, "${{") {
		return "", false
	}
	rel := path.Clean(strings.TrimPrefix(uses.Value, "./"))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false // outside the repository: not ours to judge
	}
	return rel, true
}

// lookup is what look found for one path.
type lookup struct {
	what    string
	missing bool
}

// looker answers look for a run: one boundary per repository root, and
// each path looked at once (many workflows name the same local action).
// Workflow calls run concurrently, hence the lock.
type looker struct {
	mu    sync.Mutex
	roots map[string]*inputfile.Root
	found map[[2]string]lookup
}

type lookerKey struct{}

func lookups(p *lint.Pass) *looker {
	return p.Shared(lookerKey{}, func() any {
		return &looker{roots: map[string]*inputfile.Root{}, found: map[[2]string]lookup{}}
	}).(*looker)
}

func (l *looker) look(root, rel string) (what string, missing bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := [2]string{root, rel}
	if f, ok := l.found[key]; ok {
		return f.what, f.missing
	}
	r, ok := l.roots[root]
	if !ok {
		r, _ = inputfile.NewRoot(root) // nil when root cannot be resolved: nothing is judged
		l.roots[root] = r
	}
	var f lookup
	if r != nil {
		f.what, f.missing = look(r, root, rel)
	}
	l.found[key] = f
	return f.what, f.missing
}

// look says what is wrong with the directory rel of the repository at
// root ("" when it holds action metadata), and whether the finding is
// one the job could have avoided by making the path. It looks through
// the repository boundary r: a committed symbolic link that leads
// outside the repository is not followed, and such a path is not judged
// (what it leads to on a runner is not in the repository).
func look(r *inputfile.Root, root, rel string) (what string, missing bool) {
	dir := filepath.Join(root, filepath.FromSlash(rel))
	fi, err := r.Stat(dir)
	switch {
	case errors.Is(err, inputfile.ErrOutside):
		return "", false
	case err != nil:
		return "uses: ./" + rel + " does not exist in this repository, so the step fails as it starts; " +
			"point it at the directory that holds action.yml", true
	case fi.Mode().IsRegular() && isWorkflow(rel):
		return "uses: ./" + rel + " is a reusable workflow, which a step cannot run: the step fails as it starts " +
			"(no action.yml there); call it from a job of its own, with `jobs.<id>.uses: ./" + rel + "`", false
	case !fi.IsDir():
		return "uses: ./" + rel + " is a file, not a directory holding action.yml, so the step fails as it starts; " +
			"point it at the action's directory", false
	}
	for _, name := range []string{"action.yml", "action.yaml"} {
		_, err := r.Stat(filepath.Join(dir, name))
		if err == nil {
			return "", false
		}
		if errors.Is(err, inputfile.ErrOutside) {
			return "", false
		}
	}
	return "uses: ./" + rel + " holds no action.yml or action.yaml, so the step fails as it starts; " +
		"point it at the directory that holds the action's metadata", true
}

func isWorkflow(rel string) bool {
	return strings.HasSuffix(rel, ".yml") || strings.HasSuffix(rel, ".yaml")
}

// madeBefore reports whether a step before this one may make the path:
// it writes to a path: input, checks out another repository, or runs a
// script naming the path's directory; or a submodule holds the path.
func madeBefore(root, rel string, before []step) bool {
	names := significant(rel)
	for _, s := range before {
		if s.with["path"] != nil {
			return true
		}
		if s.uses != nil && strings.HasPrefix(strings.ToLower(s.uses.Value), "actions/checkout@") && s.with["repository"] != nil {
			return true
		}
		if s.run != nil && slices.ContainsFunc(names, func(n string) bool { return strings.Contains(s.run.Value, n) }) {
			return true
		}
	}
	return inSubmodule(root, rel)
}

// significant lists the path's segments a script that makes it would
// name: all but .github and the like.
func significant(rel string) []string {
	var out []string
	for _, seg := range strings.Split(rel, "/") {
		if seg != ".github" && seg != "actions" && seg != "." && seg != "" {
			out = append(out, seg)
		}
	}
	return out
}

// inSubmodule reports whether .gitmodules at root declares a submodule
// at or above rel. It is read through the repository boundary.
func inSubmodule(root, rel string) bool {
	r, err := inputfile.NewRoot(root)
	if err != nil {
		return false
	}
	src, err := r.ReadFile(filepath.Join(root, ".gitmodules"), 1<<20)
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), "=")
		if !ok || strings.TrimSpace(key) != "path" {
			continue
		}
		sub := path.Clean(strings.TrimSpace(val))
		if rel == sub || strings.HasPrefix(rel, sub+"/") {
			return true
		}
	}
	return false
}
