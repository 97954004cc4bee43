package linttest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint"
)

// Marker is placed in fixture text where a finding is expected; Strip
// removes it and returns the marked positions.
const Marker = "»"

// Pos is an expected finding position.
type Pos struct {
	File      string
	Line, Col int
}

// Strip removes every Marker from each file and returns the files and the
// positions (1-based line and byte column) the markers stood at.
func Strip(files map[string]string) (map[string]string, []Pos) {
	out := make(map[string]string, len(files))
	var want []Pos
	for name, body := range files {
		line, col := 1, 1
		var b []byte
		for i := 0; i < len(body); {
			if len(body)-i >= len(Marker) && body[i:i+len(Marker)] == Marker {
				want = append(want, Pos{name, line, col})
				i += len(Marker)
				continue
			}
			c := body[i]
			b = append(b, c)
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i++
		}
		out[name] = string(b)
	}
	return out, want
}

// Case is a fixture repository whose » markers are where findings of Rule
// are expected; with no marker the fixture must stay clean.
type Case struct {
	Name  string
	Files map[string]string
	// Msg must appear in every finding's message.
	Msg string
}

// RunCases lints each case with check and asserts rule, file, line and
// column of every finding against the markers.
func RunCases(t *testing.T, ruleID string, check lint.Check, cases []Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			files, want := Strip(tc.Files)
			res := RunDir(t, Write(t, files), check)
			for _, e := range res.Errors {
				t.Errorf("input error: %+v", e)
			}
			var got []Pos
			var msgs strings.Builder
			for _, f := range res.Findings {
				fmt.Fprintf(&msgs, "  %s:%d:%d: %s [%s]\n", f.File, f.Line, f.Column, f.Message, f.Rule)
				if f.Rule != ruleID {
					t.Errorf("unexpected rule %s", f.Rule)
				}
				got = append(got, Pos{File: f.File, Line: f.Line, Col: f.Column})
				if tc.Msg != "" && !strings.Contains(f.Message, tc.Msg) {
					t.Errorf("message %q does not contain %q", f.Message, tc.Msg)
				}
			}
			if !samePositions(got, want) {
				t.Errorf("findings at %v, want %v\n%s", got, want, msgs.String())
			}
		})
	}
}

func samePositions(a, b []Pos) bool {
	cmp := func(x, y Pos) int {
		if c := strings.Compare(x.File, y.File); c != 0 {
			return c
		}
		if x.Line != y.Line {
			return x.Line - y.Line
		}
		return x.Col - y.Col
	}
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}
