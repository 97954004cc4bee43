package vetsuppress

import (
	"go/ast"
	"strings"
	"testing"
)

func TestApplies(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"//releasegate:ignore[go-delete-scope] the sync job owns this token", true},
		{"// releasegate:ignore[go-delete-scope,go-secret-variant] legacy name, removed in 2.0", true},
		{"//releasegate:ignore[go-delete-scope]", false},                  // no reason
		{"//releasegate:ignore[go-secret-variant] not this rule", false},  // another rule
		{"// see releasegate:ignore[go-delete-scope] in the docs", false}, // not at the start
		{"/* releasegate:ignore[go-delete-scope] block comments do not count */", false},
	}
	for _, tt := range tests {
		if got := applies(&ast.Comment{Text: tt.text}, "go-delete-scope"); got != tt.want {
			t.Errorf("applies(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// FuzzApplies: no panic on any comment, and a comment that suppresses a
// rule starts with the directive, names the rule and gives a reason.
func FuzzApplies(f *testing.F) {
	for _, s := range []string{"//releasegate:ignore[r] why", "// releasegate:ignore[a, r ,b]  x ", "//releasegate:ignore[r]",
		"//releasegate:ignore[]] x", "//releasegate:ignore[r", "/*releasegate:ignore[r] x*/", "//"} {
		f.Add(s, "r")
	}
	f.Fuzz(func(t *testing.T, text, rule string) {
		if !applies(&ast.Comment{Text: text}, rule) {
			return
		}
		if !strings.Contains(text, "releasegate:ignore[") || strings.TrimSpace(rule) == "" && rule != "" {
			t.Fatalf("%q suppresses %q", text, rule)
		}
		if !strings.Contains(text, rule) {
			t.Fatalf("%q suppresses %q without naming it", text, rule)
		}
	})
}
