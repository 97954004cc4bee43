package jsoninterp

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// A quoting helper hides the same defect one call away:
//
//	func quote(s string) string { return `"` + s + `"` }
//	b.WriteString(`{"name":` + quote(name) + `}`)
//
// The helper wraps its argument in double quotes without escaping it, so
// its result is a JSON string only while the argument holds no quote or
// backslash. A function whose every return is `"\"" + p + "\""` or
// fmt.Sprintf(`"%s"`, p) of a parameter p gets a QuoterFact; a call of
// it whose result lands outside JSON quotes in JSON text (a format, a +
// chain or builder writes, as above) is JSON built by hand. It is
// reported once per helper: at the helper when it is declared in the
// package, otherwise at its first such call in the package.

// QuoterFact marks a function that returns its parameter Param wrapped
// in double quotes, unescaped.
type QuoterFact struct{ Param int }

// AFact marks QuoterFact as an analysis fact.
func (*QuoterFact) AFact() {}

func (f *QuoterFact) String() string { return fmt.Sprintf("quotes parameter %d unescaped", f.Param) }

// quoters finds the package's quoting helpers and exports their facts.
func quoters(pass *analysis.Pass) {
	for _, file := range pass.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if param, ok := quotesParam(pass, fd, fn); ok {
				pass.ExportObjectFact(fn, &QuoterFact{Param: param})
			}
		}
	}
}

// quotesParam reports which parameter every return of fd wraps in quotes.
func quotesParam(pass *analysis.Pass, fd *ast.FuncDecl, fn *types.Func) (int, bool) {
	sig := fn.Type().(*types.Signature)
	if sig.Results().Len() != 1 || !isString(sig.Results().At(0).Type()) {
		return 0, false
	}
	param, returns := -1, 0
	ok := true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch r := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns++
			p := -1
			if len(r.Results) == 1 {
				p = wrappedParam(pass, sig, r.Results[0])
			}
			if p < 0 || (param >= 0 && p != param) {
				ok = false
			}
			param = p
		}
		return ok
	})
	return param, ok && returns > 0 && param >= 0
}

// wrappedParam is the index of the parameter e wraps in double quotes
// (`"\"" + p + "\""` or fmt.Sprintf(`"%s"`, p)), or -1.
func wrappedParam(pass *analysis.Pass, sig *types.Signature, e ast.Expr) int {
	var inner ast.Expr
	switch x := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		parts := flatten(x, nil)
		if len(parts) != 3 {
			return -1
		}
		open, ok1 := constString(pass, parts[0])
		closing, ok2 := constString(pass, parts[2])
		if !ok1 || !ok2 || open != `"` || closing != `"` {
			return -1
		}
		inner = parts[1]
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(pass.TypesInfo, x).(*types.Func)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "fmt" || fn.Name() != "Sprintf" || len(x.Args) != 2 {
			return -1
		}
		if format, ok := constString(pass, x.Args[0]); !ok || (format != `"%s"` && format != `"%v"`) {
			return -1
		}
		inner = x.Args[1]
	default:
		return -1
	}
	id, ok := ast.Unparen(inner).(*ast.Ident)
	if !ok {
		return -1
	}
	for i := range sig.Params().Len() {
		if v := sig.Params().At(i); pass.TypesInfo.Uses[id] == v && isString(v.Type()) {
			return i
		}
	}
	return -1
}

// quoterUse is a call of a quoting helper whose argument may hold text.
type quoterUse struct {
	fn   *types.Func
	call *ast.CallExpr
}

// quoterCall matches e against a call of a function with a QuoterFact
// whose quoted argument is not a harmless constant.
func quoterCall(v *values, e ast.Expr) (quoterUse, bool) {
	pass := v.pass
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return quoterUse{}, false
	}
	fn, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
	var fact QuoterFact
	if fn == nil || !pass.ImportObjectFact(fn, &fact) || fact.Param >= len(call.Args) {
		return quoterUse{}, false
	}
	arg := call.Args[fact.Param]
	if !v.textLike(arg) && !untyped(pass, arg) {
		return quoterUse{}, false
	}
	return quoterUse{fn: fn, call: call}, true
}

// helperReports reports each quoting helper once per package.
type helperReports struct {
	pass   *analysis.Pass
	report func(analysis.Diagnostic)
	done   map[*types.Func]bool
	// values says which values are plain; one per package, as the
	// reports are, so every check of the run shares its answers.
	values *values
}

// use reports the helper of a call whose result lands in JSON text
// built by what (fmt.Sprintf, string concatenation, a builder).
func (h *helperReports) use(u quoterUse, what string) {
	if h.done[u.fn] {
		return
	}
	h.done[u.fn] = true
	where := h.pass.Fset.Position(u.call.Pos())
	use := fmt.Sprintf("%s at %s:%d", what, shortFile(where.Filename), where.Line)
	msg := "wraps its argument in double quotes without escaping it, and its result is pasted into JSON text (" + use +
		"); a quote or backslash in the value breaks the document: build it with encoding/json"
	if decl := declIn(h.pass, u.fn); decl != nil {
		h.report(analysis.Diagnostic{Pos: decl.Name.Pos(), End: decl.Name.End(), Message: u.fn.Name() + " " + msg})
		return
	}
	h.report(analysis.Diagnostic{Pos: u.call.Pos(), End: u.call.End(), Message: u.fn.Pkg().Name() + "." + u.fn.Name() + " " + msg})
}

// declIn is fn's declaration when it is in the package being analysed.
func declIn(pass *analysis.Pass, fn *types.Func) *ast.FuncDecl {
	if fn.Pkg() != pass.Pkg {
		return nil
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && pass.TypesInfo.Defs[fd.Name] == fn {
				return fd
			}
		}
	}
	return nil
}

func shortFile(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' || path[i] == '\\' {
			return path[i+1:]
		}
	}
	return path
}
