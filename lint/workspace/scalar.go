package workspace

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A scalarMap maps byte offsets in a YAML scalar's decoded value to byte
// offsets in the file it was read from.
//
// The decoded value and the source text differ in every style but the
// simplest: quotes and escapes (`\"`, `”`, `\u00e9`), line folding in
// plain, quoted and `>` scalars (a line break read as a space, blank lines
// as line breaks), and the indentation stripped from block scalars. The
// map is built by decoding the source text again, the way a YAML parser
// does, and is only used when that decoding reproduces the parser's value
// byte for byte; otherwise Locate falls back to an approximation.
type scalarMap struct {
	segs []segment
	n    int // length of the decoded value
}

// segment is a run of decoded bytes and where it came from. A copied run
// has the same bytes in the source (decLen == srcLen, copy set). An escape
// or a folded line break has no such correspondence: every decoded byte of
// it maps to the start of its source text.
type segment struct {
	dec, src       int
	decLen, srcLen int
	copy           bool
}

// start maps the decoded offset of a span's first byte.
func (m *scalarMap) start(off int) int {
	s, ok := m.find(off)
	if !ok {
		return m.end(m.n)
	}
	if s.copy {
		return s.src + off - s.dec
	}
	return s.src
}

// end maps the decoded offset just past a span's last byte to the source
// offset just past that byte's source text.
func (m *scalarMap) end(off int) int {
	if off <= 0 || len(m.segs) == 0 {
		if len(m.segs) == 0 {
			return -1
		}
		return m.segs[0].src
	}
	s, ok := m.find(min(off, m.n) - 1)
	if !ok {
		return -1
	}
	if s.copy {
		return s.src + off - s.dec
	}
	return s.src + s.srcLen
}

func (m *scalarMap) find(off int) (segment, bool) {
	lo, hi := 0, len(m.segs)
	for lo < hi {
		mid := (lo + hi) / 2
		s := m.segs[mid]
		switch {
		case off < s.dec:
			hi = mid
		case off >= s.dec+s.decLen:
			lo = mid + 1
		default:
			return s, true
		}
	}
	return segment{}, false
}

// scalarDecoder re-reads one scalar from the source text.
type scalarDecoder struct {
	src   []byte
	value string // what the YAML parser decoded: the target
	out   strings.Builder
	segs  []segment
}

func (d *scalarDecoder) full() bool { return d.out.Len() >= len(d.value) }

// copyBytes records src[from:to] as decoded text.
func (d *scalarDecoder) copyBytes(from, to int) {
	if from >= to {
		return
	}
	dec := d.out.Len()
	d.out.Write(d.src[from:to])
	if n := len(d.segs); n > 0 {
		last := &d.segs[n-1]
		if last.copy && last.dec+last.decLen == dec && last.src+last.srcLen == from {
			last.decLen += to - from
			last.srcLen += to - from
			return
		}
	}
	d.segs = append(d.segs, segment{dec: dec, src: from, decLen: to - from, srcLen: to - from, copy: true})
}

// produce records decoded text that stands for src[at:at+srcLen].
func (d *scalarDecoder) produce(text string, at, srcLen int) {
	if text == "" {
		return
	}
	d.segs = append(d.segs, segment{dec: d.out.Len(), src: at, decLen: len(text), srcLen: srcLen})
	d.out.WriteString(text)
}

// result returns the map when the decoding reproduced the parser's value.
func (d *scalarDecoder) result() (*scalarMap, bool) {
	out := d.out.String()
	// Block scalars may decode trailing line breaks that chomping drops.
	if len(out) > len(d.value) && strings.Trim(out[len(d.value):], "\n") == "" {
		out = out[:len(d.value)]
	}
	if out != d.value {
		return nil, false
	}
	return &scalarMap{segs: d.segs, n: len(d.value)}, true
}

// mapScalar builds the map of a scalar whose node starts at byte offset at
// of src (its quote, its block indicator or its first character).
func mapScalar(src []byte, at int, value string) (*scalarMap, bool) {
	if at < 0 || at > len(src) {
		return nil, false
	}
	if value == "" {
		return &scalarMap{segs: []segment{{src: at, copy: true}}}, true
	}
	at = skipProperties(src, at)
	if at >= len(src) {
		return nil, false
	}
	d := &scalarDecoder{src: src, value: value}
	switch src[at] {
	case '"':
		d.flow(at+1, '"')
	case '\'':
		d.flow(at+1, '\'')
	case '|', '>':
		if !d.block(at) {
			return nil, false
		}
	default:
		d.flow(at, 0)
	}
	return d.result()
}

// skipProperties steps over a tag (!!str) and an anchor (&a) before the
// scalar itself.
func skipProperties(src []byte, at int) int {
	for at < len(src) && (src[at] == '!' || src[at] == '&') {
		for at < len(src) && src[at] != ' ' && src[at] != '\t' && src[at] != '\n' && src[at] != '\r' {
			at++
		}
		for at < len(src) && (src[at] == ' ' || src[at] == '\t') {
			at++
		}
	}
	return at
}

// flow decodes a plain (quote 0), single- or double-quoted scalar from j.
// These share line folding: trailing white space before a line break is
// dropped, the break and the next line's indentation become one space, and
// each blank line in between becomes a line break.
func (d *scalarDecoder) flow(j int, quote byte) {
	src := d.src
	for j < len(src) && (quote != 0 || !d.full()) {
		c := src[j]
		switch {
		case quote != 0 && c == quote:
			if quote == '\'' && j+1 < len(src) && src[j+1] == '\'' {
				d.produce("'", j, 2)
				j += 2
				continue
			}
			return
		case quote == '"' && c == '\\':
			j = d.escape(j)
		case c == '\n' || c == '\r':
			j = d.fold(j)
		case c == ' ' || c == '\t':
			k := j
			for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
				k++
			}
			if k < len(src) && (src[k] == '\n' || src[k] == '\r') {
				j = k // trailing white space is not content
				continue
			}
			d.copyBytes(j, k)
			j = k
		default:
			k := j + 1
			for k < len(src) && !special(src[k], quote) {
				k++
			}
			if quote == 0 {
				k = min(k, j+len(d.value)-d.out.Len())
			}
			d.copyBytes(j, k)
			j = k
		}
	}
}

