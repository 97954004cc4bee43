// Package actionlintrules reports actionlint's own findings under the rule
// id "actionlint", with actionlint's kind in the message.
//
// It reuses the workflow syntax trees that the workspace already parsed and
// runs actionlint's rule set over them, so a workflow is parsed once for
// actionlint and releasegate's own rules together.
package actionlintrules

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/internal/yamlguard"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Rule documents the actionlint rule id.
var Rule = rule.Rule{
	ID:       "actionlint",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "actionlint's own findings (syntax, expressions, runner labels, ...)",
	Why: "releasegate builds on actionlint's workflow parser and runs its checks too, so one tool " +
		"gates the pull request. The message carries actionlint's kind, such as [expression] or [syntax-check].",
	Bad:  "runs-on: ubuntu-lastest",
	Good: "runs-on: ubuntu-latest",
	Fix:  "Follow actionlint's message. Disable the rule with --disable actionlint or `rules: {actionlint: off}` if you already run actionlint separately.",
}

// Check runs actionlint's rules over every workflow.
var Check = lint.Check{Name: "actionlintrules", Rules: []rule.Rule{Rule}, Workflow: lintOne,
	Run: func(p *lint.Pass) { sharedOnce(p).report(p) }}

type projectsKey struct{}

func lintOne(p *lint.Pass, wf *workspace.Workflow) {
	projects := p.Shared(projectsKey{}, func() any { return newProjects() }).(*projects)
	proj := projects.at(wf)
	if fresh, unsafe := projects.unsafeFiles(proj, wf); unsafe {
		for _, e := range fresh {
			e.File = p.Workspace.Display(e.File)
			p.Fail(e)
		}
		proj = blind // lint this workflow without letting actionlint read those files
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(wf.Abs)))
	for _, e := range sharedOnce(p).hold(wf, root, lintWorkflow(wf, proj)) {
		// actionlint names where a problem starts; the span is the token
		// there (a whole ${{ }} expression, a key, a value).
		p.Reportf(Rule.ID, wf.File, wf.TokenSpan(workspace.Pos{Line: e.Line, Col: e.Column}), "%s [%s]", e.Message, e.Kind)
	}
}

// lintWorkflow mirrors actionlint's Linter.check: the same rules, minus the
// external shellcheck and pyflakes processes.
func lintWorkflow(wf *workspace.Workflow, proj *project) (errs []*actionlint.Error) {
	defer func() {
		// actionlint is robust, but a panic in a dependency must become a
		// finding, not a crash that loses every other result.
		if r := recover(); r != nil {
			errs = append(errs, &actionlint.Error{Message: fmt.Sprintf("actionlint crashed on this file: %v", r), Line: 1, Column: 1, Kind: "internal"})
		}
	}()
	errs = append(errs, wf.Diagnostics...)
	rules := []actionlint.Rule{
		actionlint.NewRuleMatrix(),
		actionlint.NewRuleCredentials(),
		actionlint.NewRuleShellName(),
		actionlint.NewRuleRunnerLabel(),
		actionlint.NewRuleEvents(),
		actionlint.NewRuleJobNeeds(),
		actionlint.NewRuleAction(proj.actions),
		actionlint.NewRuleEnvVar(),
		actionlint.NewRuleID(),
		actionlint.NewRuleGlob(),
		actionlint.NewRulePermissions(),
		actionlint.NewRuleWorkflowCall(wf.Abs, proj.workflows),
		actionlint.NewRuleExpression(proj.actions, proj.workflows),
		actionlint.NewRuleDeprecatedCommands(),
		actionlint.NewRuleIfCond(),
	}
	v := actionlint.NewVisitor()
	for _, r := range rules {
		if proj.cfg != nil {
			r.SetConfig(proj.cfg)
		}
		v.AddPass(r)
	}
	if err := v.Visit(wf.AST); err != nil {
		return append(errs, &actionlint.Error{Message: err.Error(), Line: 1, Column: 1, Kind: "internal"})
	}
	for _, r := range rules {
		errs = append(errs, r.Errs()...)
	}
	return errs
}

// project is actionlint's view of one repository: where local actions and
// reusable workflows resolve, and its optional actionlint.yaml.
type project struct {
	root      *inputfile.Root // nil when the directory cannot be a boundary
	actions   *actionlint.LocalActionsCache
	workflows *actionlint.LocalReusableWorkflowCache
	cfg       *actionlint.Config
	cfgErr    *report.InputError // an actionlint.yaml outside the boundary
}

// blind is a project that reads nothing from disk.
var blind = &project{
	actions:   actionlint.NewLocalActionsCache(nil, nil),
	workflows: actionlint.NewLocalReusableWorkflowCache(nil, "", nil),
}

type projects struct {
	mu       sync.Mutex
	byRoot   map[string]*project
	reported map[string]bool // input errors already reported, by file and message
	checked  sync.Map        // root and file -> *report.InputError (nil: fine), see checkOnce
}

func newProjects() *projects {
	return &projects{byRoot: map[string]*project{}, reported: map[string]bool{}}
}

