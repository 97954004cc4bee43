package mdtext

import "strings"

// Item is one top-level list item or bold-led paragraph of a section,
// together with everything nested in it.
type Item struct {
	Index int    // index in Doc.Lines of its first line
	Off   int    // offset of its first non-blank character
	End   int    // offset just past the last non-blank character of its first line
	Text  string // its lines, trimmed, list markers removed, joined by "\n"
}

// itemBuilder collects the lines of the item being read.
type itemBuilder struct {
	item  Item
	lines []string
}

func (b *itemBuilder) add(t string) {
	s := strings.TrimSpace(t)
	if strings.HasPrefix(s, ">") {
		s = strings.TrimLeft(s, "> \t") // block quote markers are not text
	}
	if _, w, ok := itemMarker(s); ok {
		s = strings.TrimSpace(s[w:])
	}
	b.lines = append(b.lines, s)
}

// Items returns the items of lines [start, end). In lead-in mode the list
// must begin at the first non-blank line and ends at the first line that
// is not part of it; otherwise every top-level item in the range counts,
// and paragraphs, headings and code blocks between them are skipped.
//
// Which lines belong to which list item is the syntax tree's answer
// (nested lists, lazy lines, code inside items); a paragraph that opens
// with strong emphasis is an item too, up to a blank line.
func (d *Doc) Items(start, end int, leadIn bool) []Item {
	end = min(end, len(d.Lines))
	r := itemReader{d: d, leadIn: leadIn, prevBlank: true, owner: -1}
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
	owner     int  // the list item cur is, -1 for a bold-led paragraph
	absorbed  int  // a list item taken into a bold-led paragraph, or -1
	prevBlank bool // the line before was blank
	stop      bool
}

func (r *itemReader) flush() {
	if r.cur != nil {
		r.cur.item.Text = strings.Join(r.cur.lines, "\n")
		r.items = append(r.items, r.cur.item)
		r.cur = nil
	}
	r.owner = -1
}

// end closes the current item and, in lead-in mode, the list.
func (r *itemReader) end() {
	r.flush()
	r.stop = r.leadIn
}

func (r *itemReader) line(i int) {
	t := r.d.Lines[i].Text
	k := r.d.kinds[i]
	if o := r.d.owner[i]; o >= 0 {
		r.listLine(i, o, t, k)
		return
	}
	switch {
	case k == kBlank:
		if r.cur != nil && r.owner < 0 {
			r.flush() // a blank line ends a bold-led paragraph
		}
		r.prevBlank = true
		return
	case k == kHeading || k == kUnderline:
		r.end()
	case k == kFence || k == kCode:
		if r.cur == nil || (r.prevBlank && k == kFence) {
			r.end()
		} else {
			r.cur.lines = append(r.cur.lines, strings.TrimSpace(t))
		}
	case isComment(t):
		return // suppression comments may sit between items
	case r.cur != nil && !r.prevBlank:
		r.cur.add(t) // the paragraph goes on
	case Indent(t) <= 3 && boldLed(strings.TrimLeft(t, " \t")):
		r.flush()
		r.start(i, t, -1)
	default:
		r.end() // a plain paragraph is not an item
	}
	r.prevBlank = false
}

// listLine reads a line of top-level list item o.
func (r *itemReader) listLine(i, o int, t string, k kind) {
	switch {
	case k == kBlank:
		if r.cur != nil && r.owner == o {
			r.prevBlank = true
		}
		return
	case r.cur != nil && (r.owner == o || r.absorbed == o):
	case r.cur != nil && r.owner < 0 && !r.prevBlank && r.d.items[o].Start == i:
		r.absorbed = o // a list right under a bold-led paragraph is part of it
	default:
		r.flush()
		r.start(i, t, o)
		r.prevBlank = false
		return
	}
	if k == kCode || k == kFence {
		r.cur.lines = append(r.cur.lines, strings.TrimSpace(t))
	} else {
		r.cur.add(t)
	}
	r.prevBlank = false
}

func (r *itemReader) start(i int, t string, owner int) {
	l := r.d.Lines[i]
	lead := len(t) - len(strings.TrimLeft(t, " \t"))
	r.cur = &itemBuilder{item: Item{Index: i, Off: l.Off + lead, End: l.Off + len(strings.TrimRight(t, " \t"))}}
	r.owner, r.absorbed = owner, -1
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
