package jsoninterp

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// JSON text written piece by piece into a strings.Builder or bytes.Buffer
// has the same defect as a format string: `b.WriteString("{\"token\":\"")`
// then `b.WriteString(tok)` pastes tok inside JSON quotes. The writes of
// one function are followed in source order, per builder: the first must
// be a constant that starts like JSON; the quoting state is carried across
// constant writes; a string written while inside quotes is reported, once
// per builder. Branches and loops are read in source order, which is how
// such code is written.

// builderState follows one builder through a function.
type builderState struct {
	inStr bool
	done  bool // not JSON, or already reported
}

func checkBuilders(pass *analysis.Pass, report func(analysis.Diagnostic), helpers *helperReports, body *ast.BlockStmt) {
	states := map[string]*builderState{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false // its own function
		case *ast.CallExpr:
			builderWrite(pass, report, helpers, states, x)
		}
		return true
	})
}

func builderWrite(pass *analysis.Pass, report func(analysis.Diagnostic), helpers *helperReports, states map[string]*builderState, call *ast.CallExpr) {
	key, kind, method, ok := writeCall(pass, call)
	if !ok {
		return
	}
	arg := call.Args[0]
	text, isConst := written(pass, method, arg)
	st := states[key]
	if st == nil {
		st = &builderState{done: !isConst || !looksLikeJSON(text)}
		states[key] = st
	}
	switch {
	case st.done:
	case isConst:
		st.inStr = scanQuotes(text, st.inStr)
	case !st.inStr && method == "WriteString":
		if u, ok := quoterCall(helpers.values, arg); ok {
			helpers.use(u, kind)
		}
	case st.inStr && method == "WriteString" && (helpers.values.textLike(arg) || untyped(pass, arg)):
		st.done = true
		report(analysis.Diagnostic{Pos: call.Pos(), End: call.End(), Message: fmt.Sprintf(
			"%s builds JSON text with %s pasted inside JSON quotes; a quote or backslash in the value breaks the document: build it with encoding/json",
			kind, describe(pass, []ast.Expr{arg}))})
	}
}

// writeCall matches b.WriteString(x), b.WriteByte(c) and b.WriteRune(r)
// on a strings.Builder or bytes.Buffer, and names the builder.
func writeCall(pass *analysis.Pass, call *ast.CallExpr) (key, kind, method string, ok bool) {
	sel, isSel := call.Fun.(*ast.SelectorExpr)
	if !isSel || len(call.Args) != 1 {
		return "", "", "", false
	}
	switch method = sel.Sel.Name; method {
	case "WriteString", "WriteByte", "WriteRune":
	default:
		return "", "", "", false
	}
	t := pass.TypesInfo.TypeOf(sel.X)
	if p, isPtr := t.(*types.Pointer); isPtr {
		t = p.Elem()
	}
	named, isNamed := t.(*types.Named)
	if !isNamed || named.Obj().Pkg() == nil {
		return "", "", "", false
	}
	switch kind = named.Obj().Pkg().Path() + "." + named.Obj().Name(); kind {
	case "strings.Builder", "bytes.Buffer":
		return types.ExprString(ast.Unparen(sel.X)), kind, method, true
	}
	return "", "", "", false
}

// written is the constant text a write adds, if it is constant.
func written(pass *analysis.Pass, method string, arg ast.Expr) (string, bool) {
	if method == "WriteString" {
		return constString(pass, arg)
	}
	tv, ok := pass.TypesInfo.Types[arg]
	if !ok || tv.Value == nil {
		return "", false
	}
	r, exact := constant.Int64Val(constant.ToInt(tv.Value))
	if !exact {
		return "", false
	}
	return string(rune(r)), true
}
