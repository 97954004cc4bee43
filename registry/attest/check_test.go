package attest_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/internal/sigstoretest"
	"github.com/releasegate/releasegate/registry/attest"
)

// release is a multi-arch release in an in-process registry, with a test
// Sigstore to attest it.
type release struct {
	repo   name.Repository
	index  name.Digest
	plats  map[string]name.Digest
	auth   *sigstoretest.Authority
	v      *attest.Verifier
	ropts  []remote.Option
	counts *requestCounts
}

type requestCounts struct{ referrerTag, blobs atomic.Int64 }

func newRelease(t testing.TB, mw func(http.Handler) http.Handler) *release {
	t.Helper()
	counts := &requestCounts{}
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/manifests/sha256-") {
				counts.referrerTag.Add(1)
			}
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
				counts.blobs.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	}
	wrap := count
	if mw != nil {
		wrap = func(h http.Handler) http.Handler { return count(mw(h)) }
	}
	reg, err := localregistry.Start(t.TempDir(), localregistry.WithMiddleware(wrap))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	repo, err := name.NewRepository(reg.Host+"/acme/app", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	ropts := []remote.Option{remote.WithRetryBackoff(remote.Backoff{Steps: 1})}
	index, plats, err := sigstoretest.PushRelease(repo, "1.2.3", []string{"linux/amd64", "linux/arm64"}, ropts...)
	if err != nil {
		t.Fatal(err)
	}
	auth := newAuthority(t)
	v, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{rootFromJSON(t, auth)}, Identity: wantID})
	if err != nil {
		t.Fatal(err)
	}
	return &release{repo: repo, index: index, plats: plats, auth: auth, v: v, ropts: ropts, counts: counts}
}

func (r *release) digests() map[string]name.Digest {
	out := map[string]name.Digest{"index": r.index}
	for p, d := range r.plats {
		out[p] = d
	}
	return out
}

func (r *release) targets() []attest.Target {
	var ts []attest.Target
	for p, d := range r.digests() {
		ts = append(ts, attest.Target{Repo: r.repo, Digest: d.DigestStr(), Platform: p})
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Platform < ts[j].Platform })
	return ts
}

