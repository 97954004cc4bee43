package jsoninterp

import (
	"go/ast"
	"go/format"
	"go/token"
	"io"
)

// formatNode prints an expression as source text for messages and fixes.
func formatNode(w io.Writer, fset *token.FileSet, e ast.Expr) error {
	return format.Node(w, fset, e)
}
