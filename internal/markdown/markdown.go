// Package markdown parses Markdown the way GitHub renders it (CommonMark
// with GitHub's extensions: tables, task lists, strikethrough, autolinks,
// footnotes), with goldmark. The workspace reads code blocks from the
// tree, the checks read headings, lists and links: one parser, so they
// agree on what is code and what is prose.
package markdown

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// dialect is the configured parser: built on first use (a run without
// Markdown never builds it) and never changed. goldmark keeps what it
// learns about one document in a context made per Parse call, so the
// parser serves concurrent calls.
var dialect = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote)).Parser()
})

// Limits on what Parse reads. A CommonMark parser checks every open
// container (list item, block quote) on every line, so its time grows with
// lines times nesting depth, and hostile input nests thousands deep. No
// document a person reads nests lists or quotes 32 levels.
const (
	MaxDepth = 32        // containers one line may open
	MaxWork  = 2_000_000 // lines weighted by the containers open on them
)

// ErrTooDeep is returned for text nested past MaxDepth or MaxWork.
type ErrTooDeep struct{ Line, Depth int }

func (e *ErrTooDeep) Error() string {
	if e.Depth > MaxDepth {
		return fmt.Sprintf("line %d nests %d block quotes and list items; releasegate parses Markdown nested at most %d deep", e.Line, e.Depth, MaxDepth)
	}
	return fmt.Sprintf("too long and deeply nested to parse in bounded time (by line %d)", e.Line)
}

// Parse returns the syntax tree of src, whose node positions and line
// segments are byte offsets into src; or an *ErrTooDeep.
func Parse(src []byte) (ast.Node, error) {
	if err := checkDepth(src); err != nil {
		return nil, err
	}
	return dialect().Parse(text.NewReader(src)), nil
}

// checkDepth estimates, without parsing, how many containers each line
// opens (its block quote and list markers, and its indentation at two
// columns a level) and the work of checking them on the lines after.
func checkDepth(src []byte) error {
	work, open, line := 0, 0, 1
	for len(src) > 0 {
		end := bytes.IndexByte(src, '\n')
		if end < 0 {
			end = len(src)
		}
		// Containers stay open over the lines after their markers (blank,
		// indented or lazy ones): counting them until the next marker line
		// overestimates, never under.
		if markers, width := leading(src[:end]); markers > 0 {
			open = markers + width/2
		}
		work += open
		if open > MaxDepth || work > MaxWork {
			return &ErrTooDeep{Line: line, Depth: open}
		}
		src = src[min(end+1, len(src)):]
		line++
	}
	return nil
}

// leading counts the block quote and list markers and the indentation
// before a line's text. A list marker is followed by a space.
func leading(l []byte) (markers, width int) {
	for i, c := range l {
		switch c {
		case ' ':
			width++
		case '\t':
			width += 4 - width%4
		case '>':
			markers++
		case '-', '*', '+':
			if i+1 < len(l) && l[i+1] != ' ' && l[i+1] != '\t' {
				return markers, width
			}
			markers++
		default:
			return markers, width
		}
	}
	return markers, width
}

// Walk calls fn for every node of the tree in document order; fn returns
// false to skip a node's children.
func Walk(n ast.Node, fn func(ast.Node) bool) {
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if !fn(n) {
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}
