package registry

import (
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
