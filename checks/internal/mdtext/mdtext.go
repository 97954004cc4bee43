// Package mdtext reads the block structure of Markdown text that releasegate
// compares and links into: headings with their GitHub anchors, sections, and
// the items (list items and bold-led paragraphs) of a section.
//
// It is deliberately line-based rather than a full CommonMark parser: the
// same text is found in runbooks and inside YAML strings, shell heredocs and
// JavaScript template literals, and every item must keep the byte offset it
// came from so findings can point at a file line.
package mdtext

import (
	"strings"
)

// Line is one line of a document.
type Line struct {
	Text string // without the line break; dedented by the caller if needed
	Off  int    // byte offset of Text[0] in the text positions refer to
}

// Doc is a Markdown text split into classified lines.
type Doc struct {
	Lines []Line
	kinds []kind
	level []int // heading level of heading lines, else 0
	// Headings in document order, with GitHub's de-duplicated slugs.
	Headings []Heading
}

type kind uint8

const (
	kBlank kind = iota
	kText
	kHeading
	kUnderline // setext underline of the heading above
	kFence     // opening or closing fence line
	kCode      // inside a fenced block
)

// Heading is an ATX or setext heading.
type Heading struct {
	Index   int      // index in Doc.Lines of the heading text line
	Level   int      // 1..6
	Text    string   // rendered text (markup removed)
	Slug    string   // GitHub's anchor for it, de-duplicated
	Anchors []string // explicit <a name|id> anchors in or just above the heading
}

// Split splits text into lines with their offsets.
func Split(src string) []Line {
	var out []Line
	off := 0
	for {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			out = append(out, Line{Text: strings.TrimSuffix(src[off:], "\r"), Off: off})
			return out
		}
		out = append(out, Line{Text: strings.TrimSuffix(src[off:off+i], "\r"), Off: off})
		off += i + 1
	}
}

// Parse classifies the lines of a whole Markdown text.
func Parse(src string) *Doc { return New(Split(src)) }

// New classifies lines (which need not be a whole file: a region of a YAML
// string works the same).
func New(lines []Line) *Doc {
	d := &Doc{Lines: lines, kinds: make([]kind, len(lines)), level: make([]int, len(lines))}
	d.classify()
	d.headings()
	return d
}

func (d *Doc) classify() {
	var fenceChar byte
	var fenceLen int
	for i, l := range d.Lines {
		t := l.Text
		if fenceLen > 0 {
			if isClosingFence(t, fenceChar, fenceLen) {
				d.kinds[i], fenceLen = kFence, 0
			} else {
				d.kinds[i] = kCode
			}
			continue
		}
		if c, n, ok := openingFence(t); ok {
			d.kinds[i], fenceChar, fenceLen = kFence, c, n
			continue
		}
		switch {
		case strings.TrimSpace(t) == "":
			d.kinds[i] = kBlank
		case atxLevel(t) > 0:
			d.kinds[i], d.level[i] = kHeading, atxLevel(t)
		case i > 0 && d.kinds[i-1] == kText && setextLevel(t) > 0 && !isItemStart(d.Lines[i-1].Text) && Indent(d.Lines[i-1].Text) < 4:
			d.kinds[i] = kUnderline
			d.kinds[i-1], d.level[i-1] = kHeading, setextLevel(t)
		default:
			d.kinds[i] = kText
		}
	}
}

func (d *Doc) headings() {
	seen := map[string]int{}
	for i, k := range d.kinds {
		if k != kHeading {
			continue
		}
		raw := d.Lines[i].Text
		if i+1 < len(d.kinds) && d.kinds[i+1] == kUnderline {
			raw = strings.TrimSpace(raw)
		} else {
			raw = atxContent(raw)
		}
		h := Heading{Index: i, Level: d.level[i], Text: RenderInline(raw)}
		h.Slug = dedupe(seen, Slug(h.Text))
		h.Anchors = explicitAnchors(raw)
		if i > 0 && d.kinds[i-1] == kText {
			// <a name="x"></a> on the line right above a heading also
			// names that heading.
			if above := strings.TrimSpace(d.Lines[i-1].Text); strings.HasPrefix(above, "<a ") && strings.HasSuffix(above, ">") {
				h.Anchors = append(h.Anchors, explicitAnchors(above)...)
			}
		}
		d.Headings = append(d.Headings, h)
	}
}

