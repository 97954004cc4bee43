package jsoninterp

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

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

// values answers, for one package, which values are plain: they can
// only hold text JSON need not escape. It reads the package once, on
// the first question, and remembers every answer, so a generated file
// with thousands of holes costs one pass over it, and a cycle of
// assignments ends.
type values struct {
	pass *analysis.Pass
	// assigned lists what each local variable is given; a variable set
	// in a way this does not follow (a range clause, a multi-value
	// call, ++, +=, its address taken) is in spoiled.
	assigned map[*types.Var][]ast.Expr
	spoiled  map[*types.Var]bool
	answers  map[any]answer // *types.Var or function body -> answer
}

type answer uint8

const (
	unknown answer = iota
	pending        // being worked out: a cycle counts as not plain
	yes
	no
)

func newValues(pass *analysis.Pass) *values { return &values{pass: pass} }

// plain reports whether e is plain: a constant without quotes,
// backslashes or control characters, a plainEncoders call (or a time in
// a plain layout), part of a plain string, or a local variable, function
// literal or function of this package every assignment (every return)
// of which is plain. It keeps `"sha256":"%s"` of a hex digest quiet: a
// finding there would be about a value that cannot break the document.
func (v *values) plain(e ast.Expr) bool {
	e = ast.Unparen(e)
	if tv, ok := v.pass.TypesInfo.Types[e]; ok && tv.Value != nil {
		return tv.Value.Kind() == constant.String && !needsEscape(constant.StringVal(tv.Value))
	}
	switch e := e.(type) {
	case *ast.Ident:
		obj, ok := v.pass.TypesInfo.Uses[e].(*types.Var)
		return ok && v.local(obj) && v.remember(obj, func() bool { return v.allPlain(obj) })
	case *ast.CallExpr:
		return v.plainCall(e)
	case *ast.SliceExpr:
		return v.plain(e.X) // part of a plain string is plain
	}
	return false
}

// remember answers the question about key once.
func (v *values) remember(key any, work func() bool) bool {
	if v.answers == nil {
		v.answers = map[any]answer{}
	}
	switch v.answers[key] {
	case yes:
		return true
	case no, pending:
		return false
	}
	v.answers[key] = pending
	a := no
	if work() {
		a = yes
	}
	v.answers[key] = a
	return a == yes
}

// plainCall: a plain encoder, a time in a plain layout, or a function of
// this package (declared, or a literal held by a local variable) whose
// every return is plain.
func (v *values) plainCall(call *ast.CallExpr) bool {
	var id *ast.Ident
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fn
	case *ast.SelectorExpr:
		id = fn.Sel
	default:
		return false
	}
	switch obj := v.pass.TypesInfo.Uses[id].(type) {
	case *types.Func:
		switch {
		case plainEncoders[obj.FullName()]:
			return true
		case obj.FullName() == "(time.Time).Format" && len(call.Args) == 1:
			return v.plain(call.Args[0]) // a layout without quotes gives none
		case obj.Pkg() != v.pass.Pkg:
			return false
		}
		if decl := declIn(v.pass, obj); decl != nil && decl.Body != nil {
			return v.remember(decl.Body, func() bool { return v.plainReturns(decl.Body) })
		}
	case *types.Var:
		if !v.local(obj) {
			return false
		}
		if vals := v.assignments(obj); len(vals) == 1 {
			if lit, ok := vals[0].(*ast.FuncLit); ok {
				return v.remember(lit.Body, func() bool { return v.plainReturns(lit.Body) })
			}
		}
	}
	return false
}

// plainReturns reports whether every return of body (not of the
// function literals inside it) gives one plain value.
func (v *values) plainReturns(body *ast.BlockStmt) bool {
	ok, any := true, false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			any = true
			ok = ok && len(n.Results) == 1 && v.plain(n.Results[0])
		}
		return ok
	})
	return ok && any
}

// allPlain: every value given to obj is plain, and it is given values
// only in ways this follows.
func (v *values) allPlain(obj *types.Var) bool {
	vals := v.assignments(obj)
	if len(vals) == 0 {
		return false
	}
	for _, e := range vals {
		if !v.plain(e) {
			return false
		}
	}
	return true
}

// local reports a variable of a function body of this package: its
// every assignment is in the package's files. Parameters, results,
// fields and package variables are set where this cannot see.
func (v *values) local(obj *types.Var) bool {
	return obj.Pkg() == v.pass.Pkg && obj.Kind() == types.LocalVar
}

// assignments is what obj is given, nil when it is spoiled.
func (v *values) assignments(obj *types.Var) []ast.Expr {
	if v.assigned == nil {
		v.index()
	}
	if v.spoiled[obj] {
		return nil
	}
	return v.assigned[obj]
}

// index reads the package's files once for every variable's
// assignments.
func (v *values) index() {
	v.assigned, v.spoiled = map[*types.Var][]ast.Expr{}, map[*types.Var]bool{}
	for _, f := range v.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				v.assign(n)
			case *ast.ValueSpec:
				for i, name := range n.Names {
					v.give(v.varOf(name), n.Values, len(n.Values) == len(n.Names), i)
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					v.spoil(v.varOf(n.X))
				}
			case *ast.IncDecStmt:
				v.spoil(v.varOf(n.X))
			case *ast.RangeStmt:
				v.spoil(v.varOf(n.Key))
				v.spoil(v.varOf(n.Value))
			}
			return true
		})
	}
}

// assign records an assignment: = and := of one value per variable are
// followed, anything else (a multi-value call, +=) spoils.
func (v *values) assign(n *ast.AssignStmt) {
	followed := len(n.Lhs) == len(n.Rhs) && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE)
	for i, lhs := range n.Lhs {
		v.give(v.varOf(lhs), n.Rhs, followed, i)
	}
}

// give records rhs[i] as a value of obj, or spoils obj when the values
// cannot be paired with the variables. A declaration without values
// (var s string) gives the zero value, "", which is plain.
func (v *values) give(obj *types.Var, rhs []ast.Expr, followed bool, i int) {
	switch {
	case obj == nil:
	case followed:
		v.assigned[obj] = append(v.assigned[obj], rhs[i])
	case len(rhs) > 0:
		v.spoil(obj)
	}
}

func (v *values) spoil(obj *types.Var) {
	if obj != nil {
		v.spoiled[obj] = true
	}
}

// varOf is the variable an expression names, or nil.
func (v *values) varOf(e ast.Expr) *types.Var {
	if e == nil {
		return nil
	}
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	obj := v.pass.TypesInfo.Defs[id]
	if obj == nil {
		obj = v.pass.TypesInfo.Uses[id]
	}
	vr, _ := obj.(*types.Var)
	return vr
}
