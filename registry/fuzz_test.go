package registry

import (
	"strings"
	"testing"
)

// FuzzManifestMediaType feeds arbitrary bodies to the manifest checks a
// registry answer goes through: no panic, and anything accepted names a
// supported media type.
func FuzzManifestMediaType(f *testing.F) {
	for _, s := range []string{
		`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`,
		`{"schemaVersion":2,"config":{}}`, `not json`, `{"schemaVersion":1}`, ``, `[]`, `null`,
	} {
		f.Add([]byte(s), "application/vnd.oci.image.manifest.v1+json")
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		mt, err := manifestMediaType(body, ct)
		if err == nil && mt == "" {
			t.Fatal("accepted a manifest without a media type")
		}
		m := &Manifest{MediaType: mt, Body: body}
		_ = m.IsIndex()
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if d, ok := retryAfter(h, timeZero); ok && d < 0 {
			t.Fatalf("negative wait %v for %q", d, h)
		}
	})
}

var timeZero = mustTime()

// FuzzParseDigest: a digest is accepted only in a registered algorithm
// with its exact hex length, and content always verifies against the
// digest computed from it.
func FuzzParseDigest(f *testing.F) {
	for _, s := range []string{"sha256:" + strings.Repeat("a", 64), "sha512:" + strings.Repeat("0", 128), "sha384:ab",
		"sha256:" + strings.Repeat("A", 64), "sha256:", ":x", "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:zz"} {
		f.Add(s, []byte("{}"))
	}
	f.Fuzz(func(t *testing.T, d string, body []byte) {
		alg, hexPart, err := parseDigest(d)
		if err == nil {
			a, ok := algorithms[alg]
			if !ok || len(hexPart) != a.hexLen || alg+":"+hexPart != d {
				t.Fatalf("accepted %q as %s:%s", d, alg, hexPart)
			}
		}
		for a := range algorithms {
			if err := verifyDigest(digestAs(a, body), body); err != nil {
				t.Fatalf("%s of the body does not verify: %v", a, err)
			}
		}
		if err == nil && verifyDigest(d, body) == nil && digestAs(alg, body) != d {
			t.Fatalf("%q verified content it is not the digest of", d)
		}
	})
}
