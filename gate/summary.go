package gate

// A probe's result per registry, and its broken tags (package
// probereport): what the writers print, the JSON lists and the metrics
// export.

import (
	"cmp"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/gate/probereport"
	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/rule"
)

// summarize builds the summary of a probe (of shard) from the facts, the
// violations and the requests sent.
func (r *runner) summarize(shard Shard, f *Facts, vs []policies.Violation, decision string) *probereport.Summary {
	s := &probereport.Summary{Shard: shard.String(), Registries: []probereport.Registry{}, Broken: []probereport.BrokenTag{},
		Requests: requestsByAnswer(r.client.Answers()), Decided: decision != Error}
	rows := map[string]*probereport.Registry{}
	row := func(reg string) *probereport.Registry {
		if rows[reg] == nil {
			rows[reg] = &probereport.Registry{Registry: reg}
		}
		return rows[reg]
	}
	for _, c := range f.Catalogs {
		r := row(c.Registry)
		r.Catalog, r.CatalogAccessible = true, c.Accessible
		r.Repositories += len(c.Repositories)
		r.Tags += c.Tags
		r.Objects += c.Objects
	}
	explicitRepos := map[string]bool{}
	for _, img := range f.Images {
		if img.Listed {
			continue // counted with its catalog
		}
		if ref, err := name.ParseReference(img.Version.Ref, name.WeakValidation); err == nil {
			r := row(ref.Context().RegistryStr())
			if !explicitRepos[ref.Context().Name()] {
				explicitRepos[ref.Context().Name()] = true
				r.Repositories++
			}
			r.Tags++
			r.Objects += len(img.Integrity)
		}
	}
	broken := brokenRules(vs, r.opts.FailOn)
	for _, img := range f.Images {
		rules := broken[img.Version.Ref]
		ref, err := name.ParseReference(img.Version.Ref, name.WeakValidation)
		if len(rules) == 0 || err != nil {
			continue
		}
		b := probereport.BrokenTag{Registry: ref.Context().RegistryStr(), Repository: ref.Context().RepositoryStr(),
			Tag: ref.Identifier(), Ref: img.Version.Ref, Rules: rules}
		s.Broken = append(s.Broken, b)
		row(b.Registry).BrokenTags++
	}
	for _, v := range vs {
		if v.Rule == gaterule.Unverifiable {
			if reg := registryOf(v.Target); reg != "" {
				row(reg).Unverifiable++
			}
		}
	}
	for _, r := range rows {
		s.Registries = append(s.Registries, *r)
	}
	slices.SortFunc(s.Registries, func(a, b probereport.Registry) int { return cmp.Compare(a.Registry, b.Registry) })
	slices.SortFunc(s.Broken, func(a, b probereport.BrokenTag) int { return cmp.Compare(a.Ref, b.Ref) })
	return s
}

// requestsByAnswer lists request counts sorted by method and code.
func requestsByAnswer(answers map[registry.Answer]int) []probereport.Requests {
	out := make([]probereport.Requests, 0, len(answers))
	for a, n := range answers {
		out = append(out, probereport.Requests{Method: a.Method, Code: a.Code, Count: n})
	}
	slices.SortFunc(out, func(a, b probereport.Requests) int {
		return cmp.Or(cmp.Compare(a.Method, b.Method), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// brokenRules maps each target to the rules that make it broken.
func brokenRules(vs []policies.Violation, failOn rule.Severity) map[string][]string {
	out := map[string][]string{}
	for _, v := range vs {
		if v.Rule == gaterule.Unverifiable || v.Severity.Rank() < failOn.Rank() || slices.Contains(out[v.Target], v.Rule) {
			continue
		}
		out[v.Target] = append(out[v.Target], v.Rule)
	}
	return out
}

// registryOf is the registry a violation target names: a registry itself
// (no slash), or a reference or repository (ParseReference takes both).
func registryOf(target string) string {
	if !strings.Contains(target, "/") {
		if reg, err := name.NewRegistry(target, name.WeakValidation); err == nil {
			return reg.RegistryStr()
		}
		return ""
	}
	if ref, err := name.ParseReference(target, name.WeakValidation); err == nil {
		return ref.Context().RegistryStr()
	}
	return ""
}
