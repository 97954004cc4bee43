// Package partialssa builds the SSA form of a package for the analyzers
// that need it, also when the package does not fully type-check (a
// dependency missing from the module cache, say).
//
// go/ssa requires well-typed input: a function whose body reads an
// expression of unknown type makes the builder panic. Such functions are
// built as external functions (no body), so the rest of the package is
// still analysed, and nothing is guessed about the parts whose types are
// unknown. The result has the type of buildssa's, so analyzers can switch
// between the two. Unlike buildssa it does not compute which functions
// never return (that pass does not run on ill-typed packages); the
// analyzers here follow data, for which that only adds paths.
package partialssa

import (
	"go/ast"
	"go/types"
	"reflect"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"
)

// Analyzer builds SSA despite type errors. Its result is a
// *buildssa.SSA, nil when the package could not be built at all.
var Analyzer = &analysis.Analyzer{
	Name:             "partialssa",
	Doc:              "build SSA-form IR, leaving out the function bodies that do not type-check",
	Run:              run,
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[*buildssa.SSA](),
}

func run(pass *analysis.Pass) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			// A shape of broken code the filter below does not catch: no
			// SSA for this package rather than no run.
			res, err = (*buildssa.SSA)(nil), nil
		}
	}()
	files, info := pass.Files, pass.TypesInfo
	if len(pass.TypeErrors) > 0 {
		files = make([]*ast.File, len(pass.Files))
		for i, f := range pass.Files {
			files[i] = wellTyped(f, info)
		}
		info = typedInits(info)
	}
	prog := ssa.NewProgram(pass.Fset, 0)
	for _, p := range pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	pkg := prog.CreatePackage(pass.Pkg, files, info, false)
	pkg.Build()
	return &buildssa.SSA{Pkg: pkg, SrcFuncs: srcFuncs(prog, files, info)}, nil
}

// typedInits returns a copy of info whose package initialisation leaves
// out the variables initialised from values of unknown type (they stay
// zero).
func typedInits(info *types.Info) *types.Info {
	c := *info
	c.InitOrder = nil
	for _, in := range info.InitOrder {
		if typed(in.Rhs, info) {
			c.InitOrder = append(c.InitOrder, in)
		}
	}
	return &c
}

// srcFuncs lists the package's functions and their literals in source
// order, as buildssa does.
func srcFuncs(prog *ssa.Program, files []*ast.File, info *types.Info) []*ssa.Function {
	var out []*ssa.Function
	var add func(*ssa.Function)
	add = func(f *ssa.Function) {
		out = append(out, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	for _, file := range files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			obj, ok := info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if f := prog.FuncValue(obj); f != nil {
				add(f)
			}
		}
	}
	return out
}

// wellTyped returns a copy of f in which functions whose declaration
// reads something of unknown type have no body.
func wellTyped(f *ast.File, info *types.Info) *ast.File {
	c := *f
	c.Decls = make([]ast.Decl, len(f.Decls))
	for i, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && !typed(fd.Body, info) {
			stub := *fd
			stub.Body = nil
			d = &stub
		}
		c.Decls[i] = d
	}
	return &c
}

// typed reports whether every value expression under n has a known type.
// go/types leaves invalid expressions out of Types, or records them as
// invalid.
func typed(n ast.Node, info *types.Info) bool {
	ok := true
	ast.Inspect(n, func(x ast.Node) bool {
		if !ok {
			return false
		}
		var e ast.Expr
		switch v := x.(type) {
		case *ast.CallExpr, *ast.SelectorExpr, *ast.BinaryExpr, *ast.UnaryExpr, *ast.IndexExpr, *ast.IndexListExpr,
			*ast.CompositeLit, *ast.BasicLit, *ast.FuncLit, *ast.ParenExpr, *ast.SliceExpr, *ast.StarExpr:
			e = v.(ast.Expr)
		case *ast.TypeAssertExpr:
			if v.Type == nil {
				return true // x.(type) in a type switch has no type of its own
			}
			e = v
		case *ast.Ident:
			switch obj := info.Uses[v].(type) {
			case nil, *types.PkgName, *types.Builtin, *types.Label, *types.Nil:
				// no object, or one whose type is invalid by construction
			default:
				if invalid(obj.Type()) {
					ok = false
				}
			}
			return ok
		default:
			return true
		}
		if tv, found := info.Types[e]; !found || invalid(tv.Type) {
			ok = false
		}
		return ok
	})
	return ok
}

func invalid(t types.Type) bool {
	b, isBasic := t.(*types.Basic)
	return t == nil || isBasic && b.Kind() == types.Invalid
}
