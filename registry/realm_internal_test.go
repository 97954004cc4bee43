package registry

import (
	"net/http"
	"slices"
	"testing"
)

// TestBearerRealms: every realm go-containerregistry would use is found,
// however the challenge is spelt; finding more only refuses more.
func TestBearerRealms(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"plain", []string{`Bearer realm="https://auth.example/token",service="reg"`}, []string{"https://auth.example/token"}},
		{"scheme in capitals, parameter name too", []string{`BEARER REALM="https://a.example/t"`}, []string{"https://a.example/t"}},
		{"tab after the scheme", []string{"Bearer\trealm=\"http://inside.test/t\""}, []string{"http://inside.test/t"}},
		{"realm after other parameters", []string{`Bearer service="reg",scope="x",realm="https://b.example/t"`}, []string{"https://b.example/t"}},
		{"escaped characters", []string{`Bearer realm="http://ins\ide.test/t"`}, []string{"http://inside.test/t"}},
		{"two realms, both checked", []string{`Bearer realm="https://c.example/t",realm="http://inside.test/t"`},
			[]string{"https://c.example/t", "http://inside.test/t"}},
		{"a Basic challenge has no token realm", []string{`Basic realm="Registry Realm"`}, nil},
		{"Basic and Bearer headers", []string{`Basic realm="x"`, `Bearer realm="https://d.example/t"`}, []string{"https://d.example/t"}},
		{"unterminated quote", []string{`Bearer realm="https://e.example/t`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("WWW-Authenticate", v)
			}
			if got := bearerRealms(h); !slices.Equal(got, tt.want) {
				t.Errorf("bearerRealms(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}
