// Package attestconfig plugs attestation verification (registry/attest) into
// the gate: it turns gate.attestations from the configuration into the
// gate.AttestationCollector the CLI installs.
// For every configured image whose version tag exists it checks the
// version's index digest and each platform image digest, puts the facts
// next to the image for the policies, and the run-wide summary (settings,
// bundle counts) under "attestations".
package attestconfig

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/gate"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/attest"
)

// IndexPlatform labels the version tag's index digest.
const IndexPlatform = "index"

// Collector returns the gate.AttestationCollector for gate.attestations,
// or nil when the configuration asks for no attestation checks. Relative
// paths resolve from configDir.
func Collector(a config.Attestations, configDir string) gate.AttestationCollector {
	if !Configured(a) {
		return nil
	}
	return func(ctx context.Context, req gate.AttestationRequest) error {
		return collect(ctx, a, configDir, req)
	}
}

// collect checks every digest of every released image. Trust material
// that cannot be loaded is an error (every image becomes unverifiable); a
// digest whose attestations could not be listed or fetched becomes an
// image error.
func collect(ctx context.Context, a config.Attestations, configDir string, req gate.AttestationRequest) error {
	v, err := NewVerifier(a, configDir)
	if err != nil {
		return err
	}
	var targets []attest.Target
	owner := map[string]*gate.ImageFacts{} // repository name -> image
	for _, img := range req.Facts.Images {
		if img.Version.State != registry.Present {
			continue // tag-missing / unverifiable already say why
		}
		repo, err := req.Client.ParseRepository(img.Image)
		if err != nil {
			return err
		}
		owner[repo.Name()] = img
		targets = append(targets, Targets(repo, img.Version)...)
	}
	digests := attest.Check(ctx, v, targets, attest.WithRemoteOptions(req.Client.RemoteOptions()...))
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
	sum := summary(a, v.KeyBased())
	sum.Count(digests)
	req.Facts.Attestations = &sum
	return nil
}

// Targets lists the digests of a version tag that need attestations: the
// index (when the tag is one) and every platform image it serves, each
// digest once (a platform known as both linux/arm64 and linux/arm64/v8
// is one image).
func Targets(repo name.Repository, version registry.TagFact) []attest.Target {
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
		add(version.Digest, IndexPlatform)
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
