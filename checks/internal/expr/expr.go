// Package expr finds GitHub Actions ${{ }} expressions inside YAML string
// values and the context references inside them (secrets.X, env.X, ...),
// using actionlint's expression lexer and parser so that quoting, nesting
// and `}}` inside string literals are handled the way the runner does.
package expr

import (
	"strings"

	"github.com/rhysd/actionlint"
)

// Expr is one ${{ }} placeholder inside a string value.
type Expr struct {
	Start int    // byte offset of "${{" in the value
	End   int    // byte offset just past "}}"
	Src   string // the text between ${{ and }}
	// Node is the parsed expression, nil when it does not parse (actionlint
	// reports the syntax error under its own rule).
	Node actionlint.ExprNode
}

// Offset returns the value offset of a token inside the expression.
func (e Expr) Offset(tok *actionlint.Token) int {
	if tok == nil {
		return e.Start
	}
	return e.Start + 3 + tok.Offset
}

// Find returns every ${{ }} placeholder of s, in order, parsed.
func Find(s string) []Expr {
	spans := Spans(s)
	if len(spans) == 0 {
		return nil
	}
	out := make([]Expr, len(spans))
	for i, sp := range spans {
		out[i] = sp.Expr()
	}
	return out
}

// Parse parses a bare expression (as in `if:` without ${{ }}).
func Parse(src string) (actionlint.ExprNode, error) {
	lex := actionlint.NewExprLexer(src + "}}")
	node, err := actionlint.NewExprParser().Parse(lex)
	if err != nil {
		return nil, err
	}
	return node, nil
}

// Condition parses an `if:` value, bare or wrapped in one ${{ }}. It
// returns the node, the source its token offsets refer to and where the
// expression starts in the value (its ${{ when wrapped). node is nil for a
// value it cannot read (text around the ${{ }}, a syntax error, which
// actionlint reports).
func Condition(v string) (node actionlint.ExprNode, src string, off int) {
	if strings.Contains(v, "${{") {
		xs := Find(v)
		if len(xs) != 1 || strings.TrimSpace(v[:xs[0].Start]) != "" || strings.TrimSpace(v[xs[0].End:]) != "" {
			return nil, "", 0
		}
		return xs[0].Node, xs[0].Src, xs[0].Start
	}
	n, err := Parse(v)
	if err != nil {
		return nil, "", 0
	}
	return n, v, 0
}

// Ref is a use of a context: `secrets.NAME`, `secrets['NAME']`,
// `secrets[expr]` (Dynamic) or the whole object, as in `toJSON(secrets)`
// (Whole).
type Ref struct {
	Context string // lower-case context name: secrets, env, vars, inputs, ...
	Name    string // property name, lower-cased by the parser; "" when Dynamic or Whole
	Dynamic bool
	Whole   bool
	Token   *actionlint.Token // where the context name starts
}

// Refs lists the context references of an expression tree.
func Refs(n actionlint.ExprNode) []Ref {
	var out []Ref
	if n == nil {
		return nil
	}
	consumed := map[actionlint.ExprNode]bool{}
	actionlint.VisitExprNode(n, func(node, _ actionlint.ExprNode, entering bool) {
		if !entering || consumed[node] {
			return
		}
		switch x := node.(type) {
		case *actionlint.ObjectDerefNode:
			if v, ok := x.Receiver.(*actionlint.VariableNode); ok {
				out = append(out, Ref{Context: v.Name, Name: x.Property, Token: v.Token()})
				consumed[x.Receiver] = true
			}
		case *actionlint.IndexAccessNode:
			if v, ok := x.Operand.(*actionlint.VariableNode); ok {
				consumed[x.Operand] = true
				if s, ok := x.Index.(*actionlint.StringNode); ok {
					out = append(out, Ref{Context: v.Name, Name: strings.ToLower(s.Value), Token: v.Token()})
				} else {
					out = append(out, Ref{Context: v.Name, Dynamic: true, Token: v.Token()})
				}
			}
		case *actionlint.VariableNode:
			out = append(out, Ref{Context: x.Name, Whole: true, Token: x.Token()})
		}
	})
	return out
}

// Span is the position of a ${{ }} placeholder found without parsing it.
type Span struct {
	Start, End int    // offsets of "${{" and just past "}}"
	Src        string // the text between them
}

// Spans finds placeholders with a plain scan that skips `}}` inside
// single-quoted string literals (the only literals expressions have). It
// is much cheaper than Find; parse only the spans a rule cares about.
func Spans(s string) []Span {
	var out []Span
	pos := 0
	for {
		i := strings.Index(s[pos:], "${{")
		if i < 0 {
			return out
		}
		start := pos + i
		end := placeholderEnd(s, start+3)
		if end < 0 {
			return out
		}
		out = append(out, Span{Start: start, End: end + 2, Src: s[start+3 : end]})
		pos = end + 2
	}
}

// Closing returns the offset of the closer that ends a bracket opened
// just before from: it scans s from from, counting each opener (0 for
// none) as one more level to close, and skips single-quoted string
// literals, the only literals expressions have (a doubled quote inside
// one toggles twice, so it needs no case of its own). It returns -1 when
// nothing closes the bracket. Closing(s, i+1, '(', ')') is the
// parenthesis that matches the one at i.
func Closing(s string, from int, opener, closer byte) int {
	depth, quoted := 1, false
	for i := from; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == closer:
			if depth--; depth == 0 {
				return i
			}
		case c == opener && opener != 0:
			depth++
		}
	}
	return -1
}

// placeholderEnd returns the offset of the "}}" ending a placeholder body
// that starts at from, or -1: the first "}" outside a literal that another
// "}" follows.
func placeholderEnd(s string, from int) int {
	for {
		end := Closing(s, from, 0, '}')
		if end < 0 || end+1 < len(s) && s[end+1] == '}' {
			return end
		}
		from = end + 1
	}
}

// Expr parses the span. The result's Node is nil when it does not parse.
func (sp Span) Expr() Expr {
	node, err := Parse(sp.Src)
	if err != nil {
		node = nil
	}
	return Expr{Start: sp.Start, End: sp.End, Src: sp.Src, Node: node}
}

// ContainsFold reports whether s contains the lower-case ASCII word sub,
// ignoring case, without allocating: a cheap filter for context names,
// which are case-insensitive.
func ContainsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && lowerByte(s[i+j]) == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
