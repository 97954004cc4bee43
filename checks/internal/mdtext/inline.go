package mdtext

import (
	"strings"
	"unicode"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// Segment is a run of inline text: either a code span's content or the
// Markdown text between code spans.
type Segment struct {
	Text string
	Code bool
}

// Segments splits inline text at code spans. A backtick run opens a span
// that the next run of the same length closes (CommonMark); an unmatched
// run is literal text.
func Segments(s string) []Segment {
	var out []Segment
	plain := 0
	for _, sp := range CodeSpans(s) {
		if sp[0] > plain {
			out = append(out, Segment{Text: s[plain:sp[0]]})
		}
		out = append(out, Segment{Text: codeContent(s[sp[2]:sp[3]]), Code: true})
		plain = sp[1]
	}
	if plain < len(s) {
		out = append(out, Segment{Text: s[plain:]})
	}
	return out
}

// CodeSpans returns the code spans of s as [start, end, contentStart,
// contentEnd] byte offsets, backticks included in [start, end).
func CodeSpans(s string) [][4]int {
	var out [][4]int
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			i += 2
			continue
		}
		if s[i] != '`' {
			i++
			continue
		}
		n := runLen(s, i, '`')
		end := findRun(s, i+n, n)
		if end < 0 {
			i += n
			continue
		}
		out = append(out, [4]int{i, end + n, i + n, end})
		i = end + n
	}
	return out
}

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// findRun finds the next run of exactly n backticks at or after i.
func findRun(s string, i, n int) int {
	for i < len(s) {
		j := strings.IndexByte(s[i:], '`')
		if j < 0 {
			return -1
		}
		j += i
		m := runLen(s, j, '`')
		if m == n {
			return j
		}
		i = j + m
	}
	return -1
}

func codeContent(c string) string {
	c = strings.ReplaceAll(c, "\n", " ")
	if len(c) >= 2 && c[0] == ' ' && c[len(c)-1] == ' ' && strings.TrimSpace(c) != "" {
		c = c[1 : len(c)-1]
	}
	return c
}

var (
	linkRe     = lazyre.New(`!?\[([^\]]*)\]\([^)]*\)`)
	refLinkRe  = lazyre.New(`!?\[([^\]]*)\]\[[^\]]*\]`)
	autolinkRe = lazyre.New(`<((?i:https?|mailto|ftp):[^\s<>]*)>`)
	tagRe      = lazyre.New(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
	commentRe  = lazyre.New(`(?s)<!--.*?-->`)
	escapeRe   = lazyre.New("\\\\([!-/:-@\\[-`{-~])")
	underEmRe  = lazyre.New(`(^|[^\p{L}\p{N}_])_{1,3}([^_\s](?:[^_]*[^_\s])?)_{1,3}($|[^\p{L}\p{N}_])`)
	anchorRe   = lazyre.New(`(?i)<[a-z][a-z0-9]*\s[^>]*?\b(?:name|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))`)
	spaceRe    = lazyre.New(`\s+`)
)

// RenderInline returns the text a reader sees: code span contents kept
// verbatim, links reduced to their text, HTML tags dropped, emphasis
// markers removed.
func RenderInline(s string) string {
	var b strings.Builder
	for _, seg := range Segments(s) {
		if seg.Code {
			b.WriteString(seg.Text)
			continue
		}
		b.WriteString(stripMarkup(seg.Text))
	}
	return strings.TrimSpace(b.String())
}

func stripMarkup(t string) string {
	// The regular expressions are only run when their first character
	// occurs: most item text has no links or tags.
	if strings.Contains(t, "<") {
		t = commentRe().ReplaceAllString(t, "")
		t = autolinkRe().ReplaceAllString(t, "$1")
		t = tagRe().ReplaceAllString(t, "")
	}
	if strings.Contains(t, "[") {
		t = linkRe().ReplaceAllString(t, "$1")
		t = refLinkRe().ReplaceAllString(t, "$1")
	}
	t = stripEmphasis(t)
	if strings.Contains(t, "\\") {
		t = escapeRe().ReplaceAllString(t, "$1")
	}
	return t
}

// stripEmphasis removes * always (outside code it is only ever markup in
// the texts we compare) and _ where it delimits emphasis rather than sits
// inside a word such as DOCKERHUB_TOKEN_RW.
func stripEmphasis(t string) string {
	t = strings.ReplaceAll(t, "*", "")
	if !strings.Contains(t, "_") {
		return t
	}
	for range 2 { // adjacent matches share a boundary character
		t = underEmRe().ReplaceAllString(t, "$1$2$3")
	}
	return t
}

// NormalizeText is the form `exact` comparison uses: HTML comments and
// emphasis removed, code spans kept in backticks, whitespace collapsed.
func NormalizeText(s string) string {
	var b strings.Builder
	if strings.Contains(s, "<!--") {
		s = commentRe().ReplaceAllString(s, "")
	}
	for _, seg := range Segments(s) {
		if seg.Code {
			b.WriteString("`" + seg.Text + "`")
			continue
		}
		b.WriteString(stripEmphasis(seg.Text))
	}
	return strings.TrimSpace(spaceRe().ReplaceAllString(b.String(), " "))
}

// Slug is GitHub's anchor for a heading's text (markup already removed):
// leading and trailing white space dropped, ASCII letters lower-cased
// (other letters are kept as written, as GitHub's documented example
// keeps Θ), letters, digits, marks, '-' and '_' kept, each space a '-',
// everything else dropped. Links compare anchors ignoring case.
func Slug(text string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// explicitAnchors returns the name/id values of HTML tags in s.
func explicitAnchors(s string) []string {
	var out []string
	for _, m := range anchorRe().FindAllStringSubmatch(s, -1) {
		if v := m[1] + m[2] + m[3]; v != "" {
			out = append(out, v)
		}
	}
	return out
}
