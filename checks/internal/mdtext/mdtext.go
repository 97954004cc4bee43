// Package mdtext reads the block structure of Markdown text that releasegate
// compares and links into: headings with their GitHub anchors, sections, and
// the items (list items and bold-led paragraphs) of a section.
//
// The structure comes from goldmark's syntax tree (internal/markdown, the
// dialect GitHub renders): what is a heading, a code block, a list item or
// raw HTML is decided by a CommonMark parser, inside block quotes and list
// items too. The same text is found in runbooks and inside YAML strings,
// shell heredocs and JavaScript template literals, so a Doc is built from
// lines that each keep the byte offset they came from, and findings can
// point at a file line.
package mdtext

import (
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/releasegate/releasegate/internal/markdown"
)

// Line is one line of a document.
type Line struct {
	Text string // without the line break; dedented by the caller if needed
	Off  int    // byte offset of Text[0] in the text positions refer to
}

// Doc is a Markdown text with its lines classified from the syntax tree.
type Doc struct {
	Lines []Line
	kinds []kind
	// Headings in document order, with GitHub's de-duplicated slugs.
	Headings []Heading
	// items are the top-level list items, by first line.
	items []span
	// owner[i] is the index in items of the item line i belongs to, or -1.
	owner []int
	// anchors are explicit <a name|id> anchors in raw HTML outside code.
	anchors []string
	// Err is why the text could not be parsed (then it has no headings,
	// items or code), nil normally.
	Err error
}

type kind uint8

const (
	kBlank kind = iota
	kText
	kHeading
	kUnderline // setext underline of the heading above
	kFence     // opening or closing fence line
	kCode      // inside a code block
	kHTML      // an HTML block
)

// span is a range of line indexes, End inclusive.
type span struct{ Start, End int }

