package report

// The escaping every writer applies to the strings it did not write
// itself: file names and messages from the scanned repository, names and
// messages from registries. A pull request or a registry must not be able
// to add workflow commands to a job log, terminal escapes to a terminal
// or markup to a step summary.

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text makes an untrusted string safe inside one line of text output
// (the text format, notes on stderr). GitHub's runner reads a line that
// begins with "::" (after spaces) as a workflow command, and "##[" anywhere
// in a line as one in the older syntax; a line break in a file name would
// start such a line. A string that prints as it is and cannot be read as
// a command is returned unchanged. Any other is quoted whole as a Go
// string literal: line breaks, terminal escapes, bidirectional controls
// and invalid UTF-8 become escapes, and its "[" after "##" is written
// \x5b, so the quoted form still decodes to the original.
func Text(s string) string {
	if plainText(s) {
		return s
	}
	return strings.ReplaceAll(strconv.Quote(s), "##[", `##\x5b`)
}

// plainText reports whether s can be printed in a line as it is.
func plainText(s string) bool {
	if strings.HasPrefix(s, `"`) || // would read as quoted
		strings.HasPrefix(strings.TrimLeftFunc(s, unicode.IsSpace), "::") ||
		strings.Contains(s, "##[") || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r != ' ' && !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// EscapeData escapes the message of a workflow command (after its final
// "::"): the runner decodes %25, %0D and %0A, so the message stays on its
// line.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a workflow-command property value, which also
// must not hold the ":" and "," that end it.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// MarkdownCell makes an untrusted string plain text inside a Markdown
// table cell (step summaries), as GitHub renders it: every character that
// opens markup (emphasis, code spans, links and images, raw HTML, entity
// references, math, mentions, the cell's own "|") is backslash-escaped,
// as are the ":" of "://" and the "." of "www." that GitHub would turn
// into links, and line breaks become spaces. Markup releasegate means is
// added around the escaped text, never passed through it.
func MarkdownCell(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_~[]<>!&|$#@", r),
			r == ':' && strings.HasPrefix(s[i:], "://"),
			r == '.' && strings.HasSuffix(strings.ToLower(s[:i]), "www"):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			writeControl(&b, r)
		}
	}
	return b.String()
}

// MarkdownCode renders an untrusted string as a code span in a Markdown
// table cell: the span's fence is longer than any run of backticks in s,
// so none can close it early; "|" is escaped for the table and line
// breaks become spaces. Inside a code span, HTML and links are text.
func MarkdownCode(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
		switch r {
		case '\n', '\r':
			b.WriteByte(' ')
		case '|':
			b.WriteString(`\|`)
		default:
			writeControl(&b, r)
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 {
		// A space each side, which the span drops, keeps a backtick at
		// either end of s from joining the fence.
		return fence + " " + b.String() + " " + fence
	}
	return fence + b.String() + fence
}

// writeControl writes r, or its Go escape when it does not print (a
// terminal escape, a bidirectional control, invalid UTF-8).
func writeControl(b *strings.Builder, r rune) {
	if r == ' ' || (r != utf8.RuneError && unicode.IsPrint(r)) {
		b.WriteRune(r)
		return
	}
	q := strconv.QuoteRune(r)
	b.WriteString(q[1 : len(q)-1])
}

// WriteJSON writes v as indented JSON, as every JSON document releasegate
// prints (lint, gate, SARIF). JSON already escapes line breaks, so no line
// can begin with "::"; the "[" of a "##[" inside a string is written
// \u005b, which decodes the same, so a document printed to a job log
// carries no workflow command of the older syntax either.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(bytes.ReplaceAll(buf.Bytes(), []byte("##["), []byte(`##\u005b`)))
	return err
}
