package linttest

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// ScalarStyles are the YAML scalar styles Scalar writes: plain, single-
// and double-quoted, literal and folded block scalars with every chomping
// indicator and with indentation indicators.
var ScalarStyles = []string{"plain", "'", `"`, "|", "|-", "|+", "|2", ">", ">-", ">+", ">2", "|4-", ">3+"}

// escapes are filler words written with the quoted styles' escapes.
var escapes = map[string][]string{
	"'":   {"it''s", "''", "say ''hi''"},
	`"`:   {`\"q\"`, `\\`, `\t`, `\u00e9t\u00e9`, `\x41`, `\U0001F600`, `a\nb`, `\ `, `\_`},
	"any": {"café", "日本語", "-X", "{a}", "[b]", "x"},
}

// Scalar writes parts, verbatim and in order, as one YAML scalar of the
// style, for the value of a mapping key at indentation parent. Between
// parts it puts what makes positions drift: spaces, line breaks, blank
// lines, trailing spaces, more indented lines, escaped line breaks, and
// filler words with escapes and non-ASCII text. The text starts where the
// value starts (after "key: ") and ends with a line break. Parts must be
// valid verbatim in the style (no quote of the style, no ": " or " #" in
// plain style) and must not start or end with white space.
func Scalar(r *rand.Rand, style string, parts []string, parent int) string {
	var toks []string
	for _, p := range parts {
		for r.IntN(3) == 0 {
			fill := escapes["any"]
			if e := escapes[style]; len(e) > 0 && r.IntN(2) == 0 {
				fill = e
			}
			toks = append(toks, fill[r.IntN(len(fill))])
		}
		toks = append(toks, p)
	}
	if style == "plain" && strings.ContainsAny(toks[0][:1], "[{-!&*|>'\"%@`#,?:") {
		toks = append([]string{"x"}, toks...) // else not a plain scalar
	}
	ind := strings.Repeat(" ", parent+2+r.IntN(3))
	if strings.ContainsAny(style[:1], "|>") {
		return block(r, style, toks, parent, ind)
	}
	return flow(r, style, toks, ind)
}

func block(r *rand.Rand, style string, toks []string, parent int, ind string) string {
	var b strings.Builder
	b.WriteString(style)
	extra := ""
	if i := strings.IndexAny(style, "123456789"); i > 0 {
		ind = strings.Repeat(" ", parent+int(style[i]-'0'))
		extra = "  " // the indicator lets the first line be more indented
	}
	if r.IntN(4) == 0 {
		b.WriteString(" # a comment")
	}
	b.WriteString("\n")
	if r.IntN(4) == 0 {
		b.WriteString("\n") // a leading blank line
	}
	b.WriteString(ind + extra)
	join(&b, toks, func() string {
		switch r.IntN(6) {
		case 0:
			return "\n" + ind
		case 1:
			return "\n\n" + ind
		case 2:
			return "\n" + ind + "  " // a more indented line
		}
		return " "
	})
	b.WriteString("\n")
	if r.IntN(3) == 0 {
		b.WriteString("\n\n")
	}
	return b.String()
}

func flow(r *rand.Rand, style string, toks []string, ind string) string {
	q := ""
	if style != "plain" {
		q = style
	}
	var b strings.Builder
	b.WriteString(q)
	join(&b, toks, func() string {
		switch r.IntN(7) {
		case 0:
			return "\n" + ind
		case 1:
			return "  \n\n" + ind // trailing spaces, a blank line
		case 2:
			if q == `"` {
				return " \\\n" + ind // an escaped line break
			}
			return "\n" + ind + "  "
		}
		return " "
	})
	b.WriteString(q)
	if r.IntN(3) == 0 && style == "plain" {
		b.WriteString(" # comment")
	}
	b.WriteString("\n")
	return b.String()
}

// join writes toks separated by what sep picks for each gap.
func join(b *strings.Builder, toks []string, sep func() string) {
	for i, t := range toks {
		if i > 0 {
			b.WriteString(sep())
		}
		b.WriteString(t)
	}
}

// SpanText is the text of files[file] from line:col to endLine:endCol
// (a finding's span), or "" when the span is not inside the file.
func SpanText(files map[string]string, file string, line, col, endLine, endCol int) string {
	from, ok1 := offset(files[file], line, col)
	to, ok2 := offset(files[file], endLine, endCol)
	if !ok1 || !ok2 || to < from {
		return ""
	}
	return files[file][from:to]
}

// offset converts a 1-based line and character column into a byte offset.
func offset(src string, line, col int) (int, bool) {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(src) || src[off] == '\n' {
			return 0, false
		}
		_, w := utf8.DecodeRuneInString(src[off:])
		off += w
	}
	return off, true
}