// Heading is an ATX or setext heading.
type Heading struct {
	Index   int      // index in Doc.Lines of its first line
	Level   int      // 1..6
	Text    string   // the text a reader sees (markup removed, trimmed)
	Slug    string   // GitHub's anchor for it, de-duplicated
	Anchors []string // explicit <a name|id> anchors in or just above the heading
	end     int      // index of its last line (the underline of a setext heading)
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

// Parse reads a whole Markdown text.
func Parse(src string) *Doc {
	lines := Split(src)
	tree, err := markdown.Parse([]byte(src))
	return build(lines, []byte(src), offsets(lines), tree, err)
}

// FromTree reads a whole Markdown text already parsed by
// internal/markdown (a workspace file), without parsing it again.
func FromTree(src []byte, tree ast.Node) *Doc {
	lines := Split(string(src))
	return build(lines, src, offsets(lines), tree, nil)
}

// New reads lines (which need not be a whole file: a region of a YAML
// string works the same). They are parsed as one text joined by line
// breaks; positions map back through each line's offset.
func New(lines []Line) *Doc {
	var b strings.Builder
	starts := make([]int, len(lines))
	for i, l := range lines {
		starts[i] = b.Len()
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	src := []byte(b.String())
	tree, err := markdown.Parse(src)
	return build(lines, src, starts, tree, err)
}

func offsets(lines []Line) []int {
	out := make([]int, len(lines))
	for i, l := range lines {
		out[i] = l.Off
	}
	return out
}

// build classifies lines from the tree of src, in which line i starts at
// starts[i]. A text the parser refused (see markdown.ErrTooDeep) has
// lines but no structure, and Err says why.
func build(lines []Line, src []byte, starts []int, root ast.Node, err error) *Doc {
	d := &Doc{Lines: lines, kinds: make([]kind, len(lines)), owner: make([]int, len(lines)), Err: err}
	for i, l := range lines {
		if strings.TrimSpace(l.Text) != "" {
			d.kinds[i] = kText
		}
		d.owner[i] = -1
	}
	if root != nil {
		t := &tree{src: src, starts: starts, d: d}
		t.read(root)
	}
	d.slugs()
	return d
}

// tree reads the syntax tree of a Doc's text.
type tree struct {
	src    []byte
	starts []int // offset of each line in src
	d      *Doc
}

// line is the index of the line holding byte offset off of src.
func (t *tree) line(off int) int {
	return max(0, sort.SearchInts(t.starts, off+1)-1)
}

func (t *tree) read(root ast.Node) {
	markdown.Walk(root, func(n ast.Node) bool {
		switch b := n.(type) {
		case *ast.Heading:
			t.heading(b)
			return false
		case *ast.FencedCodeBlock:
			t.fence(b)
			return false
		case *ast.CodeBlock:
			t.mark(b, kCode)
			return false
		case *ast.HTMLBlock:
			t.mark(b, kHTML)
			t.rawHTML(b.Lines())
			if b.HasClosure() {
				t.d.kinds[t.line(b.ClosureLine.Start)] = kHTML
				t.d.anchors = append(t.d.anchors, explicitAnchors(string(b.ClosureLine.Value(t.src)))...)
			}
			return false
		case *ast.ListItem:
			if t.d.owner[t.line(b.Pos())] < 0 {
				t.item(b)
			}
		case *ast.RawHTML:
			t.rawHTML(b.Segments)
		}
		return true
	})
}

// rawHTML collects the explicit anchors of raw HTML.
func (t *tree) rawHTML(segs *text.Segments) {
	for i := range segs.Len() {
		s := segs.At(i)
		t.d.anchors = append(t.d.anchors, explicitAnchors(string(t.src[s.Start:s.Stop]))...)
	}
}

// mark classifies every line a block spans.
func (t *tree) mark(n ast.Node, k kind) span {
	sp := t.extent(n)
	for i := sp.Start; i <= sp.End; i++ {
		t.d.kinds[i] = k
	}
	return sp
}

// extent is the range of lines a block spans: from its position to the
// last line of anything inside it.
func (t *tree) extent(n ast.Node) span {
	sp := span{Start: -1, End: -1}
	add := func(off int) {
		if off < 0 || off >= len(t.src) {
			return
		}
		l := t.line(off)
		if sp.Start < 0 || l < sp.Start {
			sp.Start = l
		}
		sp.End = max(sp.End, l)
	}
	markdown.Walk(n, func(c ast.Node) bool {
		add(c.Pos())
		if c.Type() == ast.TypeBlock {
			lines := c.Lines()
			for i := range lines.Len() {
				add(lines.At(i).Start)
			}
			if f, ok := c.(*ast.FencedCodeBlock); ok {
				add(t.closingFence(f))
			}
		}
		if x, ok := c.(*ast.Text); ok {
			add(x.Segment.Start)
		}
		return true
	})
	if sp.Start < 0 {
		sp.Start, sp.End = 0, 0
	}
	return sp
}

// closingFence is the offset of the line closing a fenced block, or -1
// when the block runs to the end of its container.
func (t *tree) closingFence(f *ast.FencedCodeBlock) int {
	open := t.line(f.Pos())
	if lines := f.Lines(); lines.Len() > 0 {
		open = t.line(lines.At(lines.Len() - 1).Start)
	}
	next := open + 1
	if next >= len(t.starts) {
		return -1
	}
	fence := t.src[f.Pos()]
	rest := strings.TrimLeft(t.d.Lines[next].Text, " \t>")
	if len(rest) >= 3 && strings.Trim(rest, string(fence)+" \t") == "" {
		return t.starts[next]
	}
	return -1
}

func (t *tree) fence(f *ast.FencedCodeBlock) {
	sp := t.mark(f, kCode)
	t.d.kinds[sp.Start] = kFence
	if c := t.closingFence(f); c >= 0 {
		t.d.kinds[t.line(c)] = kFence
	}
}

// heading records a heading and classifies its lines.
func (t *tree) heading(h *ast.Heading) {
	sp := t.extent(h)
	atx := h.Pos() >= 0 && h.Pos() < len(t.src) && t.src[h.Pos()] == '#' && isATX(t.src[h.Pos():])
	first := sp.Start
	if h.Pos() >= 0 {
		first = t.line(h.Pos())
	}
	last := sp.End
	for i := first; i <= last; i++ {
		t.d.kinds[i] = kHeading
	}
	if !atx && last+1 < len(t.d.kinds) {
		last++
		t.d.kinds[last] = kUnderline
	}
	hd := Heading{Index: first, Level: h.Level, Text: strings.TrimSpace(inlineText(h, t.src)), end: last}
	markdown.Walk(h, func(c ast.Node) bool {
		if r, ok := c.(*ast.RawHTML); ok {
			for i := range r.Segments.Len() {
				s := r.Segments.At(i)
				hd.Anchors = append(hd.Anchors, explicitAnchors(string(t.src[s.Start:s.Stop]))...)
			}
		}
		return true
	})
	t.d.anchors = append(t.d.anchors, hd.Anchors...)
	t.d.Headings = append(t.d.Headings, hd)
}

// isATX reports whether text at a heading's position opens an ATX heading
// (a run of 1-6 # then a space or the end of the line), not a setext
// heading whose text starts with #.
func isATX(b []byte) bool {
	n := 0
	for n < len(b) && b[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(b) || b[n] == ' ' || b[n] == '\t' || b[n] == '\n' || b[n] == '\r')
}

// item records a top-level list item: the lines it owns.
func (t *tree) item(li *ast.ListItem) {
	sp := t.extent(li)
	idx := len(t.d.items)
	t.d.items = append(t.d.items, sp)
	for i := sp.Start; i <= sp.End; i++ {
		if t.d.owner[i] < 0 {
			t.d.owner[i] = idx
		}
	}
}

// inlineText is what a reader sees of a block's inline content: text and
// code, without markup, HTML or images; escapes and entities resolved.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	markdown.Walk(n, func(c ast.Node) bool {
		switch x := c.(type) {
		case *ast.Text:
			b.Write(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(x.Segment.Value(src)))))
			if x.SoftLineBreak() || x.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(x.Value)
		case *ast.CodeSpan:
			for g := x.FirstChild(); g != nil; g = g.NextSibling() {
				if s, ok := g.(*ast.Text); ok {
					b.Write(s.Segment.Value(src))
				} else if s, ok := g.(*ast.String); ok {
					b.Write(s.Value)
				}
			}
			return false
		case *ast.AutoLink:
			b.Write(x.Label(src))
			return false
		case *ast.RawHTML, *ast.Image:
			return false
		}
		return true
	})
	return b.String()
}

