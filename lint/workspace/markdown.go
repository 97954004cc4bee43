package workspace

import (
	"bytes"
	"errors"
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/releasegate/releasegate/internal/markdown"
	"github.com/releasegate/releasegate/report"
)

// Markdown is a Markdown file with its syntax tree and code blocks.
type Markdown struct {
	*File
	// Tree is goldmark's syntax tree of Src (internal/markdown), nil when
	// the file nests too deep to parse in bounded time.
	Tree   ast.Node
	Fences []Fence
	// Refused says why Tree is nil: the file was not checked.
	Refused *report.InputError
}

// Fence is a code block: fenced (``` or ~~~) or indented, at any nesting
// (inside block quotes and list items), as GitHub renders it.
type Fence struct {
	Line     int    // line of the opening ``` or ~~~; the first line of an indented block
	Info     string // the whole info string ("" for an indented block)
	Lang     string // its first word, lower-cased ("" when absent)
	Body     string // content with container markers (>, list indentation) and indentation removed
	BodyLine int    // line of the first content line
	Indented bool   // an indented code block rather than a fence
	lines    []bodyLine
}

// bodyLine is where one content line starts in the file: pad columns of
// spaces that stand for a tab, then the file's text from off.
type bodyLine struct{ off, pad int }

// Shell reports whether the block holds shell commands: sh, bash, shell,
// zsh or console, or no language at all (runbooks often omit it).
func (f Fence) Shell() bool {
	switch f.Lang {
	case "", "sh", "bash", "shell", "zsh", "console", "shell-session", "shellsession":
		return true
	}
	return false
}

// Offset maps a 1-based line and byte column of Body to a byte offset in
// the file, so a finding in a block is reported on its own line, whatever
// block quote or list the block sits in.
func (f Fence) Offset(line, col int) int {
	if len(f.lines) == 0 {
		return 0
	}
	l := f.lines[max(0, min(line, len(f.lines))-1)]
	return l.off + max(0, col-1-l.pad)
}

// ParseMarkdown parses a Markdown file. A file nested too deep to parse
// in bounded time is kept without a tree and says why: it was not
// checked, and the user must hear of it (a warning).
func ParseMarkdown(f *File) *Markdown {
	tree, err := markdown.Parse(f.Src)
	if err != nil {
		line := 0
		var deep *markdown.ErrTooDeep
		if errors.As(err, &deep) {
			line = deep.Line
		}
		return &Markdown{File: f, Refused: &report.InputError{File: f.Path, Line: line, Message: "not parsed: " + err.Error()}}
	}
	return &Markdown{File: f, Tree: tree, Fences: fences(f.Src, tree)}
}

// ScanFences returns the code blocks of a Markdown document, fenced and
// indented, in document order (none when it cannot be parsed).
func ScanFences(src []byte) []Fence {
	tree, err := markdown.Parse(src)
	if err != nil {
		return nil
	}
	return fences(src, tree)
}

func fences(src []byte, tree ast.Node) []Fence {
	var out []Fence
	markdown.Walk(tree, func(n ast.Node) bool {
		switch b := n.(type) {
		case *ast.FencedCodeBlock:
			fc := codeBlock(src, b, b.Pos())
			if b.Info != nil {
				fc.Info = string(b.Info.Segment.Value(src))
				if fs := strings.Fields(fc.Info); len(fs) > 0 {
					fc.Lang = strings.ToLower(strings.Trim(fs[0], "{}."))
				}
			}
			out = append(out, fc)
			return false
		case *ast.CodeBlock:
			fc := codeBlock(src, b, -1)
			fc.Indented = true
			fc.Line = fc.BodyLine
			out = append(out, fc)
			return false
		}
		return true
	})
	return out
}

// codeBlock reads the content lines of a code block whose opening fence
// is at byte offset open (-1 for an indented block).
func codeBlock(src []byte, n ast.Node, open int) Fence {
	lines := n.Lines()
	var fc Fence
	body := make([]string, 0, lines.Len())
	for i := range lines.Len() {
		seg := lines.At(i)
		fc.lines = append(fc.lines, bodyLine{off: seg.Start, pad: seg.Padding})
		body = append(body, strings.TrimSuffix(strings.TrimSuffix(string(seg.Value(src)), "\n"), "\r"))
	}
	fc.Body = strings.Join(body, "\n")
	if open >= 0 {
		fc.Line = lineOf(src, open)
		fc.BodyLine = fc.Line + 1
	}
	if len(fc.lines) > 0 {
		fc.BodyLine = lineOf(src, fc.lines[0].off)
	}
	return fc
}

// lineOf is the 1-based line of a byte offset.
func lineOf(src []byte, off int) int {
	return bytes.Count(src[:max(0, min(off, len(src)))], []byte("\n")) + 1
}
