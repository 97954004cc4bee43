package jsoninterp

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// plainDepth bounds how many variables and functions plain follows from
// one value: deep enough for "v := f(); return v", short enough that a
// cycle of assignments costs nothing.
const plainDepth = 4

// plainEncoders are functions whose result never holds a quote, a
// backslash or a control character, whatever their input: their
// alphabets are digits, letters and a few marks. A value they make is
// safe between JSON quotes (a digest's hex, a certificate's base64).
var plainEncoders = map[string]bool{
	"encoding/hex.EncodeToString":                true,
	"(*encoding/base64.Encoding).EncodeToString": true,
	"(*encoding/base32.Encoding).EncodeToString": true,
	"strconv.Itoa":           true,
	"strconv.FormatInt":      true,
	"strconv.FormatUint":     true,
	"strconv.FormatFloat":    true,
	"strconv.FormatBool":     true,
	"(time.Duration).String": true,
	"(*math/big.Int).String": true,
}

// plain reports whether e can only hold text JSON need not escape: a
// constant without quotes, backslashes or control characters, a call of
// a plainEncoders function, or a local variable (a function literal or a
// function of this package) every assignment (every return) of which is
// plain. It is what keeps `"sha256":"%s"` of a hex digest quiet: a
// finding there would be about a value that cannot break the document.
func plain(pass *analysis.Pass, e ast.Expr, depth int) bool {
	if depth > plainDepth {
		return false
	}
	e = ast.Unparen(e)
	if tv, ok := pass.TypesInfo.Types[e]; ok && tv.Value != nil {
		return tv.Value.Kind() == constant.String && !needsEscape(constant.StringVal(tv.Value))
	}
	switch e := e.(type) {
	case *ast.Ident:
		v, ok := pass.TypesInfo.Uses[e].(*types.Var)
		return ok && plainVar(pass, v, depth+1)
	case *ast.CallExpr:
		return plainCall(pass, e, depth+1)
	case *ast.SliceExpr:
		return plain(pass, e.X, depth) // part of a plain string is plain
	}
	return false
}

// plainCall: a plain encoder, a time in a plain layout, or a function of this package (declared,
// or a literal held by a local variable) whose every return is plain.
func plainCall(pass *analysis.Pass, call *ast.CallExpr, depth int) bool {
	var id *ast.Ident
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fn
	case *ast.SelectorExpr:
		id = fn.Sel
	default:
		return false
	}
	switch obj := pass.TypesInfo.Uses[id].(type) {
	case *types.Func:
		if plainEncoders[obj.FullName()] {
			return true
		}
		if obj.FullName() == "(time.Time).Format" && len(call.Args) == 1 {
			return plain(pass, call.Args[0], depth) // a layout without quotes gives none
		}
		if obj.Pkg() != pass.Pkg {
			return false
		}
		if decl := declIn(pass, obj); decl != nil && decl.Body != nil {
			return plainReturns(pass, decl.Body, depth)
		}
	case *types.Var:
		if lit, ok := onlyValue(pass, obj).(*ast.FuncLit); ok {
			return plainReturns(pass, lit.Body, depth)
		}
	}
	return false
}

// plainReturns reports whether every return of body (not of the
// function literals inside it) gives one plain value.
func plainReturns(pass *analysis.Pass, body *ast.BlockStmt, depth int) bool {
	ok, any := true, false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			any = true
			ok = ok && len(n.Results) == 1 && plain(pass, n.Results[0], depth)
		}
		return ok
	})
	return ok && any
}

// plainVar: a variable of a function body every assignment of which is
// plain, whose address is never taken.
func plainVar(pass *analysis.Pass, v *types.Var, depth int) bool {
	if v.Pkg() != pass.Pkg || v.Parent() == nil || v.Parent() == pass.Pkg.Scope() {
		return false // a parameter, field or package variable: set where this cannot see
	}
	values, ok := assignments(pass, v)
	if !ok || len(values) == 0 {
		return false
	}
	for _, val := range values {
		if !plain(pass, val, depth) {
			return false
		}
	}
	return true
}

// onlyValue is the one value ever assigned to v, or nil.
func onlyValue(pass *analysis.Pass, v *types.Var) ast.Expr {
	if v.Pkg() != pass.Pkg || v.Parent() == nil || v.Parent() == pass.Pkg.Scope() {
		return nil
	}
	values, ok := assignments(pass, v)
	if !ok || len(values) != 1 {
		return nil
	}
	return values[0]
}

// assignments lists every value given to the local variable v in its
// file; ok is false when v is also set another way (a range clause, a
// multi-value call, its address taken, ++), which this does not follow.
func assignments(pass *analysis.Pass, v *types.Var) (values []ast.Expr, ok bool) {
	file := fileOf(pass, v.Pos())
	if file == nil {
		return nil, false
	}
	is := func(e ast.Expr) bool {
		id, isID := ast.Unparen(e).(*ast.Ident)
		return isID && (pass.TypesInfo.Defs[id] == v || pass.TypesInfo.Uses[id] == v)
	}
	ok, declared := true, false
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if !is(lhs) {
					continue
				}
				declared = declared || n.Tok == token.DEFINE
				if len(n.Lhs) != len(n.Rhs) || (n.Tok != token.ASSIGN && n.Tok != token.DEFINE) {
					ok = false
				} else {
					values = append(values, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if is(name) {
					declared = true
					if len(n.Values) != len(n.Names) {
						ok = false
					} else {
						values = append(values, n.Values[i])
					}
				}
			}
		case *ast.UnaryExpr:
			ok = ok && !(n.Op == token.AND && is(n.X))
		case *ast.IncDecStmt, *ast.RangeStmt:
			ok = ok && !setsIn(n, is)
		}
		return ok
	})
	return values, ok && declared
}

// setsIn reports whether a ++/-- or a range clause sets the variable.
func setsIn(n ast.Node, is func(ast.Expr) bool) bool {
	switch n := n.(type) {
	case *ast.IncDecStmt:
		return is(n.X)
	case *ast.RangeStmt:
		return n.Key != nil && is(n.Key) || n.Value != nil && is(n.Value)
	}
	return false
}
