package emptiness

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/internal/expr"
)

// fake resolves a handful of paths:
//
//	inputs.e  null (empty on this trigger)
//	inputs.m  a string that may be empty
//	inputs.s  a non-empty string
//	inputs.b  a boolean
//	github.event_name 'push'
type fake struct{}

func (fake) Resolve(p *Path) (Value, bool) {
	switch {
	case p.Is("inputs", "e"):
		return NullValue(&Reason{Expr: p.Text, Why: "is empty on push"}), true
	case p.Is("inputs", "m"):
		return Shapes(Str|EmptyStr, &Reason{Expr: p.Text, Why: "has no default"}), true
	case p.Is("inputs", "s"):
		return Shapes(Str, nil), true
	case p.Is("inputs", "b"):
		return Shapes(Bool, nil), true
	case p.Is("github", "event_name"):
		return String("push", nil), true
	}
	return Value{}, false
}

func TestEval(t *testing.T) {
	const (
		clean = iota
		empty
		fails
	)
	tests := []struct {
		src    string
		want   int
		reason string // the sub-expression blamed, when empty or failing
		konst  string // the rendered constant, when the value is known
	}{
		{"inputs.m", empty, "inputs.m", ""},
		{"inputs.s", clean, "", ""},
		{"inputs.e", empty, "inputs.e", ""},
		{"(inputs.m)", empty, "inputs.m", ""},
		{"inputs['m']", empty, "inputs['m']", ""},
		{"INPUTS.M", empty, "INPUTS.M", ""},
		{"inputs[inputs.s]", clean, "", ""},
		{"inputs.m || 'x'", clean, "", ""},
		{"inputs.m || inputs.s", clean, "", ""},
		{"inputs.m || inputs.e", empty, "inputs.e", ""},
		{"inputs.s || inputs.m", clean, "", ""},
		{"inputs.b || inputs.m", empty, "inputs.m", ""},
		{"inputs.e || 'all'", clean, "", "all"},
		{"inputs.b && 'x' || ''", empty, "''", ""},
		{"inputs.b && 'x' || 'y'", clean, "", ""},
		{"inputs.m && 'x'", empty, "inputs.m", ""},
		{"inputs.b && inputs.m", empty, "inputs.m", ""},
		{"inputs.s && inputs.s", clean, "", ""},
		{"!inputs.m", clean, "", ""},
		{"!inputs.e", clean, "", "true"},
		{"inputs.m == 'a'", clean, "", ""},
		{"inputs.e == false", clean, "", "true"},
		{"inputs.e == ''", clean, "", "true"},
		{"inputs.e != 'full'", clean, "", "true"},
		{"contains(inputs.m, 'a')", clean, "", ""},
		{"startsWith(inputs.m, 'a')", clean, "", ""},
		{"endsWith('release-1', '-1')", clean, "", "true"},
		{"contains('push,schedule', github.event_name)", clean, "", "true"},
		{"format('v{0}', inputs.m)", clean, "", ""},
		{"format('{0}', inputs.m)", empty, "inputs.m", ""},
		{"format('{0}{1}', inputs.m, inputs.s)", clean, "", ""},
		{"format('{{{0}}}', inputs.e)", clean, "", "{}"},
		{"join(inputs.m, ',')", empty, "inputs.m", ""},
		{"toJSON(inputs.m)", clean, "", ""},
		{"fromJSON(inputs.m)", fails, "inputs.m", ""},
		{"fromJSON(inputs.e).x", fails, "inputs.e", ""},
		{"format('{0}', fromJSON(inputs.m))", fails, "inputs.m", ""},
		{"inputs.s || fromJSON(inputs.m)", clean, "", ""},
		{"fromJSON(inputs.m || 'true')", clean, "", ""},
		{"fromJSON('true')", clean, "", "true"},
		{"fromJSON('3')", clean, "", "3"},
		{"''", empty, "''", ""},
		{"'x'", clean, "", "x"},
		{"null", empty, "null", ""},
		{"true", clean, "", "true"},
		{"0", clean, "", "0"},
		{"1 < 2", clean, "", "true"},
		{"'A' == 'a'", clean, "", "true"},
		{"'1' == 1", clean, "", "true"},
		{"'abc' == 0", clean, "", "false"},
		{"github.event_name == 'push' && 'a' || inputs.m", clean, "", "a"},
		{"github.event_name == 'pull_request' && 'a' || inputs.m", empty, "inputs.m", ""},
		{"github.event.pull_request.title", clean, "", ""},
		{"unknown.x || ''", empty, "''", ""},
		{"hashFiles('go.sum')", clean, "", ""},
		{"success() && inputs.m", empty, "inputs.m", ""},
		{"needs.*.result", clean, "", ""},
	}
	for _, tt := range tests {
		n, err := expr.Parse(tt.src)
		if err != nil {
			t.Fatalf("parse %q: %v", tt.src, err)
		}
		v := Eval(n, tt.src, fake{})
		got := clean
		var blamed *Reason
		switch {
		case v.Err != nil:
			got, blamed = fails, v.Err
		case v.MaybeEmpty():
			got, blamed = empty, v.Why
		}
		if got != tt.want {
			t.Errorf("%s: got %d, want %d (value %+v)", tt.src, got, tt.want, v)
			continue
		}
		if blamed != nil && blamed.Expr != tt.reason {
			t.Errorf("%s: blames %q, want %q", tt.src, blamed.Expr, tt.reason)
		}
		if tt.konst != "" && (!v.Known || v.Const.Render() != tt.konst) {
			t.Errorf("%s: constant %+v (known %v), want %q", tt.src, v.Const, v.Known, tt.konst)
		}
	}
}

