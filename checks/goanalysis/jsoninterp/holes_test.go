package jsoninterp

import (
	"go/ast"
	"testing"
)

func idents(n int) []ast.Expr {
	out := make([]ast.Expr, n)
	for i := range out {
		out[i] = ast.NewIdent("v")
	}
	return out
}

func TestFormatHoles(t *testing.T) {
	tests := []struct {
		format string
		quoted []bool // per hole: inside JSON quotes?
		ok     bool
	}{
		{`{"u":"%s","n":%d}`, []bool{true, false}, true},
		{`{"esc":"a\"%s"}`, []bool{true}, true},
		{`{"pct":"100%%","v":"%v"}`, []bool{true}, true},
		{`["%-10s", %5.2f]`, []bool{true, false}, true},
		{`{"x":"%[1]s"}`, nil, false},
		{`{"x":"%*s"}`, nil, false},
	}
	for _, tt := range tests {
		holes, ok := formatHoles(tt.format, idents(4))
		if ok != tt.ok {
			t.Errorf("%s: ok = %v", tt.format, ok)
			continue
		}
		if len(holes) != len(tt.quoted) {
			t.Errorf("%s: %d holes, want %d", tt.format, len(holes), len(tt.quoted))
			continue
		}
		for i, h := range holes {
			if h.quote != tt.quoted[i] {
				t.Errorf("%s: hole %d quoted = %v", tt.format, i, h.quote)
			}
		}
	}
}

// FuzzFormatHoles checks the format scanner never panics and never pairs
// more holes than there are arguments.
func FuzzFormatHoles(f *testing.F) {
	for _, s := range []string{`{"a":"%s"}`, `%`, `%[`, `"\`, `{"a":"%[2]*.*d"}`, `%%%`, "[\"%\xffs\"]"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, format string, n int) {
		n &= 7
		holes, ok := formatHoles(format, idents(n))
		if ok && len(holes) > n {
			t.Fatalf("%d holes for %d args", len(holes), n)
		}
		_ = scanQuotes(format, false)
		_ = looksLikeJSON(format)
		_ = flatObject().MatchString(format)
	})
}

// TestLooksLikeJSON: text that starts as a JSON object or array does;
// Go source a code generator writes, INI sections and Markdown task
// items that open with [ do not.
func TestLooksLikeJSON(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{`{"a":"%s"}`, true},
		{`  [ "%s", "b" ]`, true},
		{`[%s]`, true},
		{`[{"name":"%s"}]`, true},
		{`[-1, 2]`, true},
		{`[true, "%s"]`, true},
		{`[null]`, true},
		{`[]`, true},
		{"[\n  \"%s\"\n]", true},
		{`[]any{"%s-item1", "%s-item2"}`, false},
		{`[]byte("%s-val")`, false},
		{`[]string{%q}`, false},
		{`[Unit]` + "\nDescription=%s", false},
		{`[x] %s`, false},
		{`name: "%s"`, false},
		{`{ "a": %s }`, true},
		{"{\n\t\"a\": \"%s\"\n}", true},
		{`{}`, true},
		{`{%q: %q}`, true},
		{`{Group:"%s" Terminal:%t}`, false},
		{`{{ .Name }} "%s"`, false},
	}
	for _, tt := range tests {
		if got := looksLikeJSON(tt.text); got != tt.want {
			t.Errorf("looksLikeJSON(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