func special(c, quote byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || (quote != 0 && (c == quote || c == '\\'))
}

// fold reads the line break at j, any blank lines after it and the next
// line's indentation, and produces what they fold to.
func (d *scalarDecoder) fold(j int) int {
	at := j
	breaks := 0
	for j < len(d.src) && (d.src[j] == '\n' || d.src[j] == '\r') {
		j = skipBreak(d.src, j)
		breaks++
		for j < len(d.src) && (d.src[j] == ' ' || d.src[j] == '\t') {
			j++
		}
	}
	if breaks == 1 {
		d.produce(" ", at, 0)
	} else {
		d.produce(strings.Repeat("\n", breaks-1), at, 0)
	}
	return j
}

func skipBreak(src []byte, j int) int {
	if src[j] == '\r' && j+1 < len(src) && src[j+1] == '\n' {
		return j + 2
	}
	return j + 1
}

var simpleEscapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
	'r': "\r", 'e': "\x1b", ' ': " ", '"': `"`, '/': "/", '\\': `\`,
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// escape decodes the escape sequence at j (a backslash) in a
// double-quoted scalar and returns the offset after it.
func (d *scalarDecoder) escape(j int) int {
	src := d.src
	if j+1 >= len(src) {
		return len(src)
	}
	c := src[j+1]
	if c == '\n' || c == '\r' {
		// An escaped line break joins the lines with nothing between.
		j = skipBreak(src, j+1)
		for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		return j
	}
	if s, ok := simpleEscapes[c]; ok {
		d.produce(s, j, 2)
		return j + 2
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if width == 0 || j+2+width > len(src) {
		d.produce(string(c), j, 2) // not YAML; the value check rejects the map
		return j + 2
	}
	r, err := strconv.ParseUint(string(src[j+2:j+2+width]), 16, 32)
	if err != nil {
		r = utf8.RuneError
	}
	d.produce(string(rune(r)), j, 2+width)
	return j + 2 + width
}

// block decodes a literal (|) or folded (>) block scalar whose indicator
// is at offset at.
func (d *scalarDecoder) block(at int) bool {
	src := d.src
	folded := src[at] == '>'
	j := at + 1
	for j < len(src) && src[j] != '\n' && src[j] != '\r' {
		j++ // chomping and indentation indicators, a comment
	}
	if j >= len(src) {
		return false
	}
	j = skipBreak(src, j)
	lines := blockLines(src, j)
	indent, ok := d.blockIndent(lines)
	if !ok {
		return false
	}
	var prev *blockLine // the last text line
	blanks := 0         // empty lines since it
	for i := range lines {
		l := &lines[i]
		if l.indent < indent && !l.blank {
			break // a less indented line ends the scalar
		}
		if l.blank && l.end-l.start <= indent {
			blanks++
			continue
		}
		content := l.start + indent
		switch {
		case prev == nil:
			d.produce(strings.Repeat("\n", blanks), l.start, 0)
		case !folded:
			d.produce(strings.Repeat("\n", blanks+1), prev.end, 0)
		case !spaced(src, prev.start+indent) && !spaced(src, content):
			if blanks == 0 {
				d.produce(" ", prev.end, 0)
			} else {
				d.produce(strings.Repeat("\n", blanks), prev.end, 0)
			}
		default:
			d.produce(strings.Repeat("\n", blanks+1), prev.end, 0)
		}
		d.copyBytes(content, l.end)
		prev, blanks = l, 0
		if d.full() {
			return true
		}
	}
	if prev != nil {
		d.produce(strings.Repeat("\n", blanks+1), prev.end, 0)
	}
	return true
}

// spaced reports whether a folded line starts with white space: such
// "more indented" lines keep their line breaks.
func spaced(src []byte, at int) bool {
	return at < len(src) && (src[at] == ' ' || src[at] == '\t')
}

// blockLine is one source line after a block scalar's header.
type blockLine struct {
	start, end int // byte offsets, end before the line break
	indent     int // leading spaces
	blank      bool
}

func blockLines(src []byte, j int) []blockLine {
	var out []blockLine
	for j < len(src) {
		l := blockLine{start: j}
		for j < len(src) && src[j] == ' ' {
			j++
		}
		l.indent = j - l.start
		k := j
		for k < len(src) && src[k] != '\n' && src[k] != '\r' {
			k++
		}
		l.end = k
		l.blank = strings.TrimLeft(string(src[j:k]), " \t") == ""
		out = append(out, l)
		if k >= len(src) {
			break
		}
		j = skipBreak(src, k)
	}
	return out
}

// blockIndent infers the content indentation of a block scalar: the first
// text line's indentation, less the spaces the parser kept at the start of
// that line in the value (an explicit indentation indicator keeps some).
func (d *scalarDecoder) blockIndent(lines []blockLine) (int, bool) {
	v := strings.TrimLeft(d.value, "\n")
	kept := len(v) - len(strings.TrimLeft(v, " "))
	for _, l := range lines {
		if !l.blank {
			n := l.indent - kept
			return n, n >= 0
		}
	}
	return 0, false
}
