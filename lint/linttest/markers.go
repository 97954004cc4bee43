package linttest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/releasegate/releasegate/lint"
)

// Marker is placed in fixture text where a finding is expected to start;
// EndMarker, optional, where its span ends (just past its last
// character). Strip removes both.
const (
	Marker    = "»"
	EndMarker = "«"
)

// Pos is an expected finding position. EndLine is 0 when no EndMarker
// followed the Marker.
type Pos struct {
	File            string
	Line, Col       int
	EndLine, EndCol int
}

// Strip removes every marker from each file and returns the files and the
// positions (1-based line and character column) the markers stood at. An
// EndMarker closes the span of the Marker before it.
func Strip(files map[string]string) (map[string]string, []Pos) {
	out := make(map[string]string, len(files))
	var want []Pos
	for name, body := range files {
		line, col := 1, 1
		open := -1
		var b strings.Builder
		for i := 0; i < len(body); {
			switch {
			case strings.HasPrefix(body[i:], Marker):
				want = append(want, Pos{File: name, Line: line, Col: col})
				open = len(want) - 1
				i += len(Marker)
				continue
			case strings.HasPrefix(body[i:], EndMarker) && open >= 0:
				want[open].EndLine, want[open].EndCol = line, col
				open = -1
				i += len(EndMarker)
				continue
			}
			r, w := utf8.DecodeRuneInString(body[i:])
			b.WriteString(body[i : i+w])
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i += w
		}
		out[name] = b.String()
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
// column of every finding against the markers, and its end where an
// EndMarker gives one. Suppressed findings count as absent.
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
				if f.Suppressed {
					continue // suppressed findings are not reported
				}
				fmt.Fprintf(&msgs, "  %s:%d:%d-%d:%d: %s [%s]\n", f.File, f.Line, f.Column, f.EndLine, f.EndColumn, f.Message, f.Rule)
				if f.Rule != ruleID {
					t.Errorf("unexpected rule %s", f.Rule)
				}
				got = append(got, Pos{File: f.File, Line: f.Line, Col: f.Column, EndLine: f.EndLine, EndCol: f.EndColumn})
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

// samePositions compares starts, and ends where want has them.
func samePositions(got, want []Pos) bool {
	order := func(x, y Pos) int {
		return cmp.Or(strings.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Col, y.Col))
	}
	slices.SortFunc(got, order)
	slices.SortFunc(want, order)
	return slices.EqualFunc(got, want, func(g, w Pos) bool {
		return order(g, w) == 0 && (w.EndLine == 0 || (g.EndLine == w.EndLine && g.EndCol == w.EndCol))
	})
}
