package workspace

import (
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
)

// Pos is a 1-based line and column in a file.
type Pos struct{ Line, Col int }

// Line returns the text of 1-based line n without its newline.
func (f *File) Line(n int) string {
	starts := f.starts()
	if n < 1 || n > len(starts) {
		return ""
	}
	end := len(f.Src)
	if n < len(starts) {
		end = starts[n] - 1
	}
	return strings.TrimSuffix(string(f.Src[starts[n-1]:end]), "\r")
}

// Lines is the number of lines in the file.
func (f *File) Lines() int { return len(f.starts()) }

// OffsetPos converts a byte offset into a line and column.
func (f *File) OffsetPos(off int) Pos {
	starts := f.starts()
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Pos{Line: i + 1, Col: off - starts[i] + 1}
}

// starts returns the byte offset of each line. Checks run concurrently
// over shared files, so the index is built once under a sync.Once.
func (f *File) starts() []int {
	f.linesOnce.Do(func() {
		f.lineStarts = append(f.lineStarts, 0)
		for i, b := range f.Src {
			if b == '\n' {
				f.lineStarts = append(f.lineStarts, i+1)
			}
		}
	})
	return f.lineStarts
}

// Locate maps a byte offset inside a YAML string value to its position in
// the file. It handles the three shapes values take: block scalars (`|` and
// `>`), whose content starts on the line after the indicator at its own
// indentation; quoted scalars; and plain scalars. Folded and multi-line
// flow scalars lose their line breaks when parsed, so positions inside them
// are mapped by line count, which is right for the common cases.
func (f *File) Locate(s *actionlint.String, off int) Pos {
	if s == nil || s.Pos == nil {
		return Pos{1, 1}
	}
	off = max(0, min(off, len(s.Value)))
	valueLine := strings.Count(s.Value[:off], "\n")
	lineStart := strings.LastIndexByte(s.Value[:off], '\n') + 1
	colInLine := off - lineStart

	header := f.Line(s.Pos.Line)
	if c := s.Pos.Col - 1; c >= 0 && c < len(header) && (header[c] == '|' || header[c] == '>') {
		first := s.Pos.Line + 1
		indent := f.blockIndent(first)
		return Pos{Line: first + valueLine, Col: indent + colInLine + 1}
	}
	if valueLine == 0 {
		col := s.Pos.Col + colInLine
		if s.Quoted {
			col++
		}
		return Pos{Line: s.Pos.Line, Col: col}
	}
	line := s.Pos.Line + valueLine
	return Pos{Line: line, Col: leadingSpaces(f.Line(line)) + colInLine + 1}
}

// blockIndent is the indentation of a block scalar whose content starts at
// line first: that of its first non-blank line.
func (f *File) blockIndent(first int) int {
	for n := first; n <= f.Lines(); n++ {
		l := f.Line(n)
		if strings.TrimSpace(l) != "" {
			return leadingSpaces(l)
		}
	}
	return 0
}

func leadingSpaces(s string) int {
	return len(s) - len(strings.TrimLeft(s, " "))
}

// PosOf converts an actionlint position.
func PosOf(p *actionlint.Pos) Pos {
	if p == nil {
		return Pos{1, 1}
	}
	return Pos{p.Line, p.Col}
}
