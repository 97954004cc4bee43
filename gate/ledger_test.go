package gate

import (
	"strings"
	"testing"
)

const goodDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestParseLedger(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"ok", `{"version":1,"release":"1.0","images":{"r/a":{"1.0":{"digest":"` + goodDigest + `"}}}}`, ""},
		{"unknown field", `{"version":1,"release":"1.0","imgs":{}}`, "unknown field"},
		{"version", `{"version":2,"release":"1.0","images":{"r/a":{}}}`, "unsupported version"},
		{"empty", `{"version":1,"release":"1.0","images":{}}`, "at least one image"},
		{"no digest", `{"version":1,"release":"1.0","images":{"r/a":{"1.0":{}}}}`, "records no digest"},
		{"bad digest", `{"version":1,"release":"1.0","images":{"r/a":{"1.0":{"digest":"sha256:xyz"}}}}`, "not a sha256 digest"},
		{"bad platform digest", `{"version":1,"release":"1.0","images":{"r/a":{"1.0":{"platforms":{"linux/amd64":"md5:1"}}}}}`, "not a sha256 digest"},
		{"not json", `release: 1.0`, "ledger l.json"},
	}
	for _, tt := range tests {
		_, err := ParseLedger("l.json", []byte(tt.in))
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
		}
	}
}

func FuzzParseLedger(f *testing.F) {
	f.Add([]byte(`{"version":1,"release":"1.0","images":{"r/a":{"1.0":{"digest":"` + goodDigest + `"}}}}`))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLedger("fuzz.json", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ledger fuzz.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, tags := range l.Images {
			for _, e := range tags {
				if e.Digest != "" && !validDigest(e.Digest) {
					t.Fatalf("accepted digest %q", e.Digest)
				}
			}
		}
	})
}