// dedupe mirrors github-slugger: a repeated slug gets -1, -2, ...
func dedupe(seen map[string]int, slug string) string {
	result := slug
	for {
		if _, ok := seen[result]; !ok {
			break
		}
		seen[slug]++
		result = slug + "-" + itoa(seen[slug])
	}
	seen[result] = 0
	return result
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Anchors returns every anchor a link may point at: heading slugs and
// explicit <a name|id> anchors anywhere outside code blocks.
func (d *Doc) Anchors() map[string]bool {
	out := map[string]bool{}
	for _, h := range d.Headings {
		out[strings.ToLower(h.Slug)] = true
	}
	for i, l := range d.Lines {
		if d.kinds[i] == kCode || d.kinds[i] == kFence {
			continue
		}
		for _, a := range explicitAnchors(l.Text) {
			out[strings.ToLower(a)] = true
		}
	}
	return out
}

// InCode reports whether line i is part of a fenced code block.
func (d *Doc) InCode(i int) bool { return d.kinds[i] == kCode || d.kinds[i] == kFence }

// Section is the lines a heading governs: from the line after it up to the
// next heading of the same or a higher level.
type Section struct {
	Heading    Heading
	Start, End int // line indexes, End exclusive
}

// FindAnchor returns the section of the heading with the given anchor (a
// slug or an explicit anchor), compared case-insensitively.
func (d *Doc) FindAnchor(anchor string) (Section, bool) {
	anchor = strings.ToLower(strings.TrimPrefix(anchor, "#"))
	for _, h := range d.Headings {
		match := strings.ToLower(h.Slug) == anchor
		for _, a := range h.Anchors {
			match = match || strings.ToLower(a) == anchor
		}
		if match {
			return d.section(h), true
		}
	}
	return Section{}, false
}

// FindHeading returns the sections of headings whose marker ("## Title")
// matches: same level and the same rendered text, ignoring case.
func (d *Doc) FindHeading(marker string) []Section {
	level := atxLevel(marker)
	want := RenderInline(atxContent(marker))
	var out []Section
	for _, h := range d.Headings {
		if h.Level == level && strings.EqualFold(h.Text, want) {
			out = append(out, d.section(h))
		}
	}
	return out
}

func (d *Doc) section(h Heading) Section {
	start := h.Index + 1
	if start < len(d.kinds) && d.kinds[start] == kUnderline {
		start++
	}
	end := len(d.Lines)
	for i := start; i < len(d.Lines); i++ {
		if d.kinds[i] == kHeading && d.level[i] <= h.Level {
			end = i
			break
		}
	}
	return Section{Heading: h, Start: start, End: end}
}

// FindLeadIn returns the indexes of lines whose text, with emphasis
// removed, is the lead-in ("Common causes:").
func (d *Doc) FindLeadIn(leadIn string) []int {
	want := NormalizeText(leadIn)
	probe := strings.Fields(RenderInline(leadIn))
	var out []int
	for i, l := range d.Lines {
		if d.kinds[i] != kText || (len(probe) > 0 && !strings.Contains(l.Text, probe[0])) {
			continue
		}
		if NormalizeText(l.Text) == want {
			out = append(out, i)
		}
	}
	return out
}

// IsHeadingMarker reports whether a section marker names a heading.
func IsHeadingMarker(marker string) bool { return atxLevel(strings.TrimSpace(marker)) > 0 }

// atxLevel returns the level of an ATX heading line, or 0.
func atxLevel(t string) int {
	if Indent(t) > 3 {
		return 0
	}
	t = strings.TrimLeft(t, " ")
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
		return 0
	}
	return n
}

// atxContent strips the opening and optional closing #s of an ATX heading.
func atxContent(t string) string {
	t = strings.TrimSpace(t)
	t = strings.TrimSpace(strings.TrimLeft(t, "#"))
	if s := strings.TrimRight(t, "#"); s != t && (s == "" || strings.HasSuffix(s, " ") || strings.HasSuffix(s, "\t")) {
		t = strings.TrimSpace(s)
	}
	return t
}

func setextLevel(t string) int {
	if Indent(t) > 3 {
		return 0
	}
	s := strings.TrimSpace(t)
	switch {
	case s == "":
		return 0
	case strings.Trim(s, "=") == "":
		return 1
	case strings.Trim(s, "-") == "":
		return 2
	}
	return 0
}

func openingFence(t string) (char byte, n int, ok bool) {
	s := strings.TrimLeft(t, " \t")
	if len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return 0, 0, false
	}
	char = s[0]
	for n < len(s) && s[n] == char {
		n++
	}
	if n < 3 || (char == '`' && strings.IndexByte(s[n:], '`') >= 0) {
		return 0, 0, false
	}
	return char, n, true
}

func isClosingFence(t string, char byte, n int) bool {
	s := strings.TrimSpace(t)
	return len(s) >= n && strings.Trim(s, string(char)) == ""
}

// Indent is the width of a line's leading whitespace, a tab counting four.
func Indent(t string) int {
	w := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w
		}
	}
	return w
}

// MatchesMarker reports whether a line, whatever its indentation, is the
// section marker: a heading marker ("## Title") matches a heading of that
// level and rendered text, ignoring case; a lead-in ("Common causes:")
// matches a line with the same text once emphasis is removed.
func MatchesMarker(line, marker string) bool {
	t := strings.TrimSpace(line)
	marker = strings.TrimSpace(marker)
	if lvl := atxLevel(marker); lvl > 0 {
		return atxLevel(t) == lvl && strings.EqualFold(RenderInline(atxContent(t)), RenderInline(atxContent(marker)))
	}
	return t != "" && NormalizeText(t) == NormalizeText(marker)
}
