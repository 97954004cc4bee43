// Package markdown parses Markdown the way GitHub renders it (CommonMark
// with GitHub's extensions: tables, task lists, strikethrough, autolinks),
// with goldmark. The workspace reads code blocks from the tree, the checks
// read headings, lists and links: one parser, so they agree on what is
// code and what is prose.
package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// dialect is the configured parser: built once and never changed.
// goldmark keeps what it learns about one document in a context made per
// Parse call, so the parser serves concurrent calls.
var dialect parser.Parser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// Parse returns the syntax tree of src. Node positions and line segments
// are byte offsets into src.
func Parse(src []byte) ast.Node {
	return dialect.Parse(text.NewReader(src))
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
