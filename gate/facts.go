// Package gate runs the release gate: it gathers registry facts for the
// configured images (package registry), hands them to the Rego policies
// (package policies) and turns the violations into a decision.
package gate

import (
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/attest"
)

// Phases.
const (
	Preflight = "preflight"
	Verify    = "verify"
	Probe     = "probe"
	Record    = "record"
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
	// Attestations is the run-wide attestation summary an
	// AttestationCollector sets (configuration, counts); nil without
	// gate.attestations.
	Attestations *attest.Summary `json:"attestations,omitempty"`
}

// ImageFacts is everything known about one configured image repository.
type ImageFacts struct {
	Image        string             `json:"image"`
	Version      registry.TagFact   `json:"version"`
	Moving       []registry.TagFact `json:"moving"`
	Arch         []registry.TagFact `json:"arch"`
	Integrity    []registry.Object  `json:"integrity"`
	Attestations []attest.Digest    `json:"attestations"` // per digest; filled by an AttestationCollector
	Errors       []string           `json:"errors"`       // facts that could not be established for the whole image
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
	return out
}
