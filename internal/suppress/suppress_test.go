package suppress

import (
	"slices"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		line   string
		ok     bool
		rules  []string
		reason string
	}{
		{"    # releasegate:ignore[secret-scope] the sync job rotates it", true, []string{"secret-scope"}, "the sync job rotates it"},
		{"<!-- releasegate:ignore[delete-scope, secret-scope] kept for history -->", true, []string{"delete-scope", "secret-scope"}, "kept for history"},
		{"x := 1 //releasegate:ignore[go-json-interpolation] constant", true, []string{"go-json-interpolation"}, "constant"},
		{"# releasegate:ignore[delete-scope]", true, []string{"delete-scope"}, ""},
		{"<!-- releasegate:ignore[delete-scope] -->", true, []string{"delete-scope"}, ""},
		{"releasegate:ignore[delete-scope] no comment marker", false, nil, ""},
		{"# releasegate:ignore(delete-scope) wrong brackets", false, nil, ""},
	}
	for _, tt := range tests {
		d, ok := Find(tt.line)
		if ok != tt.ok || !slices.Equal(d.Rules, tt.rules) || d.Reason != tt.reason {
			t.Errorf("Find(%q) = %+v, %v; want rules %v reason %q ok %v", tt.line, d, ok, tt.rules, tt.reason, tt.ok)
		}
	}
}

func FuzzFind(f *testing.F) {
	f.Add("# releasegate:ignore[a,b] why")
	f.Add("<!-- releasegate:ignore[] -->")
	f.Fuzz(func(t *testing.T, line string) {
		d, ok := Find(line)
		if !ok {
			return
		}
		if d.At < 0 || d.At >= len(line) {
			t.Fatalf("offset %d outside %q", d.At, line)
		}
		for _, r := range d.Rules {
			if !d.Names(r) {
				t.Fatalf("directive does not name its own rule %q", r)
			}
		}
	})
}
