package gate

import (
	"context"
	"fmt"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/registry"
)

// AttestationRequest is what an AttestationCollector works from: the
// facts gathered so far (each image's version digest and per-platform
// digests), the gate.attestations settings (with --trusted-root applied)
// and the directory relative paths resolve from.
type AttestationRequest struct {
	Client    *registry.Client // Client.Transport() counts requests into the run's totals
	Facts     *Facts
	Config    config.Attestations
	ConfigDir string
}

// AttestationCollector discovers and verifies attestations for a verify
// run. It sets Facts.Attestations (run-wide) and, per image,
// ImageFacts.Attestations (one entry per digest: the index and each
// platform image, with its bundles). It is the seam for registry/attest:
// the gate itself verifies no signatures. A returned error makes every
// image unverifiable.
type AttestationCollector func(ctx context.Context, req AttestationRequest) error

// AttestationsConfigured reports whether gate.attestations asks for
// anything at all.
func AttestationsConfigured(a config.Attestations) bool {
	return a.Required || a.TrustedRoot != "" || a.PublicKey != "" || len(a.PredicateTypes) > 0
}

// collectAttestations runs the configured collector after the other facts
// are in. Without gate.attestations it does nothing. With attestations
// configured but no collector wired in, it fails closed rather than pass
// what it did not verify.
func (r *runner) collectAttestations(ctx context.Context, f *Facts) {
	if f.Phase != Verify || !AttestationsConfigured(r.opts.Attestations) {
		return
	}
	fail := func(msg string) {
		for _, img := range f.Images {
			img.Errors = append(img.Errors, msg)
		}
	}
	if r.opts.Attest == nil {
		fail("gate.attestations is configured but this build cannot verify attestations")
		return
	}
	err := r.opts.Attest(ctx, AttestationRequest{Client: r.client, Facts: f, Config: r.opts.Attestations, ConfigDir: r.opts.ConfigDir})
	if err != nil {
		fail(fmt.Sprintf("attestations: %v", err))
	}
}
