package linttest

import (
	"strings"
	"unicode/utf8"
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