// slugs gives every heading GitHub's anchor, de-duplicated in document
// order, and adds explicit anchors on the line above a heading.
func (d *Doc) slugs() {
	seen := map[string]int{}
	for i := range d.Headings {
		h := &d.Headings[i]
		h.Slug = dedupe(seen, Slug(h.Text))
		if j := h.Index - 1; j >= 0 && (d.kinds[j] == kHTML || d.kinds[j] == kText) {
			// <a name="x"></a> on the line right above a heading also
			// names that heading.
			if above := strings.TrimSpace(d.Lines[j].Text); strings.HasPrefix(above, "<a ") && strings.HasSuffix(above, ">") {
				h.Anchors = append(h.Anchors, explicitAnchors(above)...)
			}
		}
	}
}

// dedupe mirrors GitHub: a repeated slug gets -1, -2, ...
func dedupe(seen map[string]int, slug string) string {
	result := slug
	for {
		if _, ok := seen[result]; !ok {
			break
		}
		seen[slug]++
		result = slug + "-" + strconv.Itoa(seen[slug])
	}
	seen[result] = 0
	return result
}

// Anchors returns every anchor a link may point at: heading slugs and
// explicit <a name|id> anchors anywhere outside code blocks, lower-cased.
func (d *Doc) Anchors() map[string]bool {
	out := map[string]bool{}
	for _, h := range d.Headings {
		out[strings.ToLower(h.Slug)] = true
		for _, a := range h.Anchors {
			out[strings.ToLower(a)] = true
		}
	}
	for _, a := range d.anchors {
		out[strings.ToLower(a)] = true
	}
	return out
}

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
// matches: same level and the same text, ignoring case.
func (d *Doc) FindHeading(marker string) []Section {
	level, want := headingOf(marker)
	var out []Section
	for _, h := range d.Headings {
		if level > 0 && h.Level == level && strings.EqualFold(h.Text, want) {
			out = append(out, d.section(h))
		}
	}
	return out
}

func (d *Doc) section(h Heading) Section {
	end := len(d.Lines)
	for _, o := range d.Headings {
		if o.Index > h.end && o.Level <= h.Level {
			end = o.Index
			break
		}
	}
	return Section{Heading: h, Start: min(h.end+1, end), End: end}
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
func IsHeadingMarker(marker string) bool {
	level, _ := headingOf(marker)
	return level > 0
}

// headingOf parses one line as Markdown: the level and text of the ATX
// heading it is, or 0.
func headingOf(line string) (int, string) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "#") {
		return 0, "" // the cheap test first: most lines are not headings
	}
	src := []byte(t)
	root, err := markdown.Parse(src)
	if err != nil {
		return 0, ""
	}
	if h, ok := root.FirstChild().(*ast.Heading); ok {
		return h.Level, strings.TrimSpace(inlineText(h, src))
	}
	return 0, ""
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
// level and text, ignoring case; a lead-in ("Common causes:") matches a
// line with the same text once emphasis is removed.
func MatchesMarker(line, marker string) bool {
	if level, want := headingOf(marker); level > 0 {
		got, text := headingOf(line)
		return got == level && strings.EqualFold(text, want)
	}
	t := strings.TrimSpace(line)
	return t != "" && NormalizeText(t) == NormalizeText(marker)
}
