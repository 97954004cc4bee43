package secretscope

import (
	"path"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/walk"
	"github.com/releasegate/releasegate/config"
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
