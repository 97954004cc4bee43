package attest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/releasegate/releasegate/internal/sigstoretest"
	"github.com/releasegate/releasegate/registry/attest"
)

// The release identity the tests configure: acme/app's release workflow
// on main, as Fulcio certifies it for GitHub Actions.
var (
	releaseID = sigstoretest.GitHubWorkflow("acme/app", "release.yml", "refs/heads/main")
	wantID    = attest.Identity{
		Issuer:           sigstoretest.GitHubIssuer,
		SANRegex:         `https://github\.com/acme/app/\.github/workflows/release\.yml@refs/heads/main`,
		SourceRepository: "acme/app",
		SourceRef:        "refs/heads/main",
	}
)

func digestOf(s string) v1.Hash {
	sum := sha256.Sum256([]byte(s))
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
}

// rootFromJSON round-trips the authority's trusted root through
// trusted_root.json, exactly as production loads it.
func rootFromJSON(t testing.TB, a *sigstoretest.Authority) *root.TrustedRoot {
	t.Helper()
	js, err := a.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	roots, err := attest.ParseTrustedRoots(js)
	if err != nil {
		t.Fatal(err)
	}
	return roots[0]
}

func newAuthority(t testing.TB) *sigstoretest.Authority {
	t.Helper()
	a, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func attestOrFail(t testing.TB, a *sigstoretest.Authority, id sigstoretest.Identity, pred string, d v1.Hash) []byte {
	t.Helper()
	b, err := a.Attest(id, sigstoretest.Statement(pred, sigstoretest.Subject{Name: "app", Digest: d.String()}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tamper flips one bit of the DSSE signature.
func tamper(t testing.TB, raw []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	sig := doc["dsseEnvelope"].(map[string]any)["signatures"].([]any)[0].(map[string]any)
	b, err := base64.StdEncoding.DecodeString(sig["sig"].(string))
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	sig["sig"] = base64.StdEncoding.EncodeToString(b)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVerify(t *testing.T) {
	a := newAuthority(t)
	stranger := newAuthority(t)
	image := digestOf("amd64 manifest")
	other := digestOf("arm64 manifest")
	wrongRef := sigstoretest.GitHubWorkflow("acme/app", "release.yml", "refs/heads/feature")
	wrongIssuer := releaseID
	wrongIssuer.Issuer = "https://accounts.example.com"
	good := attestOrFail(t, a, releaseID, sigstoretest.SLSAProvenanceV1, image)

	v, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{rootFromJSON(t, a)}, Identity: wantID})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		bundle       []byte
		verified     bool
		identity     bool
		errContains  string
		identContain string
	}{
		{name: "release workflow on main", bundle: good, verified: true, identity: true},
		{name: "wrong workflow ref", bundle: attestOrFail(t, a, wrongRef, sigstoretest.SLSAProvenanceV1, image),
			verified: true, identContain: "refs/heads/feature"},
		{name: "wrong issuer", bundle: attestOrFail(t, a, wrongIssuer, sigstoretest.SLSAProvenanceV1, image),
			verified: true, identContain: "accounts.example.com"},
		{name: "bundle for a different digest", bundle: attestOrFail(t, a, releaseID, sigstoretest.SLSAProvenanceV1, other),
			errContains: "does not attest " + image.String()},
		{name: "tampered signature", bundle: tamper(t, good), errContains: "verif"},
		{name: "untrusted root", bundle: attestOrFail(t, stranger, releaseID, sigstoretest.SLSAProvenanceV1, image),
			errContains: "log"},
		{name: "not a bundle", bundle: []byte(`{"mediaType":"text/plain"}`), errContains: "not a valid sigstore bundle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := v.Verify(tc.bundle, image)
			if got.Verified != tc.verified {
				t.Fatalf("verified = %v, want %v (error: %s)", got.Verified, tc.verified, got.Error)
			}
			if got.IdentityMatched != tc.identity {
				t.Errorf("identity matched = %v, want %v (%s)", got.IdentityMatched, tc.identity, got.IdentityError)
			}
			if !strings.Contains(got.Error, tc.errContains) {
				t.Errorf("error = %q, want it to contain %q", got.Error, tc.errContains)
			}
			if !strings.Contains(got.IdentityError, tc.identContain) {
				t.Errorf("identity error = %q, want it to contain %q", got.IdentityError, tc.identContain)
			}
			if tc.verified && got.PredicateType != sigstoretest.SLSAProvenanceV1 {
				t.Errorf("predicate type = %q", got.PredicateType)
			}
			if tc.verified && (got.Signer == nil || got.Signer.SourceRepository != "https://github.com/acme/app") {
				t.Errorf("signer = %+v", got.Signer)
			}
		})
	}
}

// TestVerifyJSONLines: a file of several roots, one per line, as
// `gh attestation trusted-root` prints; a bundle verifies against any.
func TestVerifyJSONLines(t *testing.T) {
	a, b := newAuthority(t), newAuthority(t)
	var lines []byte
	for _, x := range []*sigstoretest.Authority{b, a} {
		js, err := x.TrustedRootJSON()
		if err != nil {
			t.Fatal(err)
		}
		lines = append(append(lines, js...), '\n')
	}
	path := filepath.Join(t.TempDir(), "trusted_root.jsonl")
	if err := os.WriteFile(path, lines, 0o600); err != nil {
		t.Fatal(err)
	}
	roots, err := attest.LoadTrustedRoots(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != 2 {
		t.Fatalf("got %d roots, want 2", len(roots))
	}
	v, err := attest.NewVerifier(attest.Options{Roots: roots, Identity: wantID})
	if err != nil {
		t.Fatal(err)
	}
	d := digestOf("image")
	if got := v.Verify(attestOrFail(t, a, releaseID, sigstoretest.SLSAProvenanceV1, d), d); !got.Verified {
		t.Fatalf("not verified: %s", got.Error)
	}
}

func TestLoadTrustedRootsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "nope.json"), "no such file"},
		{"empty", write("empty.json", "\n"), "empty.json: file is empty"},
		{"garbage line", write("bad.jsonl", "{}\nnot json\n"), "bad.jsonl:1: "},
		{"second line garbage", write("bad2.jsonl", `{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`+"\n{oops\n"), "bad2.jsonl:2: not a JSON document"},
		{"directory", dir, "is not a regular file (a directory)"},
		{"device", "/dev/zero", "/dev/zero: is not a regular file (a device)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := attest.LoadTrustedRoots(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestNewVerifierRefusesIncompleteTrust(t *testing.T) {
	a := newAuthority(t)
	tr := rootFromJSON(t, a)
	if _, err := attest.NewVerifier(attest.Options{Identity: wantID}); err == nil {
		t.Error("no roots and no key: want an error")
	}
	if _, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{tr}, Identity: attest.Identity{Issuer: sigstoretest.GitHubIssuer}}); err == nil {
		t.Error("identity without san-regex: want an error")
	}
	bare, err := root.NewTrustedRoot(root.TrustedRootMediaType01, tr.FulcioCertificateAuthorities(), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{bare}, Identity: wantID}); err == nil || !strings.Contains(err.Error(), "no signing time") {
		t.Errorf("root without log or TSA: err = %v", err)
	}
}