// attach signs a statement about subject (as id) and pushes it as a
// referrer of d.
func (r *release) attach(t testing.TB, d name.Digest, id sigstoretest.Identity, pred string, subject string) {
	t.Helper()
	raw, err := r.auth.Attest(id, sigstoretest.Statement(pred, sigstoretest.Subject{Name: r.repo.Name(), Digest: subject}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sigstoretest.PushBundle(d, raw, "", pred, r.ropts...); err != nil {
		t.Fatal(err)
	}
}

func (r *release) check(t testing.TB) []attest.Digest {
	t.Helper()
	return attest.Check(context.Background(), r.v, r.targets(), attest.WithRemoteOptions(r.ropts...))
}

func byPlatform(ds []attest.Digest) map[string]attest.Digest {
	out := map[string]attest.Digest{}
	for _, d := range ds {
		out[d.Platform] = d
	}
	return out
}

func TestCheckAllAttested(t *testing.T) {
	r := newRelease(t, nil)
	for _, d := range r.digests() {
		r.attach(t, d, releaseID, sigstoretest.SLSAProvenanceV1, d.DigestStr())
	}
	r.counts.referrerTag.Store(0)
	r.counts.blobs.Store(0)
	got := r.check(t)
	if len(got) != 3 {
		t.Fatalf("got %d digests, want 3", len(got))
	}
	for _, d := range got {
		if d.Error != "" || len(d.Bundles) != 1 {
			t.Fatalf("%s: error %q, %d bundles", d.Platform, d.Error, len(d.Bundles))
		}
		b := d.Bundles[0]
		if !b.Verified || !b.IdentityMatched || b.PredicateType != sigstoretest.SLSAProvenanceV1 || b.Referrer == "" {
			t.Errorf("%s: %+v", d.Platform, b)
		}
	}
	var f attest.Summary
	f.Count(got)
	if f.BundlesFound != 3 || f.BundlesVerified != 3 {
		t.Errorf("counts: found %d verified %d", f.BundlesFound, f.BundlesVerified)
	}
	// One referrers listing (the fallback tag on this registry) and one
	// bundle blob per digest: nothing is fetched twice.
	if n := r.counts.referrerTag.Load(); n != 3 {
		t.Errorf("referrer listings: %d, want 3", n)
	}
	if n := r.counts.blobs.Load(); n != 3 {
		t.Errorf("blob fetches: %d, want 3", n)
	}
}

// TestCheckCases are the scenarios at the facts level; the
// policies turn them into rules (policies/attestation_test.rego) and
// internal/cli's tests run them end to end.
func TestCheckCases(t *testing.T) {
	wrongRef := sigstoretest.GitHubWorkflow("acme/app", "release.yml", "refs/heads/feature")
	wrongIssuer := releaseID
	wrongIssuer.Issuer = "https://gitlab.example.com"
	tests := []struct {
		name  string
		setup func(t *testing.T, r *release)
		check func(t *testing.T, got map[string]attest.Digest)
	}{
		{
			name: "index attested, arm64 not",
			setup: func(t *testing.T, r *release) {
				r.attach(t, r.index, releaseID, sigstoretest.SLSAProvenanceV1, r.index.DigestStr())
				r.attach(t, r.plats["linux/amd64"], releaseID, sigstoretest.SLSAProvenanceV1, r.plats["linux/amd64"].DigestStr())
			},
			check: func(t *testing.T, got map[string]attest.Digest) {
				if n := len(got["linux/arm64"].Bundles); n != 0 {
					t.Errorf("arm64 has %d bundles", n)
				}
				if !got["index"].Bundles[0].Verified || !got["linux/amd64"].Bundles[0].Verified {
					t.Error("attested digests do not verify")
				}
			},
		},
		{
			name: "wrong workflow ref",
			setup: func(t *testing.T, r *release) {
				r.attach(t, r.index, wrongRef, sigstoretest.SLSAProvenanceV1, r.index.DigestStr())
			},
			check: func(t *testing.T, got map[string]attest.Digest) {
				b := got["index"].Bundles[0]
				if !b.Verified || b.IdentityMatched || !strings.Contains(b.IdentityError, "refs/heads/feature") {
					t.Errorf("%+v", b)
				}
			},
		},
		{
			name: "wrong issuer",
			setup: func(t *testing.T, r *release) {
				r.attach(t, r.index, wrongIssuer, sigstoretest.SLSAProvenanceV1, r.index.DigestStr())
			},
			check: func(t *testing.T, got map[string]attest.Digest) {
				b := got["index"].Bundles[0]
				if !b.Verified || b.IdentityMatched || b.Signer.Issuer != "https://gitlab.example.com" {
					t.Errorf("%+v", b)
				}
			},
		},
		{
			name: "bundle for a different digest",
			setup: func(t *testing.T, r *release) {
				r.attach(t, r.plats["linux/amd64"], releaseID, sigstoretest.SLSAProvenanceV1, r.plats["linux/arm64"].DigestStr())
			},
			check: func(t *testing.T, got map[string]attest.Digest) {
				b := got["linux/amd64"].Bundles[0]
				if b.Verified || !strings.Contains(b.Error, "does not attest") {
					t.Errorf("%+v", b)
				}
			},
		},
		{
			name: "only legacy cosign tags",
			setup: func(t *testing.T, r *release) {
				for _, kind := range []string{"sig", "att"} {
					if _, err := sigstoretest.PushLegacyCosign(r.index, kind, r.ropts...); err != nil {
						t.Fatal(err)
					}
				}
			},
			check: func(t *testing.T, got map[string]attest.Digest) {
				d := got["index"]
				if len(d.Bundles) != 0 || len(d.Legacy) != 2 {
					t.Fatalf("bundles %d legacy %+v", len(d.Bundles), d.Legacy)
				}
				if d.Legacy[0].Kind != "signature" || !strings.HasSuffix(d.Legacy[0].Tag, ".sig") || d.Legacy[0].Note != attest.LegacyNote {
					t.Errorf("%+v", d.Legacy[0])
				}
			},
		},
		{
			name: "other referrers are ignored",
			setup: func(t *testing.T, r *release) {
				if _, err := sigstoretest.PushBundle(r.index, []byte(`{"spdxVersion":"SPDX-2.3"}`), "application/spdx+json", "", r.ropts...); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, got map[string]attest.Digest) {
				if n := len(got["index"].Bundles); n != 0 {
					t.Errorf("an SBOM referrer was taken for a bundle: %+v", got["index"].Bundles)
				}
			},
		},
		{
			name: "older bundle media type is recognised",
			setup: func(t *testing.T, r *release) {
				raw, err := r.auth.Attest(releaseID, sigstoretest.Statement(sigstoretest.SLSAProvenanceV1, sigstoretest.Subject{Name: "app", Digest: r.index.DigestStr()}))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := sigstoretest.PushBundle(r.index, raw, "application/vnd.dev.sigstore.bundle+json;version=0.3", "", r.ropts...); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, got map[string]attest.Digest) {
				if bs := got["index"].Bundles; len(bs) != 1 || !bs[0].Verified {
					t.Errorf("%+v", bs)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRelease(t, nil)
			tc.setup(t, r)
			got := byPlatform(r.check(t))
			for p, d := range got {
				if d.Error != "" {
					t.Fatalf("%s: discovery error %s", p, d.Error)
				}
			}
			tc.check(t, got)
		})
	}
}

// TestCheckRegistryErrorIsUnknown: a registry failure while listing
// referrers leaves the digest unknown, with the URL and status, never
// "no attestations".
func TestCheckRegistryErrorIsUnknown(t *testing.T) {
	var fail atomic.Bool
	r := newRelease(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if fail.Load() && strings.Contains(req.URL.Path, "/manifests/sha256-") {
				http.Error(w, "backend down", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, req)
		})
	})
	fail.Store(true)
	for _, d := range r.check(t) {
		if !strings.Contains(d.Error, "500") || !strings.Contains(d.Error, "sha256-") {
			t.Errorf("%s: error %q, want the fallback tag URL and status 500", d.Platform, d.Error)
		}
	}
}

// TestCheckHostileReferrer: a referrer that claims a bundle but carries
// garbage, or names another subject, is an invalid bundle, not a crash.
func TestCheckHostileReferrer(t *testing.T) {
	r := newRelease(t, nil)
	if _, err := sigstoretest.PushBundle(r.index, []byte("\x00\x01 not json"), "", "", r.ropts...); err != nil {
		t.Fatal(err)
	}
	got := byPlatform(r.check(t))["index"]
	if len(got.Bundles) != 1 || got.Bundles[0].Verified || !strings.Contains(got.Bundles[0].Error, "not a valid sigstore bundle") {
		t.Fatalf("%+v", got)
	}
}

// TestCheckBrokenFallbackTag: a referrers fallback tag that is not an
// index cannot be read as "no referrers"; the digest is unknown.
func TestCheckBrokenFallbackTag(t *testing.T) {
	r := newRelease(t, nil)
	amd := r.plats["linux/amd64"]
	img, err := remote.Image(amd, r.ropts...)
	if err != nil {
		t.Fatal(err)
	}
	tag := r.repo.Tag(strings.Replace(r.index.DigestStr(), ":", "-", 1))
	if err := remote.Write(tag, img, r.ropts...); err != nil {
		t.Fatal(err)
	}
	got := byPlatform(r.check(t))["index"]
	if got.Error == "" || len(got.Bundles) != 0 {
		t.Fatalf("want a discovery error, got %+v", got)
	}
}

// BenchmarkCheck times discovery and verification of a release's three
// digests with the default concurrency against the named baseline
// "sequential" (one digest at a time) and reports the ratio.
func BenchmarkCheck(b *testing.B) {
	r := newRelease(b, nil)
	for _, d := range r.digests() {
		r.attach(b, d, releaseID, sigstoretest.SLSAProvenanceV1, d.DigestStr())
	}
	run := func(jobs int) time.Duration {
		start := time.Now()
		got := attest.Check(context.Background(), r.v, r.targets(), attest.WithRemoteOptions(r.ropts...), attest.WithJobs(jobs))
		if len(got) != 3 || !got[0].Bundles[0].Verified {
			b.Fatal("not verified")
		}
		return time.Since(start)
	}
	var seq, conc time.Duration
	b.ResetTimer()
	for range b.N {
		seq += run(1)
		conc += run(4)
	}
	b.ReportMetric(float64(seq)/float64(conc), "x-faster-than-sequential")
}
