package goanalysis

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
)

// Loading never compiles the scanned code. The go command only lists the
// scanned packages (no -export, no -compiled: no cgo, no compiler, no
// C compiler); releasegate parses and type-checks them itself, against
// export data of their dependencies, which a second go list builds for
// the dependencies alone.

// listMode asks go list for names, files and the import graph only.
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedModule

// depMode loads the dependencies' types from export data (they are the
// roots of that query and NeedSyntax is absent).
const depMode = packages.NeedName | packages.NeedTypes | packages.NeedImports

// defaultGoTimeout bounds each go command lint runs.
const defaultGoTimeout = 3 * time.Minute

// errDeadline marks a go command that did not finish in time.
var errDeadline = errors.New("the go command did not finish in time")

// loader runs the go command offline, with a deadline, and type-checks
// what it lists.
type loader struct {
	env     []string
	timeout time.Duration
}

// load runs one go/packages query under the loader's deadline.
func (l loader) load(dir string, mode packages.LoadMode, tests bool, patterns []string) ([]*packages.Package, error) {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	pkgs, err := packages.Load(&packages.Config{Context: ctx, Mode: mode, Dir: dir, Tests: tests, Env: l.env}, patterns...)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: go list ran longer than %v and was stopped", errDeadline, l.timeout)
	}
	return pkgs, err
}

// dependencies loads, from export data, every package the roots import
// that is not a root itself and was listed without error. The result
// is keyed by package ID.
func (l loader) dependencies(dir string, roots []*packages.Package) (map[string]*packages.Package, error) {
	isRoot := map[string]bool{}
	for _, r := range roots {
		isRoot[r.ID] = true
	}
	var want []string
	for _, r := range roots {
		for _, imp := range r.Imports {
			id := plainID(imp.ID)
			if isRoot[imp.ID] || id == "unsafe" || id == "C" || len(imp.Errors) > 0 || slices.Contains(want, id) {
				continue
			}
			want = append(want, id)
		}
	}
	deps := map[string]*packages.Package{}
	if len(want) == 0 {
		return deps, nil
	}
	slices.Sort(want)
	pkgs, err := l.load(dir, depMode, false, want)
	for _, p := range pkgs {
		deps[p.ID] = p
	}
	return deps, err
}

// plainID drops the test variant suffix of a package ID ("q [p.test]").
func plainID(id string) string {
	plain, _, _ := strings.Cut(id, " ")
	return plain
}

// typeCheck parses and type-checks the roots in import order. Imports
// among the roots resolve to each other (so facts can flow), the rest to
// deps; what resolves nowhere is left to go/types as a broken import, and
// the package is checked with the types that could be established.
func typeCheck(roots []*packages.Package, deps map[string]*packages.Package, fset *token.FileSet) {
	byID := map[string]*packages.Package{}
	for _, r := range roots {
		byID[r.ID] = r
	}
	parsed := map[string]*ast.File{} // a package and its test variant share files
	done := map[string]bool{}
	var visit func(*packages.Package)
	visit = func(pkg *packages.Package) {
		if done[pkg.ID] {
			return // checked, or on the current import path (a cycle)
		}
		done[pkg.ID] = true
		for _, imp := range pkg.Imports {
			if r := byID[imp.ID]; r != nil {
				visit(r)
			}
		}
		parseFiles(pkg, fset, parsed)
		checkPackage(pkg, func(path string) (*types.Package, error) { return resolve(pkg, path, byID, deps) })
	}
	for _, r := range roots {
		visit(r)
	}
}

// resolve is the importer of one root package.
func resolve(pkg *packages.Package, path string, roots, deps map[string]*packages.Package) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	imp := pkg.Imports[path]
	if imp == nil {
		return nil, errors.New("not listed by the go command")
	}
	if r := roots[imp.ID]; r != nil {
		if r.Types == nil {
			return nil, errors.New("import cycle")
		}
		return r.Types, nil
	}
	if len(imp.Errors) > 0 {
		return nil, errors.New(oneLine(imp.Errors[0].Msg))
	}
	dep := deps[plainID(imp.ID)]
	switch {
	case dep == nil:
		return nil, errors.New("its types could not be loaded")
	case dep.Types != nil && dep.Types.Complete():
		return dep.Types, nil
	case len(dep.Errors) > 0:
		return nil, errors.New(oneLine(dep.Errors[0].Msg))
	}
	return nil, errors.New("its types could not be loaded")
}