// checkOnce is checkFile, once per file for the run: many workflows call
// the same reusable workflow or use the same local action.
func (ps *projects) checkOnce(root *inputfile.Root, file string) *report.InputError {
	key := root.Dir() + "\x00" + file
	if ie, ok := ps.checked.Load(key); ok {
		return ie.(*report.InputError)
	}
	ie := checkFile(root, file)
	ps.checked.Store(key, ie)
	return ie
}

// at returns the project of a workflow: the directory above .github.
func (ps *projects) at(wf *workspace.Workflow) *project {
	root := filepath.Dir(filepath.Dir(filepath.Dir(wf.Abs)))
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if p, ok := ps.byRoot[root]; ok {
		return p
	}
	p := newProject(root)
	ps.byRoot[root] = p
	return p
}

// newProject opens actionlint's project at root, unless its actionlint
// configuration fails the repository boundary: then local actions and
// reusable workflows are not read either.
func newProject(dir string) *project {
	p := &project{}
	root, err := inputfile.NewRoot(dir)
	if err != nil {
		p.cfgErr = &report.InputError{File: dir, Message: err.Error()}
		return p
	}
	p.root = root
	for _, name := range []string{"actionlint.yaml", "actionlint.yml"} {
		if ie := checkFile(root, filepath.Join(dir, ".github", name)); ie != nil {
			p.cfgErr = ie
			p.actions, p.workflows = blind.actions, blind.workflows
			return p
		}
	}
	proj, err := actionlint.NewProject(dir)
	if err != nil {
		proj = nil
	}
	p.actions = actionlint.NewLocalActionsCache(proj, nil)
	p.workflows = actionlint.NewLocalReusableWorkflowCache(proj, dir, nil)
	if proj != nil {
		p.cfg = proj.Config()
	}
	return p
}

// unsafeFiles checks what actionlint would read on its own for wf (its
// configuration, the local actions and reusable workflows wf names)
// against the repository boundary and the YAML alias bound: actionlint
// reads them with os.ReadFile, so a committed symlink to /dev/zero, a
// FIFO or a file outside the repository must be caught before it does.
// unsafe is true when any file fails; fresh holds the problems not
// returned for an earlier workflow.
func (ps *projects) unsafeFiles(p *project, wf *workspace.Workflow) (fresh []report.InputError, unsafe bool) {
	var bad []report.InputError
	if p.cfgErr != nil {
		bad = append(bad, *p.cfgErr)
	}
	if p.root != nil && p.cfgErr == nil {
		for _, f := range localFiles(p.root.Dir(), wf) {
			if ie := ps.checkOnce(p.root, f); ie != nil {
				bad = append(bad, *ie)
			}
		}
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, e := range bad {
		if k := e.File + "\x00" + e.Message; !ps.reported[k] {
			ps.reported[k] = true
			fresh = append(fresh, e)
		}
	}
	return fresh, len(bad) > 0
}

// localFiles lists the files actionlint may read for wf: action.yaml and
// action.yml of each local action a step uses, and each local reusable
// workflow a job calls.
func localFiles(root string, wf *workspace.Workflow) []string {
	var out []string
	local := func(s *actionlint.String) (string, bool) {
		if s == nil || !strings.HasPrefix(s.Value, "./") || actionlint.ContainsExpression(s.Value) {
			return "", false
		}
		return filepath.Join(root, filepath.FromSlash(s.Value)), true
	}
	for _, job := range wf.AST.Jobs {
		if job == nil {
			continue
		}
		if job.WorkflowCall != nil {
			if f, ok := local(job.WorkflowCall.Uses); ok {
				out = append(out, f)
			}
		}
		for _, st := range job.Steps {
			if st == nil {
				continue
			}
			if a, ok := st.Exec.(*actionlint.ExecAction); ok {
				if dir, ok := local(a.Uses); ok {
					out = append(out, filepath.Join(dir, "action.yaml"), filepath.Join(dir, "action.yml"))
				}
			}
		}
	}
	return out
}

// absent: the file does not exist, or a component of its path is a file
// (`uses: ./.github/workflows/x.yml` on a step makes actionlint look for
// x.yml/action.yml). Rule local-uses reports the uses: itself.
func absent(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// checkFile returns an input error when file exists but is not a regular
// file inside root of bounded size with bounded YAML aliases.
func checkFile(root *inputfile.Root, file string) *report.InputError {
	if _, err := os.Lstat(file); absent(err) {
		return nil // absent: actionlint finds nothing to read either
	}
	src, err := root.ReadFile(file, 0)
	var ie *inputfile.Error
	switch {
	case absent(err):
		return nil // a dangling symlink: unreadable for actionlint too
	case errors.As(err, &ie):
		return &report.InputError{File: file, Message: "not read: " + ie.Message()}
	case err != nil:
		return &report.InputError{File: file, Message: "not read: " + err.Error()}
	}
	if err := yamlguard.Check(src); err != nil {
		e := &report.InputError{File: file, Message: err.Error()}
		var ge *yamlguard.Error
		if errors.As(err, &ge) {
			e.Line, e.Column = ge.Line, ge.Column
		}
		return e
	}
	return nil
}