// TestSANRegexIsAnchored: an unanchored pattern must not accept a signer
// that merely contains it.
func TestSANRegexIsAnchored(t *testing.T) {
	a := newAuthority(t)
	id := wantID
	id.SANRegex = `https://github\.com/acme/app/\.github/workflows/release\.yml@refs/heads/main`
	id.SourceRepository, id.SourceRef = "", ""
	v, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{rootFromJSON(t, a)}, Identity: id})
	if err != nil {
		t.Fatal(err)
	}
	fork := sigstoretest.GitHubWorkflow("acme/app", "release.yml", "refs/heads/main-evil")
	d := digestOf("image")
	got := v.Verify(attestOrFail(t, a, fork, sigstoretest.SLSAProvenanceV1, d), d)
	if !got.Verified || got.IdentityMatched {
		t.Fatalf("verified=%v matched=%v: a SAN with a suffix must not match", got.Verified, got.IdentityMatched)
	}
}

func TestVerifyWithPublicKey(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := sigstoretest.PublicKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cosign.pub")
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := attest.LoadPublicKey(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := attest.NewVerifier(attest.Options{PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	d := digestOf("image")
	st := sigstoretest.Statement(sigstoretest.SLSAProvenanceV1, sigstoretest.Subject{Name: "app", Digest: d.String()})
	good, err := sigstoretest.SignWithKey(key, st)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := sigstoretest.SignWithKey(otherKey, st)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Verify(good, d); !got.Verified || !got.IdentityMatched || got.Signer.Key == "" {
		t.Errorf("key-signed bundle: %+v", got)
	}
	if got := v.Verify(bad, d); got.Verified {
		t.Error("bundle signed by another key verified")
	}
	if got := v.Verify(good, digestOf("other")); got.Verified {
		t.Error("key-signed bundle verified for a digest it does not name")
	}
}

// TestPublicGoodGitHubBundle proves the production configuration accepts
// a real bundle: SLSA provenance for the npm package sigstore@2.0.0, made
// by sigstore-js's release workflow through public-good Sigstore, checked
// offline against the public-good trusted root (transparency log, observed
// time and embedded SCT all required, as for any public-good root).
func TestPublicGoodGitHubBundle(t *testing.T) {
	raw, err := os.ReadFile("testdata/publicgood/sigstore-js-2.0.0-provenance.sigstore.json")
	if err != nil {
		t.Fatal(err)
	}
	id := attest.Identity{
		Issuer:           sigstoretest.GitHubIssuer,
		SANRegex:         `https://github\.com/sigstore/sigstore-js/\.github/workflows/release\.yml@refs/heads/main`,
		SourceRepository: "sigstore/sigstore-js",
		SourceRef:        "refs/heads/main",
		BuildSignerURI:   "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
	}
	roots, err := attest.LoadTrustedRoots("testdata/publicgood/trusted_root.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := attest.NewVerifier(attest.Options{Roots: roots, Identity: id})
	if err != nil {
		t.Fatal(err)
	}
	npm := v1.Hash{Algorithm: "sha512", Hex: "46d4e2f74c4877316640000a6fdf8a8b59f1e0847667973e9859f774dd31b8f1e0937813b777fb66a2ac67d50540fe34640966eee9fc2ccca387082b4c85cd3c"}
	got := v.Verify(raw, npm)
	if !got.Verified || !got.IdentityMatched {
		t.Fatalf("real bundle: verified=%v (%s) identity=%v (%s)", got.Verified, got.Error, got.IdentityMatched, got.IdentityError)
	}
	if got.PredicateType != "https://slsa.dev/provenance/v1" || got.Signer.SourceRef != "refs/heads/main" {
		t.Errorf("facts: predicate %q signer %+v", got.PredicateType, got.Signer)
	}

	// The same real bundle must fail for a tag it was not made on.
	id.SourceRef = "refs/tags/v2.0.0"
	strict, err := attest.NewVerifier(attest.Options{Roots: roots, Identity: id})
	if err != nil {
		t.Fatal(err)
	}
	if got := strict.Verify(raw, npm); !got.Verified || got.IdentityMatched {
		t.Errorf("source-ref refs/tags/v2.0.0: verified=%v matched=%v", got.Verified, got.IdentityMatched)
	}
	// And for another artifact.
	if got := v.Verify(raw, digestOf("not the package")); got.Verified {
		t.Error("real bundle verified for another digest")
	}
}

func TestIsBundleMediaType(t *testing.T) {
	for mt, want := range map[string]bool{
		"application/vnd.dev.sigstore.bundle.v0.3+json":        true,
		"application/vnd.dev.sigstore.bundle+json;version=0.2": true,
		"application/vnd.dev.sigstore.bundle+json;version=0.1": true,
		"application/vnd.dev.sigstore.bundle.v0.4+json":        true,
		"application/vnd.dev.sigstore.bundlex":                 false,
		"application/vnd.oci.empty.v1+json":                    false,
		"application/spdx+json":                                false,
		"":                                                     false,
	} {
		if got := attest.IsBundleMediaType(mt); got != want {
			t.Errorf("IsBundleMediaType(%q) = %v, want %v", mt, got, want)
		}
	}
}

// BenchmarkVerify compares Verify (verification plus identity and facts)
// with the baseline "sigstore-go": a bare verify.Verifier.Verify of the
// same bundle with the same requirements, and reports the overhead ratio.
func BenchmarkVerify(b *testing.B) {
	a := newAuthority(b)
	tr := rootFromJSON(b, a)
	d := digestOf("image")
	raw := attestOrFail(b, a, releaseID, sigstoretest.SLSAProvenanceV1, d)
	v, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{tr}, Identity: wantID})
	if err != nil {
		b.Fatal(err)
	}
	bare, err := verify.NewVerifier(tr, verify.WithTransparencyLog(1), verify.WithObserverTimestamps(1))
	if err != nil {
		b.Fatal(err)
	}
	want, _ := hex.DecodeString(d.Hex)
	var ours, base time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if got := v.Verify(raw, d); !got.Verified || !got.IdentityMatched {
			b.Fatal(got.Error)
		}
		ours += time.Since(start)
		start = time.Now()
		var bb bundle.Bundle
		if err := bb.UnmarshalJSON(raw); err != nil {
			b.Fatal(err)
		}
		if _, err := bare.Verify(&bb, verify.NewPolicy(verify.WithArtifactDigest("sha256", want), verify.WithoutIdentitiesUnsafe())); err != nil {
			b.Fatal(err)
		}
		base += time.Since(start)
	}
	b.ReportMetric(float64(ours)/float64(base), "x-vs-sigstore-go")
}

// TestGitHubInstanceShapedRoot: a root with timestamp authorities and no
// transparency log (GitHub's own Sigstore instance, for private
// repositories) accepts bundles with an RFC 3161 timestamp and no log
// entry; a public-good-shaped root (with a log) requires the log entry.
func TestGitHubInstanceShapedRoot(t *testing.T) {
	gh, err := sigstoretest.New(sigstoretest.WithoutLog())
	if err != nil {
		t.Fatal(err)
	}
	pg := newAuthority(t)
	d := digestOf("image")
	tsaOnly := attestOrFail(t, gh, releaseID, sigstoretest.SLSAProvenanceV1, d)

	v, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{rootFromJSON(t, pg), rootFromJSON(t, gh)}, Identity: wantID})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Verify(tsaOnly, d); !got.Verified || !got.IdentityMatched {
		t.Fatalf("TSA-only bundle against both roots: %s", got.Error)
	}
	// Against a root with the same CA but also a log, the missing log
	// entry is fatal.
	ghRoot := rootFromJSON(t, gh)
	withLog, err := root.NewTrustedRoot(root.TrustedRootMediaType01, ghRoot.FulcioCertificateAuthorities(), nil,
		ghRoot.TimestampingAuthorities(), rootFromJSON(t, pg).RekorLogs())
	if err != nil {
		t.Fatal(err)
	}
	strict, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{withLog}, Identity: wantID})
	if err != nil {
		t.Fatal(err)
	}
	if got := strict.Verify(tsaOnly, d); got.Verified || !strings.Contains(got.Error, "log") {
		t.Fatalf("TSA-only bundle against a root with a log: verified=%v %s", got.Verified, got.Error)
	}
}
