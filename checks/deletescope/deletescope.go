// Package deletescope reports registry DELETE requests made with the wrong
// token.
//
// Registries that scope tokens refuse a delete made with a read/write
// token, and they do so at the worst time: halfway through a manual
// recovery of a half-published release. The rule parses shell with a real
// parser (mvdan.cc/sh) in workflow run: steps, composite action steps and
// shell-like Markdown fences (sh, bash, shell, console or no language),
// finds commands that delete remotely (curl -X DELETE, gh api -X DELETE,
// crane delete, regctl tag/manifest delete, skopeo delete, oras manifest
// delete, httpie DELETE, wget --method=DELETE) and traces the credential
// they use back to its secret through shell variables, command
// substitutions (a login call that was given the secret returns the token
// that authorises the delete), env: mappings and ${{ }} expressions.
//
// A delete to a host of a configured family, or one whose credential is a
// family token, must use a secret declared with the delete scope and must
// not use one declared without it. Findings in Markdown are reported on
// the command's own line inside the block, at any nesting.
package deletescope

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"
	"mvdan.cc/sh/v3/syntax"

	"github.com/releasegate/releasegate/checks/internal/runscript"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// Check reports delete-scope.
var Check = lint.Check{Name: "deletescope", Rules: []rule.Rule{Rule}, Workflow: checkWorkflow, Run: run}

func configured(cfg *config.Config) bool { return len(cfg.Families) > 0 || anyDeleteScoped(cfg) }

// run checks what needs the whole workspace: composite actions (whose
// credentials come from the workflows that call them) and Markdown.
func run(p *lint.Pass) {
	if !configured(p.Config) {
		return
	}
	callers := sharedCallers(p).byDir
	for _, a := range p.Workspace.Actions {
		checkAction(p, a, callers)
	}
	for _, md := range p.Workspace.Markdown {
		checkMarkdown(p, md)
	}
}

func anyDeleteScoped(cfg *config.Config) bool {
	for _, s := range cfg.Secrets {
		if s.HasScope("delete") {
			return true
		}
	}
	return false
}

func checkWorkflow(p *lint.Pass, wf *workspace.Workflow) {
	if !configured(p.Config) {
		return
	}
	addCallers(p, wf)
	for _, job := range wf.AST.Jobs {
		for _, step := range job.Steps {
			run, ok := step.Exec.(*actionlint.ExecRun)
			if !ok || run.Run == nil || !runscript.IsShell(run.Shell, job, wf.AST) {
				continue
			}
			env := envChain(step.Env, job.Env, wf.AST.Env)
			checkScript(p, run.Run.Value, env, nil, func(d deleteCall, msg string) {
				p.Reportf(Rule.ID, wf.File, wf.LocateSpan(run.Run, int(d.start.Offset()), int(d.end.Offset())), "%s", msg)
			})
		}
	}
}

func checkAction(p *lint.Pass, a *workspace.Action, callers map[string][]callerInput) {
	if !a.Composite() {
		return
	}
	for _, step := range a.Steps {
		if step.Run == nil || (step.Shell != nil && !runscript.ShellName(step.Shell.Value)) {
			continue
		}
		env := func(name string) (string, bool) {
			for _, kv := range step.Env {
				if kv.Key != nil && kv.Key.Value == name {
					return kv.Value.Value, true
				}
			}
			return "", false
		}
		inputs := callers[filepath.Dir(a.Abs)]
		checkScript(p, step.Run.Value, env, inputs, func(d deleteCall, msg string) {
			p.Reportf(Rule.ID, a.File, a.LocateSpan(step.Run, int(d.start.Offset()), int(d.end.Offset())), "%s", msg)
		})
	}
}

func checkMarkdown(p *lint.Pass, md *workspace.Markdown) {
	for _, f := range md.Fences {
		if !f.Shell() {
			continue
		}
		body := f.Body
		if f.Lang == "console" || f.Lang == "shell-session" || f.Lang == "shellsession" {
			body = consoleCommands(body)
		}
		checkScript(p, body, nil, nil, func(d deleteCall, msg string) {
			from := f.Offset(int(d.start.Line()), int(d.start.Col()))
			to := f.Offset(int(d.end.Line()), int(d.end.Col()))
			p.Reportf(Rule.ID, md.File, md.OffsetSpan(from, to), "%s", msg)
		})
	}
}

type parserPoolKey struct{}