func TestTemplate(t *testing.T) {
	tests := []struct {
		in    string
		empty bool
	}{
		{"${{ inputs.m }}", true},
		{"  ${{ inputs.m }} ", true},
		{"v${{ inputs.m }}", false},
		{"${{ inputs.m }}${{ inputs.e }}", true},
		{"${{ inputs.m }}${{ inputs.s }}", false},
		{"${{ inputs.e }}${{ inputs.e }}", true},
		{"plain", false},
	}
	for _, tt := range tests {
		v := Template(tt.in, expr.Find(tt.in), fake{})
		if v.MaybeEmpty() != tt.empty {
			t.Errorf("Template(%q) maybe-empty = %v, want %v (%+v)", tt.in, v.MaybeEmpty(), tt.empty, v)
		}
	}
}

func TestRefText(t *testing.T) {
	tests := map[string]string{
		"inputs.Mode == 'x'":            "inputs.Mode",
		"steps['build-1'].outputs.tag)": "steps['build-1'].outputs.tag",
		"needs.*.result, 'failure'":     "needs.*.result",
		"github.event.inputs.x]":        "github.event.inputs.x",
	}
	for in, want := range tests {
		if got := RefText(in, 0); got != want {
			t.Errorf("RefText(%q) = %q, want %q", in, got, want)
		}
	}
	if RefText("x", 5) != "" {
		t.Error("RefText out of range should be empty")
	}
}

// FuzzEval: no expression actionlint can parse makes the evaluator panic,
// and its verdict is stable.
func FuzzEval(f *testing.F) {
	for _, s := range []string{
		"inputs.allow_unsigned", "inputs.m || 'x'", "c && 'x' || ''", "fromJSON(inputs.m).a[0]",
		"format('{0}{1}{', inputs.e)", "format('{9}', 1)", "join(needs.*.result, ',')",
		"!(inputs.b == 1.5e3) || null", "contains(fromJSON('[1]'), 1)", "inputs[inputs['e']].x.y.z.w.v",
		"github.event_name != 'push' && startsWith(github.ref, 'refs/tags/')", "0x1F == '31'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if strings.Contains(src, "}}") {
			return
		}
		n, err := expr.Parse(src)
		if err != nil {
			return
		}
		a := Eval(n, src, fake{})
		b := Eval(n, src, fake{})
		if a.MaybeEmpty() != b.MaybeEmpty() || (a.Err == nil) != (b.Err == nil) {
			t.Fatalf("unstable verdict for %q", src)
		}
		if a.Known && a.Const.mask() != a.Mask {
			t.Fatalf("%q: constant %+v disagrees with mask %b", src, a.Const, a.Mask)
		}
	})
}
