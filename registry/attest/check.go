package attest

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Target is one manifest digest whose attestations are checked.
type Target struct {
	Repo     name.Repository
	Digest   string // sha256:<hex>
	Platform string // os/arch, or "index"
}

// Option configures Check.
type Option func(*checkOptions)

type checkOptions struct {
	remote []remote.Option
	jobs   int
}

// WithRemoteOptions passes options (transport, auth) to every
// go-containerregistry call.
func WithRemoteOptions(opts ...remote.Option) Option {
	return func(o *checkOptions) { o.remote = append(o.remote, opts...) }
}

// WithJobs bounds how many digests are discovered and verified at once
// (default 4).
func WithJobs(n int) Option { return func(o *checkOptions) { o.jobs = max(n, 1) } }

// Check discovers and verifies the attestations of every target. Each
// (repository, digest) pair is fetched and verified once, however many
// times it is listed; independent digests run concurrently. A digest
// whose referrers could not be listed, or whose bundle could not be
// fetched, carries Error: its attestations are unknown, not absent.
func Check(ctx context.Context, v *Verifier, targets []Target, opts ...Option) []Digest {
	o := checkOptions{jobs: 4}
	for _, opt := range opts {
		opt(&o)
	}
	uniq := dedupe(targets)
	out := make([]Digest, len(uniq))
	sem := make(chan struct{}, o.jobs)
	var wg sync.WaitGroup
	for i, t := range uniq {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = newDigest(t)
				out[i].Error = fmt.Sprintf("not checked: the run's deadline passed before its referrers could be listed (%v)", ctx.Err())
				return
			}
			defer func() { <-sem }()
			out[i] = checkOne(ctx, v, t, o.remote)
		}()
	}
	wg.Wait()
	return out
}

func dedupe(targets []Target) []Target {
	seen := map[string]bool{}
	var out []Target
	for _, t := range targets {
		k := t.Repo.Name() + "@" + t.Digest
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

func newDigest(t Target) Digest {
	return Digest{
		Image:    t.Repo.Name(),
		Ref:      t.Repo.Name() + "@" + t.Digest,
		Digest:   t.Digest,
		Platform: t.Platform,
		Bundles:  []Bundle{},
		Legacy:   []Legacy{},
	}
}

func checkOne(ctx context.Context, v *Verifier, t Target, ropts []remote.Option) Digest {
	out := newDigest(t)
	h, err := v1.NewHash(t.Digest)
	if err != nil {
		out.Error = "digest " + t.Digest + ": " + err.Error()
		return out
	}
	disc, err := discover(ctx, t.Repo.Digest(t.Digest), ropts)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Legacy = disc.legacy
	for _, f := range disc.bundles {
		out.Bundles = append(out.Bundles, verifyFound(v, f, h))
	}
	return out
}

func verifyFound(v *Verifier, f found, h v1.Hash) Bundle {
	if f.err != nil {
		return Bundle{Referrer: f.referrer, MediaType: f.mediaType, PredicateType: f.predicateType,
			Error: f.err.Error(), Subjects: []Subject{}}
	}
	b := v.Verify(f.raw, h)
	b.Referrer = f.referrer
	if b.MediaType == "" {
		b.MediaType = f.mediaType
	}
	if b.PredicateType == "" {
		b.PredicateType = f.predicateType
	}
	return b
}

// Count adds the bundles found and verified for digests to the summary.
func (s *Summary) Count(digests []Digest) {
	for _, d := range digests {
		for _, b := range d.Bundles {
			s.BundlesFound++
			if b.Verified {
				s.BundlesVerified++
			}
		}
	}
}
