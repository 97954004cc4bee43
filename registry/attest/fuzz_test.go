package attest_test

import (
	"os"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/releasegate/releasegate/registry/attest"
)

// FuzzParseTrustedRoots: any trust file gives roots or an error, never a
// panic.
func FuzzParseTrustedRoots(f *testing.F) {
	if b, err := os.ReadFile("testdata/publicgood/trusted_root.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("{}\n{}\n"))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{}]}`))
	f.Add([]byte("\n\n   \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roots, err := attest.ParseTrustedRoots(b)
		if err == nil && len(roots) == 0 {
			t.Fatal("no error and no roots")
		}
	})
}

// FuzzVerify: a registry may serve anything as a bundle; verification of
// arbitrary bytes never panics and never verifies.
func FuzzVerify(f *testing.F) {
	a := newAuthority(f)
	v, err := attest.NewVerifier(attest.Options{Roots: []*root.TrustedRoot{rootFromJSON(f, a)}, Identity: wantID})
	if err != nil {
		f.Fatal(err)
	}
	d := digestOf("image")
	good := attestOrFail(f, a, releaseID, "https://slsa.dev/provenance/v1", d)
	f.Add(good)
	f.Add(tamper(f, good))
	if b, err := os.ReadFile("testdata/publicgood/sigstore-js-2.0.0-provenance.sigstore.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := v.Verify(b, d)
		if got.Verified && string(b) != string(good) {
			// Only the genuine bundle (or an encoding-equivalent of it) may
			// verify; check the signature content is unchanged.
			if got.Signer == nil || got.Signer.SAN != releaseID.SAN {
				t.Fatalf("fuzzed bundle verified as %+v", got.Signer)
			}
		}
	})
}
