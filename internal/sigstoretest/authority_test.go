package sigstoretest

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

// TestRoundTrip proves the authority's bundles verify with plain
// sigstore-go against its exported trusted_root.json, with the log,
// inclusion proof and timestamp all required.
func TestRoundTrip(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	js, err := a.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := root.NewTrustedRootFromJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("image manifest"))
	digest := "sha256:" + hex.EncodeToString(sum[:])
	id := GitHubWorkflow("acme/app", "release.yml", "refs/heads/main")
	// A few entries so the inclusion proof has a real path.
	var raw []byte
	for range 3 {
		raw, err = a.Attest(id, Statement(SLSAProvenanceV1, Subject{Name: "app", Digest: digest}))
		if err != nil {
			t.Fatal(err)
		}
	}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	v, err := verify.NewVerifier(tr, verify.WithTransparencyLog(1), verify.WithObserverTimestamps(2), verify.WithSignedTimestamps(1))
	if err != nil {
		t.Fatal(err)
	}
	want, err := verify.NewShortCertificateIdentity(GitHubIssuer, "", id.SAN, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.Verify(&b, verify.NewPolicy(verify.WithArtifactDigest("sha256", sum[:]), verify.WithCertificateIdentity(want)))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if got := res.Signature.Certificate.SourceRepositoryRef; got != "refs/heads/main" {
		t.Errorf("source ref = %q", got)
	}
	other := sha256.Sum256([]byte("other"))
	if _, err := v.Verify(&b, verify.NewPolicy(verify.WithArtifactDigest("sha256", other[:]), verify.WithCertificateIdentity(want))); err == nil {
		t.Error("bundle verified for a digest it does not name")
	}
}