// parseFiles parses the package's files into pkg.Syntax, recording
// syntax errors as parse errors.
func parseFiles(pkg *packages.Package, fset *token.FileSet, cache map[string]*ast.File) {
	pkg.Fset = fset
	pkg.CompiledGoFiles = pkg.GoFiles
	for _, name := range pkg.GoFiles {
		f, ok := cache[name]
		if !ok {
			var err error
			f, err = parser.ParseFile(fset, name, nil, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
			var list scanner.ErrorList
			switch {
			case errors.As(err, &list) && len(list) > 0:
				pkg.Errors = append(pkg.Errors, packages.Error{Pos: list[0].Pos.String(), Msg: list[0].Msg, Kind: packages.ParseError})
			case err != nil:
				pkg.Errors = append(pkg.Errors, packages.Error{Pos: name, Msg: err.Error(), Kind: packages.ParseError})
			}
			cache[name] = f
		}
		if f != nil {
			pkg.Syntax = append(pkg.Syntax, f)
		}
	}
}

// checkPackage type-checks one parsed package. `import "C"` declares an
// empty package (cgo is never run), which is reported as an error of the
// package so that it is known to be checked in part.
func checkPackage(pkg *packages.Package, importer func(path string) (*types.Package, error)) {
	for _, f := range pkg.Syntax {
		for _, spec := range f.Imports {
			if spec.Path.Value == `"C"` {
				pkg.Errors = append(pkg.Errors, packages.Error{
					Pos:  pkg.Fset.Position(spec.Pos()).String(),
					Msg:  "cgo is not run (lint loads Go code with CGO_ENABLED=0), so names from package C have no types",
					Kind: packages.TypeError,
				})
			}
		}
	}
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Scopes:       map[ast.Node]*types.Scope{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		FileVersions: map[*ast.File]string{},
	}
	sizes := types.SizesFor("gc", goarch())
	conf := types.Config{
		Importer:    importerFunc(importer),
		Sizes:       sizes,
		GoVersion:   goVersion(pkg),
		FakeImportC: true,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				pkg.TypeErrors = append(pkg.TypeErrors, te)
				pkg.Errors = append(pkg.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
			}
		},
	}
	pkg.Types, _ = conf.Check(pkg.PkgPath, pkg.Fset, pkg.Syntax, info)
	pkg.TypesInfo, pkg.TypesSizes = info, sizes
	pkg.IllTyped = len(pkg.Errors) > 0
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// goVersion is the language version of the package's module, when the
// go/types linked into releasegate knows it.
func goVersion(pkg *packages.Package) string {
	if pkg.Module == nil || pkg.Module.GoVersion == "" {
		return ""
	}
	v := "go" + pkg.Module.GoVersion
	for _, tag := range build.Default.ReleaseTags {
		if tag == v || strings.HasPrefix(v, tag+".") {
			return v
		}
	}
	return "" // newer than this build: check without a version gate
}

func goarch() string {
	if a := os.Getenv("GOARCH"); a != "" {
		return a
	}
	return runtime.GOARCH
}

// addCgoFiles puts back the files go list left out because they import
// "C" (lint lists with CGO_ENABLED=0): they are analysed from their
// syntax and the types that do not depend on cgo. Imports only those
// files have are added to the package's imports, to be resolved like the
// others.
func addCgoFiles(pkgs []*packages.Package) {
	ctxt := build.Default
	ctxt.CgoEnabled = true
	for _, pkg := range pkgs {
		for _, name := range pkg.IgnoredFiles {
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
			if err != nil || f.Name.Name != pkg.Name || !importsC(f) {
				continue
			}
			if ok, err := ctxt.MatchFile(filepath.Dir(name), filepath.Base(name)); err != nil || !ok {
				continue
			}
			pkg.GoFiles = append(pkg.GoFiles, name)
			for _, spec := range f.Imports {
				path, err := strconv.Unquote(spec.Path.Value)
				if err != nil || path == "C" || pkg.Imports[path] != nil {
					continue
				}
				if pkg.Imports == nil {
					pkg.Imports = map[string]*packages.Package{}
				}
				pkg.Imports[path] = &packages.Package{ID: path, PkgPath: path}
			}
		}
	}
}

func importsC(f *ast.File) bool {
	return slices.ContainsFunc(f.Imports, func(s *ast.ImportSpec) bool { return s.Path.Value == `"C"` })
}

// oneLine folds the go command's multi-line messages into one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
