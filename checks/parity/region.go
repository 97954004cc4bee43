package parity

import (
	"strings"

	"github.com/releasegate/releasegate/checks/internal/mdtext"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// heredocRe finds a shell here-document opener: <<EOF, <<-'EOF', << "BODY".
var heredocRe = lazyre.New(`<<-?\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|([A-Za-z_][A-Za-z0-9_]*))`)

// region narrows a string value to the text the marker on line idx lives
// in: the body of the enclosing here-document, or for a github-script
// `script` the enclosing template literal, else the whole value. It
// returns the region's lines, dedented, and the index in lines of its
// first line.
func region(value string, lines []mdtext.Line, idx int, key string) ([]mdtext.Line, int) {
	if from, to, ok := heredoc(lines, idx); ok {
		return dedent(lines[from:to], false), from
	}
	if key == "script" {
		if out, first, ok := templateLiteral(value, lines, idx); ok {
			return out, first
		}
	}
	return dedent(lines, false), 0
}

// heredoc returns the body lines [from,to) of the innermost here-document
// around line idx.
func heredoc(lines []mdtext.Line, idx int) (from, to int, ok bool) {
	for j := idx - 1; j >= 0; j-- {
		for _, m := range heredocRe().FindAllStringSubmatch(lines[j].Text, -1) {
			word := m[1] + m[2] + m[3]
			end := len(lines)
			for k := j + 1; k < len(lines); k++ {
				if strings.TrimSpace(lines[k].Text) == word {
					end = k
					break
				}
			}
			if idx < end {
				return j + 1, end, true
			}
		}
	}
	return 0, 0, false
}

// templateLiteral returns the lines of the JavaScript template literal
// (`...`) around line idx, with \` and \\ unescaped. Markdown code spans
// inside a template literal are written \`x\`, so unescaped backticks
// delimit the literal.
func templateLiteral(value string, lines []mdtext.Line, idx int) ([]mdtext.Line, int, bool) {
	at := lines[idx].Off
	open, inside := -1, false
	for i := 0; i < at; i++ {
		switch value[i] {
		case '\\':
			i++
		case '`':
			inside = !inside
			open = i
		}
	}
	if !inside {
		return nil, 0, false
	}
	end := len(value)
	for i := at; i < len(value); i++ {
		if value[i] == '\\' {
			i++
			continue
		}
		if value[i] == '`' {
			end = i
			break
		}
	}
	first := -1
	var out []mdtext.Line
	for i, l := range lines {
		lo, hi := l.Off, l.Off+len(l.Text)
		if hi <= open || lo >= end {
			continue
		}
		if first < 0 {
			first = i
		}
		cut := lo <= open
		if cut {
			lo = open + 1
		}
		hi = min(hi, end)
		text := value[lo:hi]
		if cut {
			trimmed := strings.TrimLeft(text, " \t")
			lo += len(text) - len(trimmed)
			text = trimmed
		}
		out = append(out, mdtext.Line{Text: unescapeJS(text), Off: lo})
	}
	if first < 0 {
		return nil, 0, false
	}
	return dedent(out, lines[first].Off < open+1), first, true
}

func unescapeJS(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer("\\`", "`", `\\`, `\`, `\$`, `$`).Replace(s)
}

// dedent removes the indentation common to the non-blank lines (ignoring
// the first line when it was cut out of the middle of a line), keeping
// offsets pointing at the same characters.
func dedent(lines []mdtext.Line, firstCut bool) []mdtext.Line {
	common := -1
	for i, l := range lines {
		if (i == 0 && firstCut) || strings.TrimSpace(l.Text) == "" {
			continue
		}
		n := len(l.Text) - len(strings.TrimLeft(l.Text, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	if common <= 0 {
		return lines
	}
	out := make([]mdtext.Line, len(lines))
	for i, l := range lines {
		n := min(common, len(l.Text)-len(strings.TrimLeft(l.Text, " \t")))
		if i == 0 && firstCut {
			n = 0
		}
		out[i] = mdtext.Line{Text: l.Text[n:], Off: l.Off + n}
	}
	return out
}
