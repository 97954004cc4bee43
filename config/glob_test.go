package config

import (
	"errors"
	"strings"
	"testing"
)

func TestGlobAlternatives(t *testing.T) {
	for _, tt := range []struct {
		glob string
		want int
	}{
		{"docs/*.md", 1},
		{"**/*.{yml,yaml}", 2},
		{"{a,b}/{c,d,e}", 6},                // groups in sequence multiply
		{"{a,{b,{c,d}}}", 4},                // nested alternatives add up
		{"{{a,b}{c,d},e}", 5},               // a sequence inside an alternative
		{`\{a,b\}`, 1},                      // escaped braces are literal
		{`{a\,b,c}`, 2},                     // an escaped comma does not split
		{"a,b}", 1},                         // outside a group , and } are literal
		{"{,x}", 2},                         // an empty alternative counts
		{strings.Repeat("{a,b}", 6), 64},    // the most a glob may have
		{strings.Repeat("{a,b,c}", 43), 65}, // counting stops past the bound
		{strings.Repeat("{a,", 200) + "a" + strings.Repeat("}", 200), 65},
	} {
		if got := globAlternatives(tt.glob); got != tt.want {
			t.Errorf("globAlternatives(%.40q) = %d, want %d", tt.glob, got, tt.want)
		}
	}
}

// bombGlob is groups of three alternatives in sequence that all match a
// prefix of the name and fail at its end: doublestar tries 3^groups
// patterns. At 43 groups (302 bytes) that is 3^43.
func bombGlob(groups int) string { return strings.Repeat("{a,a,a}", groups) + "b" }

// TestGlobBound: a glob of any key that expands past the bound, or is too
// long, is a configuration error naming the file, the line of the glob and
// the key; the largest glob allowed is matched at once.
func TestGlobBound(t *testing.T) {
	bomb := bombGlob(43)
	long := strings.Repeat("a/", 300) + "*.md"
	for _, tt := range []struct {
		name, src string
		line      int
		want      string
	}{
		{"exclude", "version: 1\nexclude:\n  - docs\n  - '" + bomb + "'\n", 4, `exclude: glob "{a,a,a}`},
		{"runbooks", "version: 1\nrunbooks: ['" + bomb + "']\n", 2, `runbooks: glob "{a,a,a}`},
		{"secret allowed", "secrets:\n  TOKEN:\n    scopes: [read]\n    allowed:\n      - '" + bomb + "'\n", 5, `secrets.TOKEN.allowed: glob "{a,a,a}`},
		{"secret required job", "secrets:\n  TOKEN:\n    scopes: [read]\n    required: ['a.yml#" + bomb + "']\n", 4, `secrets.TOKEN.required: glob "{a,a,a}`},
		{"probe repos", "gate:\n  probe:\n    repos: [acme/*, '!" + bomb + "']\n", 3, `probe repos: glob "{a,a,a}`},
		{"probe tags", "gate:\n  probe:\n    tags: ['" + bomb + "']\n", 3, `probe tags: glob "{a,a,a}`},
		{"one group past the bound", "exclude: ['" + strings.Repeat("{a,b}", 7) + "']\n", 1, "expands to more than 64 patterns"},
		{"too long", "exclude: ['" + long + "']\n", 1, "exclude: glob \"a/a/a/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(".releasegate.yaml", t.TempDir(), []byte(tt.src))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a configuration error", err)
			}
			if msg := err.Error(); ce.File != ".releasegate.yaml" || ce.Line != tt.line || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("got %q, want line %d and %q", msg, tt.line, tt.want)
			}
			if tt.name == "too long" && !strings.Contains(err.Error(), "is 604 bytes long, more than the 512") {
				t.Errorf("got %q, want the length and the bound", err)
			}
		})
	}
	// At both bounds: accepted.
	limit := strings.Repeat("{a,b}", 6) + "/" + strings.Repeat("a", maxGlobLen-31)
	if _, err := Parse(".releasegate.yaml", "/repo", []byte("exclude: ['"+limit+"']\n")); err != nil {
		t.Fatalf("a glob at the bounds is refused: %v", err)
	}
}
