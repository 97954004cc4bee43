package gate

// Attestations: after the other facts of a verify run are in, each
// released digest's attestations are discovered and verified
// (registry/attest) and put next to its image for the policies.

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/attest"
)

// Attestations is gate.attestations made ready for a verify run.
type Attestations struct {
	// Verifier checks the bundles against the trust material; nil when
	// it could not be loaded (LoadErr).
	Verifier *attest.Verifier
	// LoadErr is why there is no Verifier: every image is then
	// unverifiable, naming it.
	LoadErr error
	// Settings is what gate.attestations asks for, reported under
	// facts.attestations with the bundle counts.
	Settings attest.Summary
}

// indexPlatform labels the version tag's index digest.
const indexPlatform = "index"

// collectAttestations checks every digest of every released image: the
// facts go next to each image (ImageFacts.Attestations, one entry per
// digest) and the run-wide summary under Facts.Attestations. Trust
// material that could not be loaded, or an image name that does not
// parse, makes every image unverifiable; a digest whose attestations
// could not be listed or fetched becomes an error of its image.
func (r *runner) collectAttestations(ctx context.Context, a *Attestations, f *Facts) {
	if a == nil {
		return
	}
	if err := r.attestations(ctx, a, f); err != nil {
		for _, img := range f.Images {
			img.Errors = append(img.Errors, fmt.Sprintf("attestations: %v", err))
		}
	}
}

func (r *runner) attestations(ctx context.Context, a *Attestations, f *Facts) error {
	if a.LoadErr != nil {
		return a.LoadErr
	}
	var targets []attest.Target
	owner := map[string]*ImageFacts{} // repository name -> image
	for _, img := range f.Images {
		if img.Version.State != registry.Present {
			continue // tag-missing / unverifiable already say why
		}
		repo, err := r.client.ParseRepository(img.Image)
		if err != nil {
			return err
		}
		owner[repo.Name()] = img
		targets = append(targets, attestTargets(repo, img.Version)...)
	}
	digests := attest.Check(ctx, a.Verifier, targets, attest.WithRemoteOptions(r.client.RemoteOptions()...))
	for _, d := range digests {
		img := owner[d.Image]
		if img == nil {
			continue
		}
		img.Attestations = append(img.Attestations, d)
		if d.Error != "" {
			img.Errors = append(img.Errors, fmt.Sprintf("attestations of %s (%s): %s", d.Ref, d.Platform, d.Error))
		}
	}
	sum := a.Settings
	sum.PredicateTypes = append([]string{}, sum.PredicateTypes...)
	sum.Count(digests)
	f.Attestations = &sum
	return nil
}

// attestTargets lists the digests of a version tag that need
// attestations: the index (when the tag is one) and every platform image
// it serves, each digest once (a platform known as both linux/arm64 and
// linux/arm64/v8 is one image).
func attestTargets(repo name.Repository, version registry.TagFact) []attest.Target {
	var out []attest.Target
	seen := map[string]bool{}
	add := func(digest, platform string) {
		if digest == "" || seen[digest] {
			return
		}
		seen[digest] = true
		out = append(out, attest.Target{Repo: repo, Digest: digest, Platform: platform})
	}
	if version.Index {
		add(version.Digest, indexPlatform)
	}
	plats := make([]string, 0, len(version.Platforms))
	for p := range version.Platforms {
		plats = append(plats, p)
	}
	sort.Strings(plats)
	for _, p := range plats {
		add(version.Platforms[p], p)
	}
	if !version.Index {
		add(version.Digest, "image")
	}
	return out
}
