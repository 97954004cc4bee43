package secretscope

import (
	"path"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/walk"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// declared looks a secret up case-insensitively, as the runner does.
func declared(c *config.Config, name string) (config.Secret, bool) {
	for _, s := range c.Secrets {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return config.Secret{}, false
}

// allowed reports whether the secret may be referenced in job of workflow
// wf. A secret without an allow list may be used anywhere.
func allowed(s config.Secret, wf, job string) bool {
	if len(s.Allowed) == 0 {
		return true
	}
	for _, a := range s.Allowed {
		if a.Matches(wf, job) {
			return true
		}
	}
	return false
}

func where(wf, job string) string {
	if job == "" {
		return wf + " (workflow level)"
	}
	return wf + " job " + job
}

func scopeList(scopes []config.Scope) string {
	raw := make([]string, len(scopes))
	for i, s := range scopes {
		raw[i] = s.Raw
	}
	return strings.Join(raw, ", ")
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// familyMembers lists the declared secrets inside a family.
func familyMembers(c *config.Config, f config.Family) []string {
	var out []string
	for _, s := range c.Secrets {
		if f.Contains(s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}

func sortedJobs(wf *workspace.Workflow) []string {
	ids := make([]string, 0, len(wf.AST.Jobs))
	for id := range wf.AST.Jobs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// firstJob returns the first job (in source order) matching a job glob,
// or nil for an empty glob or no match.
func firstJob(wf *workspace.Workflow, glob string) *actionlint.Job {
	if glob == "" {
		return nil
	}
	var best *actionlint.Job
	for id, j := range wf.AST.Jobs {
		if ok, _ := path.Match(glob, id); ok && (best == nil || j.Pos.IsBefore(best.Pos)) {
			best = j
		}
	}
	return best
}

// envKeys returns the names defined in every env: mapping of a workflow.
func envKeys(values []walk.Value) []*actionlint.String {
	var out []*actionlint.String
	for _, v := range values {
		if v.EnvName {
			out = append(out, v.Str)
		}
	}
	return out
}

// whole is the span of a whole string value, such as an env key.
func whole(f *workspace.File, s *actionlint.String) workspace.Span {
	if s == nil {
		return f.TokenSpan(workspace.Pos{Line: 1, Col: 1})
	}
	return f.LocateSpan(s, 0, len(s.Value))
}

// envRename is why a variant in an env name or env./vars. read gets no
// fix: it is not a secret reference, and other code reads it by name.
const envRename = "scripts and expressions read an env or vars name by that name; rename it with every reader by hand"

// variantFix renames a secret reference to the one declared variant of
// its family that is allowed where the reference stands. With none, or
// several (which scope the job needs is a choice), there is no fix; nor
// for env. and vars. reads.
func variantFix(p *lint.Pass, wf *workspace.Workflow, r ref) lint.Remedy {
	if r.Context != "secrets" {
		return lint.WithoutFix(envRename)
	}
	fam, _ := p.Config.FamilyOf(r.Name)
	var fits []string
	for _, s := range p.Config.Secrets {
		if fam.Contains(s.Name) && allowed(s, wf.Name, r.Job) {
			fits = append(fits, s.Name)
		}
	}
	switch len(fits) {
	case 0:
		return lint.WithoutFix("no declared variant of " + fam.Prefix + " is allowed in " + where(wf.Name, r.Job))
	case 1:
	default:
		return lint.WithoutFix(strings.Join(fits, " and ") + " are all allowed in " + where(wf.Name, r.Job) + ": which scope it needs is a choice")
	}
	text := r.Str.Value[r.From:r.To]
	i := strings.LastIndex(strings.ToUpper(text), strings.ToUpper(r.Name))
	if i < 0 {
		return lint.WithoutFix("the secret's name could not be found in the reference")
	}
	e, err := wf.ValueEdit(r.Str, r.From+i, r.From+i+len(r.Name), fits[0])
	if err != nil {
		return lint.WithoutFix("the reference cannot be edited in place: " + err.Error())
	}
	return lint.WithFix("rename the secret to "+fits[0], e)
}
