package gate

import (
	"context"
	"fmt"

	"github.com/releasegate/releasegate/registry"
)

// AttestationRequest is what an AttestationCollector works from: the
// facts gathered so far (each image's version digest and per-platform
// digests) and the run's registry client.
type AttestationRequest struct {
	Client *registry.Client // Client.RemoteOptions(): requests counted into the run's totals, retried and bounded like the client's own
	Facts  *Facts
}

// AttestationCollector discovers and verifies attestations for a verify
// run. It sets Facts.Attestations (run-wide) and, per image,
// ImageFacts.Attestations (one entry per digest: the index and each
// platform image, with its bundles). It is the seam for registry/attest:
// the gate itself verifies no signatures. A returned error makes every
// image unverifiable.
type AttestationCollector func(ctx context.Context, req AttestationRequest) error

// collectAttestations runs the attestation collector, when there is one,
// after the other facts of a verify run are in. A collector that fails
// makes every image unverifiable.
func (r *runner) collectAttestations(ctx context.Context, f *Facts) {
	if f.Phase != Verify || r.opts.Attest == nil {
		return
	}
	if err := r.opts.Attest(ctx, AttestationRequest{Client: r.client, Facts: f}); err != nil {
		for _, img := range f.Images {
			img.Errors = append(img.Errors, fmt.Sprintf("attestations: %v", err))
		}
	}
}
