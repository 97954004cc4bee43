// Package reporttest tells the writers' tests what GitHub would make of
// their output: which lines of text output its runner would read as
// workflow commands, and what a step summary renders as (code spans,
// text, and the links, images, HTML and emphasis in it). Only tests
// import it.
package reporttest

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Commands returns the lines of out that GitHub's runner would read as a
// workflow command: one that begins with "::" once leading white space is
// trimmed, or that holds the older syntax's "##[" anywhere.
func Commands(out string) []string {
	var cmds []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") || strings.Contains(line, "##[") {
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// Rendered is a Markdown document as GitHub's dialect (CommonMark with
// the GFM extensions, bare links included) parses it.
type Rendered struct {
	Code   []string // the text of each code span
	Text   string   // the text outside code spans, as it reads (escapes undone), each table cell on a line of its own
	Markup []string // each link, image, autolink, raw HTML, HTML block, emphasis and strikethrough, as "kind: source"
}

// Render parses md.
func Render(md string) Rendered {
	src := []byte(md)
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(src))
	var r Rendered
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Kind() == extast.KindTableCell {
				b.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan:
			r.Code = append(r.Code, string(nodeText(n, src)))
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(util.UnescapePunctuations(n.Value(src)))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.Link, *ast.Image, *ast.AutoLink, *ast.RawHTML, *ast.HTMLBlock, *ast.Emphasis, *extast.Strikethrough:
			r.Markup = append(r.Markup, n.Kind().String()+": "+string(source(n, src)))
		}
		return ast.WalkContinue, nil
	})
	r.Text = b.String()
	return r
}

// nodeText is the text of n's children (a code span's content).
func nodeText(n ast.Node, src []byte) []byte {
	var out []byte
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			out = append(out, t.Value(src)...)
		}
	}
	return out
}

// source is the Markdown n was parsed from, where goldmark keeps it.
func source(n ast.Node, src []byte) []byte {
	switch n := n.(type) {
	case *ast.RawHTML:
		return n.Segments.Value(src)
	case *ast.HTMLBlock:
		return n.Lines().Value(src)
	case *ast.Link:
		return n.Destination
	case *ast.Image:
		return n.Destination
	case *ast.AutoLink:
		return n.URL(src)
	}
	return nodeText(n, src)
}
