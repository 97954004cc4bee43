package workspace

import (
	"bytes"
	"errors"
	"regexp"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/report"
)

// Edit is the edit that replaces the bytes [start, end) of the file with
// text, with its line and column range filled in.
func (f *File) Edit(start, end int, text string) report.Edit {
	sp := f.OffsetSpan(start, end)
	return report.Edit{
		File: f.Path, Abs: f.Abs, Start: start, End: end,
		Line: sp.Start.Line, Column: sp.Start.Col, EndLine: sp.End.Line, EndColumn: sp.End.Col,
		Text: text,
	}
}

// LineBreak is the file's line ending: "\r\n" when its first line ends
// so, "\n" otherwise. Inserted lines use it, so a CRLF file stays CRLF.
func (f *File) LineBreak() string {
	if i := bytes.IndexByte(f.Src, '\n'); i > 0 && f.Src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// Scalar styles, as the first byte of a scalar's source text says.
const (
	stylePlain  = 0
	styleDouble = '"'
	styleSingle = '\''
)

// ValueEdit is the edit that replaces the bytes [from, to) of a string
// value, as the parser decoded it, with text (from == to inserts). The
// text is written in the value's own style: escaped in a double-quoted
// scalar, its quotes doubled in a single-quoted one, as is in a plain or
// block scalar. Everything outside the range stays byte for byte.
//
// It fails, saying why, when the range does not map to the source byte
// for byte (an escape or a folded line break inside it), or when the text
// cannot be written in that style without changing how the file parses: a
// line break anywhere; in a plain scalar ": ", " #", a flow indicator, or
// an indicator where the value starts (`!` would start a tag).
func (f *File) ValueEdit(s *actionlint.String, from, to int, text string) (report.Edit, error) {
	if s == nil || s.Pos == nil || from < 0 || to < from || to > len(s.Value) {
		return report.Edit{}, errors.New("no such range in the value")
	}
	m := f.scalar(s)
	if m == nil {
		return report.Edit{}, errors.New("the value's source text could not be matched with what the parser read")
	}
	at := skipProperties(f.Src, f.Offset(Pos{s.Pos.Line, s.Pos.Col}))
	start, end, ok := m.source(from, to)
	if !ok {
		return report.Edit{}, errors.New("the value is written with escapes or folded lines where the change goes")
	}
	enc, err := encodeIn(f.Src, at, start, end, text)
	if err != nil {
		return report.Edit{}, err
	}
	return f.Edit(start, end, enc), nil
}

// source maps the decoded range [from, to) to the source bytes it was
// copied from. An insertion goes right after the copied text before it
// (not after white space a folded line break dropped), or else before
// the copied text after it.
func (m *scalarMap) source(from, to int) (start, end int, ok bool) {
	if from == to {
		for _, s := range m.segs {
			switch {
			case s.copy && s.dec < from && from <= s.dec+s.decLen:
				return s.src + from - s.dec, s.src + from - s.dec, true
			case s.copy && s.dec == from:
				return s.src, s.src, true
			}
		}
		return 0, 0, false
	}
	start, end = -1, -1
	for _, s := range m.segs {
		if s.dec+s.decLen <= from || s.dec >= to {
			continue
		}
		if !s.copy || (end >= 0 && s.src != end) {
			return 0, 0, false
		}
		if start < 0 {
			start = s.src + max(from, s.dec) - s.dec
		}
		end = s.src + min(to, s.dec+s.decLen) - s.dec
	}
	return start, end, start >= 0
}

// encodeIn writes text for the scalar whose source starts at at, to
// replace src[start:end].
func encodeIn(src []byte, at, start, end int, text string) (string, error) {
	if strings.ContainsAny(text, "\r\n") {
		return "", errors.New("the change would add a line break inside the value")
	}
	style := byte(stylePlain)
	if at < len(src) {
		switch src[at] {
		case styleDouble, styleSingle, '|', '>':
			style = src[at]
		}
	}
	if style != '|' && style != '>' && !keepsSpaces(src, at, start, end, text) {
		return "", errors.New("white space at that end of the change would be folded away")
	}
	switch style {
	case styleDouble:
		if strings.IndexFunc(text, func(r rune) bool { return r < 0x20 }) >= 0 {
			return "", errors.New("the change holds a control character")
		}
		return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(text), nil
	case styleSingle:
		return strings.ReplaceAll(text, "'", "''"), nil
	case '|', '>':
		lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
		atLineStart := strings.TrimLeft(string(src[lineStart:start]), " ") == ""
		if atLineStart && (strings.HasPrefix(text, " ") || strings.HasPrefix(text, "\t")) {
			return "", errors.New("the change would indent a line of the block scalar")
		}
		if style == '>' && atLineStart && start < len(src) && (src[start] == ' ' || src[start] == '\t') {
			return "", errors.New("the change would end a more indented line of the folded scalar, which changes its folding")
		}
		return text, nil
	}
	return text, plainSafe(src, at, start, end, text)
}

// blockValue matches what may stand before a plain scalar on its line in
// block context: indentation, sequence dashes and a simple key. Anything
// else (a '{', '[' or ',') may mean a flow collection.
var blockValue = regexp.MustCompile(`^ *(?:- +)*(?:[^\s{}\[\],#&*!|>'"%@` + "`" + `][^{}\[\],#]*: +)?$`)

// keepsSpaces reports whether the white space at either end of text
// survives in a plain or quoted scalar: not at the start of a line (it
// would be indentation) or of a plain scalar, not before a line break or
// other white space (folding drops trailing white space).
func keepsSpaces(src []byte, at, start, end int, text string) bool {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' }
	if text == "" {
		return true
	}
	if isSpace(text[0]) {
		lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
		if start == at || len(bytes.TrimLeft(src[lineStart:start], " \t")) == 0 {
			return false
		}
	}
	if isSpace(text[len(text)-1]) {
		if end >= len(src) || isSpace(src[end]) || src[end] == '\n' || src[end] == '\r' {
			return false
		}
	}
	return true
}

// plainSafe refuses text that would end or change a plain scalar.
func plainSafe(src []byte, at, start, end int, text string) error {
	lineStart := bytes.LastIndexByte(src[:at], '\n') + 1
	if !blockValue.Match(src[lineStart:at]) && strings.ContainsAny(text, ",[]{}") {
		return errors.New("the value is a plain (unquoted) scalar, where , [ ] { } may end it inside a flow collection")
	}
	if start == at && text != "" && strings.IndexByte("-?:#&*!|>'\"%@`", text[0]) >= 0 {
		return errors.New("the value is a plain (unquoted) scalar, which cannot start with " + text[:1])
	}
	window := text
	if start > 0 {
		window = string(src[start-1]) + window
	}
	if end < len(src) {
		window += string(src[end])
	}
	for _, bad := range []string{": ", ":\t", ":\n", ":\r", " #", "\t#"} {
		if strings.Contains(window, bad) {
			return errors.New("the value is a plain (unquoted) scalar, where " + strings.TrimSpace(bad) + " next to a space would change how it parses")
		}
	}
	if strings.HasSuffix(window, ":") && end >= len(src) {
		return errors.New("the value is a plain (unquoted) scalar, which cannot end with a colon")
	}
	return nil
}

// PlainAt reports whether the string value is written as a plain
// (unquoted, not block) scalar, where a value cannot start with an
// indicator such as `!`.
func (f *File) PlainAt(s *actionlint.String) bool {
	if s == nil || s.Pos == nil {
		return false
	}
	at := skipProperties(f.Src, f.Offset(Pos{s.Pos.Line, s.Pos.Col}))
	return at < len(f.Src) && strings.IndexByte("\"'|>", f.Src[at]) < 0
}
