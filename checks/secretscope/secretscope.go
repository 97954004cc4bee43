// Package secretscope checks where scoped registry secrets are referenced.
//
// A registry token split by scope (a write token for pushing, a delete
// token for clean-up) only limits damage if each workflow sees only its own
// token. The configuration declares each secret's scopes, the workflows
// (or jobs) allowed to reference it and those required to; a family prefix
// declares that no other name under it may exist. The rules:
//
//   - secret-scope: a declared secret referenced where it is not allowed;
//   - secret-required: a required workflow or job that no longer references
//     its secret, so an absence check cannot pass because a file was renamed;
//   - secret-variant: a secrets., vars. or env name inside a family that is
//     not a declared secret, such as a legacy unsuffixed token;
//   - secret-bulk: `secrets: inherit`, toJSON(secrets) or secrets[expr],
//     which hand every secret, scoped ones included, to code that should
//     not have them.
//
// A reference is a real expression (`${{ secrets.NAME }}`,
// `secrets['NAME']`, or an if: condition); text in comments and
// descriptions is not evaluated by the runner and is ignored.
package secretscope

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/walk"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// Check reports the four token-scope rules.
var Check = lint.Check{
	Name:     "secretscope",
	Rules:    []rule.Rule{ScopeRule, RequiredRule, VariantRule, BulkRule},
	Workflow: checkWorkflow,
	Run:      run,
}

// requiredKey holds, per run, what secret-required needs of each
// workflow (see consumer): the workflows themselves are gone by Run.
type requiredKey struct{}

type consumers struct {
	mu   sync.Mutex
	list []consumer
}

// consumer is one workflow that a required entry of the configuration
// names, and whether it still references the secret.
type consumer struct {
	secret, req int    // indexes into Config.Secrets and that secret's Required
	path, name  string // the workflow as displayed and as the configuration names it
	uses        bool
	span        workspace.Span // the first matching job's id, else the file's first token
}

func configured(cfg *config.Config) bool { return len(cfg.Secrets) > 0 || len(cfg.Families) > 0 }

func checkWorkflow(p *lint.Pass, wf *workspace.Workflow) {
	if !configured(p.Config) {
		return
	}
	values := walk.Strings(wf.AST)
	refs := contextRefs(wf, values)
	checkScope(p, wf, refs)
	checkBulk(p, wf, refs)
	checkVariants(p, wf, refs, envKeys(values))
	summarizeRequired(p, wf, refs)
}

