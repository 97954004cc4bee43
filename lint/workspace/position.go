package workspace

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/rhysd/actionlint"
)

// Pos is a 1-based line and column in a file. Columns count characters
// (Unicode code points), as YAML parsers and editors do, not bytes.
type Pos struct{ Line, Col int }

// Span is the text a finding is about: Start is its first character and
// End the position just past its last (so a one-character span on column
// 5 ends at column 6, as in SARIF regions).
type Span struct{ Start, End Pos }

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
	off = max(0, min(off, len(f.Src)))
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Pos{Line: i + 1, Col: utf8.RuneCount(f.Src[starts[i]:off]) + 1}
}

// OffsetSpan converts the byte range [from, to) into a span.
func (f *File) OffsetSpan(from, to int) Span {
	return Span{Start: f.OffsetPos(from), End: f.OffsetPos(max(from, to))}
}

// Offset converts a position back into a byte offset (clamped to the
// line), the inverse of OffsetPos.
func (f *File) Offset(p Pos) int {
	starts := f.starts()
	if p.Line < 1 {
		return 0
	}
	if p.Line > len(starts) {
		return len(f.Src)
	}
	off := starts[p.Line-1]
	for col := 1; col < p.Col && off < len(f.Src) && f.Src[off] != '\n'; col++ {
		_, w := utf8.DecodeRune(f.Src[off:])
		off += w
	}
	return off
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
// the file. See LocateSpan.
func (f *File) Locate(s *actionlint.String, off int) Pos {
	return f.LocateSpan(s, off, off).Start
}

// LocateSpan maps the byte range [from, to) of a YAML string value (as
// the parser decoded it) to the source text it was read from, in every
// scalar style: plain, single- and double-quoted with escapes, literal and
// folded block scalars with any chomping and indentation indicator. A
// value that cannot be matched with its source (a string the caller built
// itself) gets an approximate position by line count.
func (f *File) LocateSpan(s *actionlint.String, from, to int) Span {
	if s == nil || s.Pos == nil {
		return Span{Pos{1, 1}, Pos{1, 1}}
	}
	from = max(0, min(from, len(s.Value)))
	to = max(from, min(to, len(s.Value)))
	if m := f.scalar(s); m != nil {
		start := m.start(from)
		end := start
		if to > from {
			end = max(start, m.end(to))
		}
		return f.OffsetSpan(start, end)
	}
	start := f.approximate(s, from)
	end := f.approximate(s, to)
	if end.Line < start.Line || (end.Line == start.Line && end.Col < start.Col) {
		end = start
	}
	return Span{start, end}
}

// scalar returns the source map of a string value, built once per value
// and file; nil when the source does not decode to the value.
func (f *File) scalar(s *actionlint.String) *scalarMap {
	key := scalarKey{s.Pos.Line, s.Pos.Col, s.Value}
	if m, ok := f.scalars.Load(key); ok {
		return m.(*scalarMap)
	}
	m, ok := mapScalar(f.Src, f.Offset(Pos{s.Pos.Line, s.Pos.Col}), s.Value)
	if !ok {
		m = nil
	}
	f.scalars.Store(key, m)
	return m
}

type scalarKey struct {
	line, col int
	value     string
}

// approximate is the position of a value offset by line count: right for
// literal block scalars and single-line values, which is what a value
// that does not match its source usually is.
func (f *File) approximate(s *actionlint.String, off int) Pos {
	valueLine := strings.Count(s.Value[:off], "\n")
	lineStart := strings.LastIndexByte(s.Value[:off], '\n') + 1
	colInLine := utf8.RuneCountInString(s.Value[lineStart:off])

	header := f.Line(s.Pos.Line)
	if c := f.Offset(Pos{s.Pos.Line, s.Pos.Col}) - f.Offset(Pos{s.Pos.Line, 1}); c >= 0 && c < len(header) && (header[c] == '|' || header[c] == '>') {
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

// TokenSpan is the span of the token that starts at p: a whole ${{ }}
// expression, a quoted string, or a run of name characters (letters,
// digits and _-./$@%+~#) or else of non-blank characters. It is the span
// of a finding whose check named only where it starts.
func (f *File) TokenSpan(p Pos) Span {
	line := f.Line(p.Line)
	lineStart := f.Offset(Pos{p.Line, 1})
	b := f.Offset(p) - lineStart
	if b < 0 || b >= len(line) {
		return Span{p, p}
	}
	n := tokenLen(line[b:])
	return Span{p, Pos{p.Line, p.Col + utf8.RuneCountInString(line[b:b+n])}}
}

func tokenLen(s string) int {
	if strings.HasPrefix(s, "${{") {
		if i := strings.Index(s, "}}"); i > 0 {
			return i + 2
		}
		return len(s)
	}
	if q := s[0]; q == '"' || q == '\'' {
		if i := strings.IndexByte(s[1:], q); i >= 0 {
			return i + 2
		}
		return len(s)
	}
	name := isNameByte(s[0])
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || (name && !isNameByte(c)) {
			return i
		}
	}
	return len(s)
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("_-./$@%+~#", c) >= 0 || c >= 0x80
}
