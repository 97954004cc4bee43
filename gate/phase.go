package gate

// The phases: each one's name, its own settings, their checks and what
// it gathers. This is the one place that tells the phases apart.

import (
	"context"

	"github.com/google/go-containerregistry/pkg/name"
)

// Phase is what a gate run checks, with the settings only that phase
// takes: Preflight, Verify, Record or Probe.
type Phase interface {
	// Name is the phase as the output, the policies (input.phase) and
	// the command line know it.
	Name() string
	// check validates the phase's own settings, before any request.
	check(o *Options) error
	// gather collects the phase's facts into f.
	gather(ctx context.Context, r *runner, f *Facts) error
}

// The phase names, and cleanup's (gate cleanup gathers preflight's facts
// under its own name).
const (
	preflightName = "preflight"
	verifyName    = "verify"
	recordName    = "record"
	probeName     = "probe"
	cleanupName   = "cleanup" // the name of gate cleanup, which gathers preflight's facts
)

// Preflight checks, before a release, that its version is not already
// (partly) published: it HEADs the version tag and every per-arch tag.
// Options.OnExisting says what an existing version means.
type Preflight struct{}

// Verify checks, after a release, that every tag points where the
// release says and that every object can be pulled.
type Verify struct {
	Expect     map[string]string // platform (or "index") -> digest, for every image
	Ledger     *Ledger           // digests recorded by `gate record`
	LedgerFile string            // for messages
	// Attestations checks each released digest's attestations; nil when
	// gate.attestations asks for none.
	Attestations *Attestations
}

// Record gathers what `gate record` writes to a ledger: the version and
// per-arch tags, resolved.
type Record struct{}

// Probe walks what a pull would fetch, for explicit references, for
// Options.Version of the configured images, or for every tag of whole
// registries.
type Probe struct {
	Refs []string // full references (tag or digest)
	// Catalogs are registries (HOST[:PORT]) whose every repository and
	// tag a probe walks, narrowed by Repos, Tags and Shard.
	Catalogs []string
	Repos    Filter
	Tags     Filter
	Shard    Shard
	// Progress, when set, counts a probe's work as it happens.
	Progress *Progress
}

// skipsExisting reports whether an existing version ends the run in
// skip rather than fail: preflight with on-existing skip.
func skipsExisting(o *Options) bool {
	_, preflight := o.Phase.(Preflight)
	return preflight && o.OnExisting == "skip"
}

// Name implements Phase.
func (Preflight) Name() string { return preflightName }

// Name implements Phase.
func (Verify) Name() string { return verifyName }

// Name implements Phase.
func (Record) Name() string { return recordName }

// Name implements Phase.
func (Probe) Name() string { return probeName }

func (Preflight) check(o *Options) error { return o.requireRelease(preflightName) }
func (Verify) check(o *Options) error    { return o.requireRelease(verifyName) }
func (Record) check(o *Options) error    { return o.requireRelease(recordName) }

func (p Probe) check(o *Options) error {
	if len(p.Refs) == 0 && len(p.Catalogs) == 0 && (len(o.Images) == 0 || o.Version == "") {
		return usagef("gate probe: give image references, --catalog HOST (gate.probe.catalogs), or --version with gate.images / --image")
	}
	if len(p.Catalogs) == 0 && (!p.Repos.Empty() || !p.Tags.Empty() || p.Shard.Count > 1) {
		return usagef("gate probe: --repo, --tag and --shard narrow a --catalog probe; there is no catalog to narrow")
	}
	return nil
}

// gather for preflight: HEAD the version tag and every per-arch tag. It
// reports no moving tags: they move on purpose.
func (Preflight) gather(ctx context.Context, r *runner, f *Facts) error {
	f.MovingTags = []string{}
	repos, err := r.images(f)
	if err != nil {
		return err
	}
	r.each(repos, f, func(repo name.Repository, img *ImageFacts) { r.preflightImage(ctx, repo, img) })
	return nil
}

// gather for verify: the expected digests, each image in full, then the
// attestations.
func (v Verify) gather(ctx context.Context, r *runner, f *Facts) error {
	repos, err := r.images(f)
	if err != nil {
		return err
	}
	if err := v.expectations(r.opts.Version, f); err != nil {
		return err
	}
	r.each(repos, f, func(repo name.Repository, img *ImageFacts) { r.verifyImage(ctx, repo, img, true) })
	r.collectAttestations(ctx, v.Attestations, f)
	return nil
}

// gather for record: each image without moving tags or the walk.
func (Record) gather(ctx context.Context, r *runner, f *Facts) error {
	repos, err := r.images(f)
	if err != nil {
		return err
	}
	r.each(repos, f, func(repo name.Repository, img *ImageFacts) { r.verifyImage(ctx, repo, img, false) })
	return nil
}

// gather for probe: references and catalogs when given, else the
// version of each configured image.
func (p Probe) gather(ctx context.Context, r *runner, f *Facts) error {
	if len(p.Refs) > 0 || len(p.Catalogs) > 0 {
		return r.collectProbe(ctx, &p, f)
	}
	repos, err := r.images(f)
	if err != nil {
		return err
	}
	r.each(repos, f, func(repo name.Repository, img *ImageFacts) { r.probeImage(ctx, repo, r.opts.Version, img) })
	return nil
}
