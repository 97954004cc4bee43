package expr

import (
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"plain", nil},
		{"${{ secrets.A }}", []string{" secrets.A "}},
		{"a ${{ x }} b ${{ y }}", []string{" x ", " y "}},
		{"${{ '}}' }} tail", []string{" '}}' "}},
		{"${{ broken ( }}", []string{" broken ( "}},
		{"${{ unterminated", nil},
	}
	for _, tt := range tests {
		got := Find(tt.in)
		if len(got) != len(tt.want) {
			t.Fatalf("Find(%q) = %d exprs, want %d", tt.in, len(got), len(tt.want))
		}
		for i := range got {
			if got[i].Src != tt.want[i] {
				t.Errorf("Find(%q)[%d].Src = %q, want %q", tt.in, i, got[i].Src, tt.want[i])
			}
			if tt.in[got[i].Start:got[i].Start+3] != "${{" || tt.in[got[i].End-2:got[i].End] != "}}" {
				t.Errorf("Find(%q)[%d] span %d:%d does not cover the placeholder", tt.in, i, got[i].Start, got[i].End)
			}
		}
	}
}

func TestRefs(t *testing.T) {
	tests := []struct {
		in   string
		want []Ref
	}{
		{"secrets.TOKEN_RW", []Ref{{Context: "secrets", Name: "token_rw"}}},
		{"secrets['Token_X']", []Ref{{Context: "secrets", Name: "token_x"}}},
		{"secrets[inputs.name]", []Ref{{Context: "secrets", Dynamic: true}, {Context: "inputs", Name: "name"}}},
		{"toJSON(secrets)", []Ref{{Context: "secrets", Whole: true}}},
		{"env.A || vars.B", []Ref{{Context: "env", Name: "a"}, {Context: "vars", Name: "b"}}},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		got := Refs(n)
		if len(got) != len(tt.want) {
			t.Fatalf("Refs(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		for i := range got {
			g := got[i]
			g.Token = nil
			if g != tt.want[i] {
				t.Errorf("Refs(%q)[%d] = %+v, want %+v", tt.in, i, g, tt.want[i])
			}
		}
	}
}

// TestSpansAgreesWithFind checks the cheap scanner finds the same spans as
// the parser-based one on well-formed input.
func TestSpansAgreesWithFind(t *testing.T) {
	for _, in := range []string{
		"a ${{ x }} b ${{ y }}",
		"${{ '}}' }} tail ${{ format('{0}}}', a) }}",
		"${{ 'it''s' }}",
		"no placeholder",
		"${{ secrets['A'] }}${{ env.B }}",
	} {
		spans, exprs := Spans(in), Find(in)
		if len(spans) != len(exprs) {
			t.Fatalf("%q: Spans found %d, Find %d", in, len(spans), len(exprs))
		}
		for i := range spans {
			if spans[i].Start != exprs[i].Start || spans[i].End != exprs[i].End || spans[i].Src != exprs[i].Src {
				t.Errorf("%q: span %+v != expr %+v", in, spans[i], exprs[i])
			}
		}
	}
}
