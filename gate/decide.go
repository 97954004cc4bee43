package gate

// From violations to a decision: rule settings, the fail-closed backstop,
// and the decision itself.

import (
	"strings"

	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/rule"
)

// applyRuleSettings applies `rules:` from the config file. tag-exists is
// governed by on-existing and unverifiable cannot be turned off.
func (r *runner) applyRuleSettings(vs []policies.Violation) []policies.Violation {
	out := vs[:0]
	for _, v := range vs {
		if v.Rule != gaterule.Unverifiable && v.Rule != gaterule.TagExists {
			sev, on := r.opts.Rules[v.Rule].Apply(v.Severity)
			if !on {
				continue
			}
			v.Severity = sev
		}
		out = append(out, v)
	}
	return out
}

// failClosed guarantees an unverifiable violation for every fact that
// could not be established, even if a policy forgot one, or the policies
// could not be evaluated at all (then the report still says, per target,
// what was not known, beside why nothing was judged). A target the
// policies already called unverifiable is not named twice.
func failClosed(vs []policies.Violation, f *Facts) []policies.Violation {
	named := map[string]bool{}
	for _, v := range vs {
		if v.Rule == gaterule.Unverifiable {
			named[v.Target] = true
		}
	}
	added := false
	for _, s := range f.unknowns() {
		target, msg, _ := strings.Cut(s, ": ")
		if named[target] {
			continue
		}
		named[target] = true
		vs = append(vs, policies.Violation{Rule: gaterule.Unverifiable, Severity: rule.Error, Target: target, Message: msg})
		added = true
	}
	if added {
		policies.SortViolations(vs)
	}
	return vs
}

func (r *runner) decide(vs []policies.Violation, f *Facts) string {
	skipMode := skipsExisting(&r.opts)
	failed := false
	for _, v := range vs {
		if v.Rule == gaterule.Unverifiable {
			return Error
		}
		if skipMode && v.Rule == gaterule.TagExists {
			continue
		}
		if v.Severity.Rank() >= r.opts.FailOn.Rank() {
			failed = true
		}
	}
	if failed {
		return Fail
	}
	if skipMode && len(f.Images) > 0 {
		all := true
		for _, img := range f.Images {
			all = all && img.Version.State == registry.Present
		}
		if all {
			return Skip
		}
	}
	return Pass
}
