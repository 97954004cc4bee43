package gate

// A probe's result per registry, and its broken tags: what the writers
// print, the JSON lists and the metrics export.

import (
	"cmp"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/rule"
)

// ProbeSummary sums up a probe.
type ProbeSummary struct {
	Shard      string            `json:"shard,omitempty"` // "I/N" when sharded
	Registries []RegistrySummary `json:"registries"`
	// Broken lists every tag with a violation at or above --fail-on
	// other than unverifiable: a pull of it fails, or it is not what it
	// should be.
	Broken []BrokenTag `json:"broken"`
}

// RegistrySummary is what a probe found in one registry.
type RegistrySummary struct {
	Registry string `json:"registry"`
	// Catalog is true when the registry was walked through its catalog;
	// CatalogAccessible then says whether the catalog could be listed.
	Catalog           bool `json:"catalog"`
	CatalogAccessible bool `json:"catalog_accessible"`
	Repositories      int  `json:"repositories"`
	Tags              int  `json:"tags"`
	Objects           int  `json:"objects"`
	BrokenTags        int  `json:"broken_tags"`
	// Unverifiable counts the facts about this registry that could not
	// be established.
	Unverifiable int `json:"unverifiable"`
}

// BrokenTag is one tag whose pull fails (or that is otherwise wrong).
type BrokenTag struct {
	Registry   string   `json:"registry"`
	Repository string   `json:"repository"` // without the registry
	Tag        string   `json:"tag"`        // or a digest, for a reference probed by digest
	Ref        string   `json:"ref"`
	Rules      []string `json:"rules"`
}

// summarize builds the probe summary from the facts and the violations.
func summarize(f *Facts, vs []policies.Violation, failOn rule.Severity, shard Shard) *ProbeSummary {
	s := &ProbeSummary{Shard: shard.String(), Registries: []RegistrySummary{}, Broken: []BrokenTag{}}
	rows := map[string]*RegistrySummary{}
	row := func(reg string) *RegistrySummary {
		if rows[reg] == nil {
			rows[reg] = &RegistrySummary{Registry: reg}
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
	broken := brokenRules(vs, failOn)
	for _, img := range f.Images {
		rules := broken[img.Version.Ref]
		ref, err := name.ParseReference(img.Version.Ref, name.WeakValidation)
		if len(rules) == 0 || err != nil {
			continue
		}
		b := BrokenTag{Registry: ref.Context().RegistryStr(), Repository: ref.Context().RepositoryStr(),
			Tag: ref.Identifier(), Ref: img.Version.Ref, Rules: rules}
		s.Broken = append(s.Broken, b)
		row(b.Registry).BrokenTags++
	}
	for _, v := range vs {
		if v.Rule == policies.Unverifiable {
			if reg := registryOf(v.Target); reg != "" {
				row(reg).Unverifiable++
			}
		}
	}
	for _, r := range rows {
		s.Registries = append(s.Registries, *r)
	}
	slices.SortFunc(s.Registries, func(a, b RegistrySummary) int { return cmp.Compare(a.Registry, b.Registry) })
	slices.SortFunc(s.Broken, func(a, b BrokenTag) int { return cmp.Compare(a.Ref, b.Ref) })
	return s
}

// brokenRules maps each target to the rules that make it broken.
func brokenRules(vs []policies.Violation, failOn rule.Severity) map[string][]string {
	out := map[string][]string{}
	for _, v := range vs {
		if v.Rule == policies.Unverifiable || v.Severity.Rank() < failOn.Rank() || slices.Contains(out[v.Target], v.Rule) {
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