// summarizeRequired keeps, for each required entry that names this
// workflow, whether it still references its secret.
func summarizeRequired(p *lint.Pass, wf *workspace.Workflow, refs []ref) {
	var found []consumer
	for i, s := range p.Config.Secrets {
		for j, req := range s.Required {
			if !req.MatchesWorkflow(wf.Name) {
				continue
			}
			c := consumer{secret: i, req: j, path: wf.Path, name: wf.Name,
				uses: uses(refs, s.Name, req, wf.Name), span: wf.TokenSpan(workspace.Pos{Line: 1, Col: 1})}
			if job := firstJob(wf, req.Job); job != nil {
				c.span = whole(wf.File, job.ID)
			}
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return
	}
	all := p.Shared(requiredKey{}, func() any { return &consumers{} }).(*consumers)
	all.mu.Lock()
	all.list = append(all.list, found...)
	all.mu.Unlock()
}

func run(p *lint.Pass) {
	if !configured(p.Config) {
		return
	}
	for _, a := range p.Workspace.Actions {
		checkActionVariants(p, a)
	}
	if !p.Workspace.Partial {
		checkRequired(p, p.Shared(requiredKey{}, func() any { return &consumers{} }).(*consumers).list)
	}
}

// checkActionVariants applies secret-variant to action metadata: env keys
// of composite steps and names read in any expression of the file.
func checkActionVariants(p *lint.Pass, a *workspace.Action) {
	for _, step := range a.Steps {
		for _, kv := range step.Env {
			if kv.Key != nil {
				reportVariant(p, a.File, "env key "+kv.Key.Value, kv.Key.Value, func() (workspace.Span, lint.Remedy) {
					return whole(a.File, kv.Key), lint.WithoutFix(envRename)
				})
			}
		}
	}
	for _, s := range a.Strings() {
		for _, sp := range expr.Spans(s.Value) {
			if !mentionsContext(sp.Src) {
				continue
			}
			e := sp.Expr()
			for _, r := range expr.Refs(e.Node) {
				if r.Name == "" || (r.Context != "secrets" && r.Context != "vars" && r.Context != "env") {
					continue
				}
				reportVariant(p, a.File, r.Context+"."+strings.ToUpper(r.Name), r.Name, func() (workspace.Span, lint.Remedy) {
					return refSpan(a.File, s, e.Src, e.Offset(nil)+3, e.Offset(r.Token)),
						lint.WithoutFix("an action's metadata is no place for a secret: pass the declared secret in as an input")
				})
			}
		}
	}
}

// checkScope reports declared secrets referenced outside their allow list.
func checkScope(p *lint.Pass, wf *workspace.Workflow, refs []ref) {
	for _, r := range refs {
		if r.Context != "secrets" || r.Name == "" {
			continue
		}
		s, ok := declared(p.Config, r.Name)
		if !ok || allowed(s, wf.Name, r.Job) {
			continue
		}
		p.Reportf(ScopeRule.ID, wf.File, r.Span(), "secret %s is referenced in %s, which its allowed list (%s) does not cover",
			s.Name, where(wf.Name, r.Job), scopeList(s.Allowed))
	}
}

// checkBulk reports expressions that expose every secret at once where
// some scoped secret is not allowed.
func checkBulk(p *lint.Pass, wf *workspace.Workflow, refs []ref) {
	for _, r := range refs {
		if r.Context != "secrets" || (!r.Dynamic && !r.Whole) {
			continue
		}
		what := "toJSON(secrets) exposes every secret"
		if r.Dynamic {
			what = "secrets[...] with a computed name can read any secret"
		} else if !strings.Contains(strings.ToLower(wf.Line(r.Span().Start.Line)), "tojson") {
			what = "the whole secrets context is passed on"
		}
		reportBulk(p, wf, r.Job, r.Span(), what)
	}
	for _, id := range sortedJobs(wf) {
		job := wf.AST.Jobs[id]
		if job.WorkflowCall != nil && job.WorkflowCall.InheritSecrets {
			reportBulk(p, wf, job.ID.Value, whole(wf.File, job.WorkflowCall.Uses),
				"secrets: inherit hands every secret to "+job.WorkflowCall.Uses.Value)
		}
	}
}

func reportBulk(p *lint.Pass, wf *workspace.Workflow, job string, span workspace.Span, what string) {
	var leaked []string
	for _, s := range p.Config.Secrets {
		if !allowed(s, wf.Name, job) {
			leaked = append(leaked, s.Name)
		}
	}
	if len(leaked) == 0 {
		return
	}
	p.Reportf(BulkRule.ID, wf.File, span, "%s, including %s, which %s not allowed in %s; pass only the secrets this job needs",
		what, strings.Join(leaked, ", "), isAre(len(leaked)), where(wf.Name, job))
}

// checkVariants reports names inside a family that are not declared.
func checkVariants(p *lint.Pass, wf *workspace.Workflow, refs []ref, keys []*actionlint.String) {
	for _, r := range refs {
		if r.Name == "" || (r.Context != "secrets" && r.Context != "vars" && r.Context != "env") {
			continue
		}
		reportVariant(p, wf.File, r.Context+"."+strings.ToUpper(r.Name), r.Name, func() (workspace.Span, lint.Remedy) {
			return r.Span(), variantFix(p, wf, r)
		})
	}
	for _, key := range keys {
		reportVariant(p, wf.File, "env key "+key.Value, key.Value, func() (workspace.Span, lint.Remedy) {
			return whole(wf.File, key), lint.WithoutFix(envRename)
		})
	}
}

// reportVariant reports name (shown as what) when it is in a family but
// not declared; locate gives the finding's span and fix, worked out only
// then.
func reportVariant(p *lint.Pass, f *workspace.File, what, name string, locate func() (workspace.Span, lint.Remedy)) {
	fam, ok := p.Config.FamilyOf(name)
	if !ok {
		return
	}
	if _, isDeclared := declared(p.Config, name); isDeclared {
		return
	}
	span, fix := locate()
	members := familyMembers(p.Config, fam)
	if len(members) == 0 {
		p.Report(lint.Diagnostic{
			Rule: VariantRule.ID, Path: f.Path, Span: span,
			Message: fmt.Sprintf("%s is in the %s family, which declares no secret; declare it under secrets: or remove it",
				what, fam.Prefix),
			Remedy: lint.WithoutFix("the family declares no secret to rename it to"),
		})
		return
	}
	p.Report(lint.Diagnostic{
		Rule: VariantRule.ID, Path: f.Path, Span: span,
		Message: fmt.Sprintf("%s is in the %s family but is not a declared secret (declared: %s); use one of those names",
			what, fam.Prefix, strings.Join(members, ", ")),
		Remedy: fix,
	})
}

// checkRequired reports required consumers that no longer reference
// their secret, including required workflows that no longer exist.
func checkRequired(p *lint.Pass, found []consumer) {
	for i, s := range p.Config.Secrets {
		for j, req := range s.Required {
			checkOneRequired(p, s, req, slices.DeleteFunc(slices.Clone(found), func(c consumer) bool { return c.secret != i || c.req != j }))
		}
	}
}

func checkOneRequired(p *lint.Pass, s config.Secret, req config.Scope, found []consumer) {
	for _, c := range found {
		if c.uses {
			continue
		}
		consumer := c.name
		if req.Job != "" {
			consumer = where(c.name, req.Job)
		}
		// The reference went away anywhere in the file, not on the
		// reported line.
		p.Report(lint.Diagnostic{
			Rule: RequiredRule.ID, Path: c.path, Span: c.span,
			Message: fmt.Sprintf("%s is required to reference secret %s (%s) but no longer does",
				consumer, s.Name, configPos(p, req.Pos)),
			DependsOn: []string{c.path},
		})
	}
	if len(found) == 0 {
		at := workspace.Pos{Line: req.Pos.Line, Col: req.Pos.Col}
		p.Report(lint.Diagnostic{
			Rule: RequiredRule.ID, Path: p.Workspace.Display(p.Config.Path), Span: workspace.Span{Start: at},
			Message:   fmt.Sprintf("secret %s is required in workflow %q, but no such workflow exists (renamed or removed?)", s.Name, req.Workflow),
			DependsOn: []string{p.Workspace.Display(filepath.Join(p.Workspace.RepoRoot, ".github", "workflows")) + "/"},
		})
	}
}

// configPos renders a position in the configuration file the way findings
// show paths.
func configPos(p *lint.Pass, pos config.Pos) string {
	return fmt.Sprintf("%s:%d:%d", p.Workspace.Display(p.Config.Path), pos.Line, pos.Col)
}

func uses(refs []ref, secret string, req config.Scope, wfName string) bool {
	for _, r := range refs {
		if r.Context == "secrets" && strings.EqualFold(r.Name, secret) && (req.Job == "" || req.Matches(wfName, r.Job)) {
			return true
		}
	}
	return false
}
