// Package actionlintrules reports actionlint's own findings under the rule
// id "actionlint", with actionlint's kind in the message.
//
// It reuses the workflow syntax trees that the workspace already parsed and
// runs actionlint's rule set over them, so a workflow is parsed once for
// actionlint and releasegate's own rules together.
package actionlintrules

import (
	"fmt"
	"path/filepath"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
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
var Check = lint.Check{Name: "actionlint", Rules: []rule.Rule{Rule}, Workflow: lintOne}

type projectsKey struct{}

func lintOne(p *lint.Pass, wf *workspace.Workflow) {
	projects := p.Shared(projectsKey{}, func() any { return newProjects() }).(*projects)
	for _, e := range lintWorkflow(wf, projects.at(wf)) {
		// actionlint names where a problem starts; the span is the token
		// there (a whole ${{ }} expression, a key, a value).
		p.ReportSpan(Rule.ID, wf.File, wf.TokenSpan(workspace.Pos{Line: e.Line, Col: e.Column}), "%s [%s]", e.Message, e.Kind)
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
	actions   *actionlint.LocalActionsCache
	workflows *actionlint.LocalReusableWorkflowCache
	cfg       *actionlint.Config
}

type projects struct {
	mu     sync.Mutex
	byRoot map[string]*project
}

func newProjects() *projects { return &projects{byRoot: map[string]*project{}} }

// at returns the project of a workflow: the directory above .github.
func (ps *projects) at(wf *workspace.Workflow) *project {
	root := filepath.Dir(filepath.Dir(filepath.Dir(wf.Abs)))
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if p, ok := ps.byRoot[root]; ok {
		return p
	}
	p := &project{}
	proj, err := actionlint.NewProject(root)
	if err != nil {
		proj = nil
	}
	p.actions = actionlint.NewLocalActionsCache(proj, nil)
	p.workflows = actionlint.NewLocalReusableWorkflowCache(proj, root, nil)
	if proj != nil {
		p.cfg = proj.Config()
	}
	ps.byRoot[root] = p
	return p
}
