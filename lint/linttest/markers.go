package linttest

import (
	"strings"
	"unicode/utf8"
)

// startMarker is placed in a case's files where a finding is expected to
// start; endMarker, optional, where its span ends (just past its last
// character). stripMarkers removes both.
const (
	startMarker = "»"
	endMarker   = "«"
)

// mark is an expected finding position. EndLine is 0 when no endMarker
// followed the startMarker.
type mark struct {
	File            string
	Line, Col       int
	EndLine, EndCol int
}

// stripMarkers removes every marker from each file and returns the files
// and the positions (1-based line and character column) the markers stood
// at. An endMarker closes the span of the startMarker before it.
func stripMarkers(files map[string]string) (map[string]string, []mark) {
	out := make(map[string]string, len(files))
	var want []mark
	for name, body := range files {
		line, col := 1, 1
		open := -1
		var b strings.Builder
		for i := 0; i < len(body); {
			switch {
			case strings.HasPrefix(body[i:], startMarker):
				want = append(want, mark{File: name, Line: line, Col: col})
				open = len(want) - 1
				i += len(startMarker)
				continue
			case strings.HasPrefix(body[i:], endMarker) && open >= 0:
				want[open].EndLine, want[open].EndCol = line, col
				open = -1
				i += len(endMarker)
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
