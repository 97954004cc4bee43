package mdtext

import "strings"

// Item is one top-level list item or bold-led paragraph of a section,
// together with everything nested in it.
type Item struct {
	Index int    // index in Doc.Lines of its first line
	Off   int    // offset of its first non-blank character
	Text  string // its lines, trimmed, list markers removed, joined by "\n"
}

// itemBuilder collects the lines of the item being read.
type itemBuilder struct {
	item    Item
	list    bool // a list item (else a bold-led paragraph)
	indent  int  // indentation of its marker
	content int  // column its content starts at
	lines   []string
}

func (b *itemBuilder) add(t string) {
	s := strings.TrimSpace(t)
	if _, w, ok := itemMarker(s); ok {
		s = strings.TrimSpace(s[w:])
	}
	b.lines = append(b.lines, s)
}

// Items returns the items of lines [start, end). In lead-in mode the list
// must begin at the first non-blank line and ends at the first line that
// is not part of it; otherwise every top-level item in the range counts,
// and paragraphs, headings and code blocks between them are skipped.
func (d *Doc) Items(start, end int, leadIn bool) []Item {
	end = min(end, len(d.Lines))
	r := itemReader{d: d, leadIn: leadIn, prevBlank: true}
	for i := max(start, 0); i < end && !r.stop; i++ {
		r.line(i)
	}
	r.flush()
	return r.items
}

type itemReader struct {
	d         *Doc
	leadIn    bool
	items     []Item
	cur       *itemBuilder
	prevBlank bool
	inFence   bool
	fenceTo   *itemBuilder // owner of the fenced block being read, or nil
	stop      bool
}

func (r *itemReader) flush() {
	if r.cur != nil {
		r.cur.item.Text = strings.Join(r.cur.lines, "\n")
		r.items = append(r.items, r.cur.item)
		r.cur = nil
	}
}

// end closes the current item and, in lead-in mode, the list.
func (r *itemReader) end() {
	r.flush()
	r.stop = r.leadIn
}

func (r *itemReader) line(i int) {
	t := r.d.Lines[i].Text
	ind := Indent(t)
	switch r.d.kinds[i] {
	case kBlank:
		r.prevBlank = true
		if r.inFence && r.fenceTo != nil {
			r.fenceTo.lines = append(r.fenceTo.lines, "")
		}
		if r.cur != nil && !r.cur.list && !r.inFence {
			r.flush()
		}
		return
	case kFence, kCode:
		r.fence(i, t, ind)
	case kHeading, kUnderline:
		r.end()
	default:
		if isComment(t) && !r.inFence {
			return // suppression comments may sit between items
		}
		r.text(i, t, ind)
	}
	r.prevBlank = false
}

func (r *itemReader) fence(i int, t string, ind int) {
	if r.inFence {
		if r.fenceTo != nil {
			r.fenceTo.lines = append(r.fenceTo.lines, strings.TrimSpace(t))
		}
		if r.d.kinds[i] == kFence {
			r.inFence = false
		}
		return
	}
	r.inFence = true
	r.fenceTo = nil
	if r.cur != nil && (ind > r.cur.indent || !r.prevBlank) {
		r.fenceTo = r.cur
		r.cur.lines = append(r.cur.lines, strings.TrimSpace(t))
		return
	}
	r.end()
}

func (r *itemReader) text(i int, t string, ind int) {
	trimmed := strings.TrimLeft(t, " \t")
	_, w, isItem := itemMarker(trimmed)
	cur := r.cur
	switch {
	case isItem && cur != nil && cur.list && ind >= cur.content:
		cur.add(t) // nested list item
	case isItem && cur != nil && !cur.list && !r.prevBlank:
		cur.add(t) // a list right under a bold-led paragraph
	case isItem:
		r.flush()
		r.start(i, t, ind, true, ind+w+1)
	case cur != nil && (ind > cur.indent || !r.prevBlank):
		cur.add(t) // continuation, nested or lazy
	case ind <= 3 && boldLed(trimmed):
		r.flush()
		r.start(i, t, ind, false, ind)
	default:
		r.end() // a plain paragraph is not an item
	}
}

func (r *itemReader) start(i int, t string, ind int, list bool, content int) {
	l := r.d.Lines[i]
	lead := len(t) - len(strings.TrimLeft(t, " \t"))
	r.cur = &itemBuilder{item: Item{Index: i, Off: l.Off + lead}, list: list, indent: ind, content: content}
	r.cur.add(t)
}

// itemMarker recognises a bullet (-, *, +) or ordered (1. or 1)) list
// marker at the start of s, returning its width.
func itemMarker(s string) (ordered bool, width int, ok bool) {
	if s == "" {
		return false, 0, false
	}
	if isThematicBreak(s) {
		return false, 0, false
	}
	switch s[0] {
	case '-', '*', '+':
		if len(s) == 1 || s[1] == ' ' || s[1] == '\t' {
			return false, 1, true
		}
		return false, 0, false
	}
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n >= len(s) || (s[n] != '.' && s[n] != ')') {
		return false, 0, false
	}
	if n+1 == len(s) || s[n+1] == ' ' || s[n+1] == '\t' {
		return true, n + 1, true
	}
	return false, 0, false
}

func isItemStart(t string) bool {
	_, _, ok := itemMarker(strings.TrimLeft(t, " \t"))
	return ok
}

func isThematicBreak(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 3 {
		return false
	}
	c := s[0]
	if c != '-' && c != '*' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// boldLed reports whether a paragraph opens with strong emphasis, the
// "**Token expired.** Rotate it ..." shape runbooks use for item lists.
func boldLed(s string) bool {
	for _, m := range []string{"**", "__"} {
		if strings.HasPrefix(s, m) && len(s) > 2 && s[2] != ' ' && strings.Contains(s[2:], m) {
			return true
		}
	}
	return false
}

// isComment reports whether a line is one whole HTML comment, such as
// <!-- releasegate:ignore[parity-drift] reason -->.
func isComment(t string) bool {
	s := strings.TrimSpace(t)
	return strings.HasPrefix(s, "<!--") && strings.HasSuffix(s, "-->") && strings.Count(s, "-->") == 1
}