// checkScript finds the deletes of one script and judges each credential.
func checkScript(p *lint.Pass, src string, env func(string) (string, bool), inputs []callerInput, report func(deleteCall, string)) {
	if !mayDelete(src) {
		return // fast path: most scripts never delete anything
	}
	// Shell parsers are large; reuse them across the scripts of a run.
	pool := p.Shared(parserPoolKey{}, func() any {
		return &sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}
	}).(*sync.Pool)
	parser := pool.Get().(*syntax.Parser)
	s := parseScript(parser, src)
	pool.Put(parser)
	if s == nil {
		return
	}
	for _, d := range s.deletes {
		origins := newResolver(p.Config, s, env).credentials(d)
		origins = expandInputs(p.Config, origins, inputs)
		if msg, bad := judge(p.Config, d, origins); bad {
			report(d, msg)
		}
	}
}

// mayDelete is a cheap pre-filter before parsing a script. " rm " alone
// is only regctl's (`regctl tag rm`): scripts remove local files all the
// time, and parsing each of them for nothing cost a fifth of the rule.
func mayDelete(src string) bool {
	for _, w := range []string{"DELETE", "delete", "Delete"} {
		if strings.Contains(src, w) {
			return true
		}
	}
	return strings.Contains(src, " rm ") && strings.Contains(src, "regctl")
}

// judge applies the rule to one delete and the origins of its credential.
func judge(cfg *config.Config, d deleteCall, origins []origin) (string, bool) {
	fam, ok := applicableFamily(cfg, d, origins)
	if !ok {
		return "", false
	}
	var lacking, scoped, untraced []string
	for _, o := range origins {
		switch {
		case o.input != "":
			untraced = append(untraced, "input "+o.input)
		case o.declared && o.scopes != nil && !hasScope(o.scopes, "delete"):
			lacking = append(lacking, fmt.Sprintf("%s (scopes: %s)", o.secret, strings.Join(o.scopes, ", ")))
		case o.declared && hasScope(o.scopes, "delete"):
			scoped = append(scoped, o.secret)
		case !o.declared && fam.Contains(o.secret):
			untraced = append(untraced, o.secret+" (not a declared secret)")
		}
	}
	target := d.tool
	if len(d.hosts) > 0 {
		target += " to " + strings.Join(d.hosts, ", ")
	}
	use := deleteSecrets(cfg, fam)
	switch {
	case len(lacking) > 0:
		return fmt.Sprintf("%s uses %s, which lacks the delete scope: the registry answers 401 and the recovery stops halfway; use %s",
			target, strings.Join(lacking, ", "), use), true
	case len(scoped) == 0 && len(untraced) == 1 && strings.HasPrefix(untraced[0], "input "):
		return "", false // a composite input with no caller in sight: nothing to judge
	case len(scoped) == 0:
		from := "no credential releasegate can trace"
		if len(untraced) > 0 {
			from = strings.Join(untraced, ", ")
		}
		return fmt.Sprintf("%s does not use a delete-scoped secret (its credential comes from %s); use %s", target, from, use), true
	}
	return "", false
}

// applicableFamily decides whether the rule applies: the request goes to a
// family host, or its credential is a family name.
func applicableFamily(cfg *config.Config, d deleteCall, origins []origin) (config.Family, bool) {
	for _, f := range cfg.Families {
		for _, h := range d.hosts {
			if hostMatches(f.Hosts, h) {
				return f, true
			}
		}
	}
	for _, o := range origins {
		if f, ok := cfg.FamilyOf(o.secret); ok && o.secret != "" {
			return f, true
		}
	}
	return config.Family{}, false
}

// dockerHub groups the names of Docker Hub's API and registry endpoints:
// a family that lists one of them means all of them.
var dockerHub = []string{"hub.docker.com", "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}

func hostMatches(hosts []string, h string) bool {
	for _, want := range hosts {
		want = strings.ToLower(want)
		if h == want || strings.HasSuffix(h, "."+want) || (contains(dockerHub, want) && contains(dockerHub, h)) {
			return true
		}
	}
	return false
}

func deleteSecrets(cfg *config.Config, fam config.Family) string {
	var names []string
	for _, s := range cfg.Secrets {
		if s.HasScope("delete") && (fam.Prefix == "" || fam.Contains(s.Name)) {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return "a secret declared with the delete scope"
	}
	sort.Strings(names)
	return strings.Join(names, " or ")
}

func hasScope(scopes []string, s string) bool { return contains(scopes, s) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
