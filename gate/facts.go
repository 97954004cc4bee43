// Package gate runs the release gate: it gathers registry facts for the
// configured images (package registry), hands them to the Rego policies
// (package policies) and turns the violations into a decision.
package gate

import (
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/attest"
)

// Decisions.
const (
	Pass  = "pass"
	Fail  = "fail"
	Skip  = "skip"
	Error = "error"
)

// Facts is the Rego input document (policies/README.md) and the "facts"
// member of the JSON output.
type Facts struct {
	Phase      string                         `json:"phase"`
	Version    string                         `json:"version,omitempty"`
	Platforms  []string                       `json:"platforms"`
	ArchTag    string                         `json:"arch_tag,omitempty"`
	MovingTags []string                       `json:"moving_tags"`
	OnExisting string                         `json:"on_existing,omitempty"`
	Images     []*ImageFacts                  `json:"images"`
	Expected   map[string]map[string]Expected `json:"expected"` // image -> tag -> recorded digests
	// Attestations is the run-wide attestation summary of a verify run
	// (configuration, counts); nil without gate.attestations.
	Attestations *attest.Summary `json:"attestations,omitempty"`
	// Catalogs describes each registry a probe walked through its
	// catalog. Images then holds, of its tags, only those with a problem.
	Catalogs []*CatalogFacts `json:"catalogs,omitempty"`
}

// CatalogFacts is what a catalog probe of one registry established.
type CatalogFacts struct {
	Registry string `json:"registry"`
	// Accessible is true when the catalog could be listed to the end.
	Accessible bool   `json:"accessible"`
	Shard      string `json:"shard,omitempty"` // "I/N" when the repositories were sharded
	// Repositories lists, sorted, the repositories walked (after
	// filters and sharding).
	Repositories []string `json:"repositories"`
	Tags         int      `json:"tags"`    // tags walked
	Objects      int      `json:"objects"` // distinct objects checked, per repository
	// Errors are what could not be listed: the catalog itself or a
	// repository's tags, with the URL and status.
	Errors []TargetError `json:"errors"`
}

// TargetError is a fact that could not be established about a target (a
// registry or a repository).
type TargetError struct {
	Target string `json:"target"`
	Error  string `json:"error"`
}

// ImageFacts is everything known about one configured image repository.
type ImageFacts struct {
	Image        string             `json:"image"`
	Version      registry.TagFact   `json:"version"`
	Moving       []registry.TagFact `json:"moving"`
	Arch         []registry.TagFact `json:"arch"`
	Integrity    []registry.Object  `json:"integrity"`
	Attestations []attest.Digest    `json:"attestations"` // per digest; filled by verify (Verify.Attestations)
	Errors       []string           `json:"errors"`       // facts that could not be established for the whole image
	// Listed is true for a tag a catalog probe found in the registry's
	// own tag list (so "absent" means listed but not served).
	Listed bool `json:"listed,omitempty"`
}

// Expected is what a tag pointed at when the release was pushed.
type Expected struct {
	Digest    string            `json:"digest,omitempty"`
	Platforms map[string]string `json:"platforms,omitempty"`
}

func newImage(name string) *ImageFacts {
	return &ImageFacts{
		Image: name, Moving: []registry.TagFact{}, Arch: []registry.TagFact{},
		Integrity: []registry.Object{}, Attestations: []attest.Digest{}, Errors: []string{},
	}
}

// unknowns lists the facts that could not be established, as
// "target: reason", so the decision can fail closed whatever the policies
// (or rule settings) say.
func (f *Facts) unknowns() []string {
	var out []string
	for _, img := range f.Images {
		for _, t := range append(append([]registry.TagFact{img.Version}, img.Moving...), img.Arch...) {
			if t.State == registry.Unknown {
				out = append(out, t.Ref+": "+t.Error)
			}
		}
		for _, o := range img.Integrity {
			if o.State == registry.Unknown {
				out = append(out, o.Ref+": "+o.Error)
			}
		}
		for _, e := range img.Errors {
			out = append(out, img.Image+": "+e)
		}
	}
	for _, c := range f.Catalogs {
		for _, e := range c.Errors {
			out = append(out, e.Target+": "+e.Error)
		}
		if !c.Accessible && len(c.Errors) == 0 {
			out = append(out, c.Registry+": the catalog was not listed to the end")
		}
	}
	return out
}
