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
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// Loading never compiles the scanned code. releasegate reads the scanned
// packages itself (dirPackages), parses and type-checks them, and asks
// the go command only for export data of their dependencies — the
// standard library, the module's requirements — which it builds with
// CGO_ENABLED=0 and a deadline. No -export or -compiled build of a
// scanned package happens, so no cgo, C compiler or assembler runs on
// the repository's files.

// depMode loads the dependencies' types from export data (they are the
// roots of that query and NeedSyntax is absent).
const depMode = packages.NeedName | packages.NeedTypes | packages.NeedImports

// defaultGoTimeout bounds each go command lint runs. A cold build
// cache makes the export data of a large dependency tree take minutes.
const defaultGoTimeout = 10 * time.Minute

// deadlineError is a go command stopped at the loader's deadline.
type deadlineError struct{ limit time.Duration }

func (e deadlineError) Error() string {
	return fmt.Sprintf("go list ran longer than %v and was stopped", e.limit)
}

// loader runs the go command offline and with a deadline.
type loader struct {
	env     []string
	timeout time.Duration
}

// load runs one go/packages query under the loader's deadline.
func (l loader) load(dir string, mode packages.LoadMode, patterns []string) ([]*packages.Package, error) {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	pkgs, err := packages.Load(&packages.Config{Context: ctx, Mode: mode, Dir: dir, Env: l.env}, patterns...)
	if ctx.Err() != nil {
		return nil, deadlineError{l.timeout}
	}
	return pkgs, err
}

// missingDeps returns the IDs of the packages the roots import that are
// neither roots nor in deps.
func missingDeps(roots []*packages.Package, deps map[string]*packages.Package) []string {
	isRoot := map[string]bool{}
	for _, r := range roots {
		isRoot[r.ID] = true
	}
	var want []string
	for _, r := range roots {
		for _, imp := range r.Imports {
			id := plainID(imp.ID)
			if isRoot[imp.ID] || deps[id] != nil || id == "unsafe" || id == "C" || slices.Contains(want, id) {
				continue
			}
			want = append(want, id)
		}
	}
	return want
}

// session is what loading shares across the modules of one run.
type session struct {
	pass    *lint.Pass
	loader  loader
	goarch  string
	root    *inputfile.Root              // the repository boundary Go files are read within
	scanned map[string]*packages.Package // import path -> the package once checked (nil before)
}

// loadGroup type-checks the packages of one module. When the
// go command cannot load the module's dependencies at all (a go.mod that
// needs a newer Go, a module graph that needs a download, a go command
// that hangs), the module gets one warning and its packages are checked
// with the standard library's types alone; whole is then false, and the
// packages get no warnings of their own.
//
// s.scanned holds the import paths of every scanned package, of all
// modules: those are never built by the go command. A package of another
// module that was checked before resolves to its checked types
// (go.work, replace directives to a directory); one that was not stays
// unresolved.
func (s *session) loadGroup(g group, pkgs []*packages.Package) (whole bool) {
	ids, inRepo, err := s.loader.buildableOutside(g.dir, slices.DeleteFunc(missingDeps(pkgs, nil), func(id string) bool {
		_, ok := s.scanned[id]
		return ok
	}), s.root)
	var deps map[string]*packages.Package
	if err == nil {
		deps, err = s.loader.loadDeps(g.dir, ids)
	}
	for _, id := range inRepo {
		if deps != nil {
			deps[id] = notBuilt(id)
		}
	}
	if err != nil {
		s.pass.Warn(moduleWarning(s.pass.Workspace, g, s.root, err))
		deps = s.loader.stdlib(pkgs, err)
	}
	if deps == nil {
		deps = map[string]*packages.Package{}
	}
	for _, id := range missingDeps(pkgs, deps) {
		if other := s.scanned[id]; other != nil && other.Types != nil {
			deps[id] = other
		}
	}
	typeCheck(pkgs, deps, token.NewFileSet(), s.goarch, s.root)
	for _, pkg := range pkgs {
		if pkg.ID == pkg.PkgPath {
			s.scanned[pkg.PkgPath] = pkg
		}
	}
	return err == nil
}

// readGroups reads the packages of each group, and maps the import path
// of every one to nil, to be filled with the package once checked.
func readGroups(groups []group, ctxt build.Context, root *inputfile.Root) ([][]*packages.Package, map[string]*packages.Package) {
	sets := make([][]*packages.Package, len(groups))
	scanned := map[string]*packages.Package{}
	for i, g := range groups {
		sets[i] = dirPackages(g, ctxt, root)
		for _, pkg := range sets[i] {
			scanned[pkg.PkgPath] = nil
		}
	}
	return sets, scanned
}

// moduleOrder orders the modules so that one whose packages import
// another's comes after it (go.work, replace directives to a directory).
func moduleOrder(sets [][]*packages.Package) []int {
	owner := map[string]int{}
	for i, set := range sets {
		for _, pkg := range set {
			owner[pkg.PkgPath] = i
		}
	}
	var order []int
	seen := make([]bool, len(sets))
	var visit func(i int)
	visit = func(i int) {
		if seen[i] {
			return
		}
		seen[i] = true
		for _, pkg := range sets[i] {
			for _, imp := range pkg.Imports {
				if j, ok := owner[imp.PkgPath]; ok && j != i {
					visit(j)
				}
			}
		}
		order = append(order, i)
	}
	for i := range sets {
		visit(i)
	}
	return order
}

// stdlib loads the standard library packages pkgs import, from a
// directory outside the module the go command could not load, unless
// the go command timed out (it is not asked again).
func (l loader) stdlib(pkgs []*packages.Package, loadErr error) map[string]*packages.Package {
	if errors.As(loadErr, new(deadlineError)) {
		return nil
	}
	tmp, err := os.MkdirTemp("", "releasegate-std")
	if err != nil {
		return nil
	}
	defer func() { _ = os.RemoveAll(tmp) }() // an empty directory; nothing to do if it stays
	deps, _ := l.loadDeps(tmp, slices.DeleteFunc(missingDeps(pkgs, nil), func(path string) bool { return !stdLike(path) }))
	return deps
}

// moduleWarning is the one warning for a module the go command could
// not list.
func moduleWarning(ws *workspace.Workspace, g group, root *inputfile.Root, err error) report.InputError {
	name, file := ws.Display(g.dir), ws.Display(g.dir)
	if modPath, _ := readModFile(g.dir, root); modPath != "" {
		name, file = modPath, ws.Display(filepath.Join(g.dir, "go.mod"))
	}
	how := "from their syntax and the standard library's types"
	if errors.As(err, new(deadlineError)) {
		how = "from their syntax alone"
	}
	return report.InputError{File: file, Message: fmt.Sprintf(
		"Go module %s could not be loaded by the go command (%s); its packages were checked %s", name, goError(err), how)}
}

// goError is the go command's own message, on one line.
func goError(err error) string {
	msg := err.Error()
	if _, stderr, ok := strings.Cut(msg, "stderr: "); ok {
		msg = stderr
	}
	return oneLine(msg)
}

// loadDeps loads packages by ID from export data, into a map by ID.
func (l loader) loadDeps(dir string, ids []string) (map[string]*packages.Package, error) {
	deps := map[string]*packages.Package{}
	if len(ids) == 0 {
		return deps, nil
	}
	slices.Sort(ids)
	pkgs, err := l.load(dir, depMode, ids)
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
func typeCheck(roots []*packages.Package, deps map[string]*packages.Package, fset *token.FileSet, goarch string, root *inputfile.Root) {
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
		parseFiles(pkg, fset, parsed, root)
		checkPackage(pkg, goarch, func(path string) (*types.Package, error) { return resolve(pkg, path, byID, deps) })
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
		return nil, errors.New("not an import of the package")
	}
	if r := roots[imp.ID]; r != nil {
		if r.Types == nil {
			return nil, errors.New("import cycle")
		}
		return r.Types, nil
	}
	dep := deps[plainID(imp.ID)]
	switch {
	case dep == nil:
		return nil, errors.New("its types could not be loaded")
	case dep.Types != nil && dep.Types.Name() != "":
		return dep.Types, nil // complete, or checked in part from source
	case len(dep.Errors) > 0:
		return nil, errors.New(oneLine(dep.Errors[0].Msg))
	}
	return nil, errors.New("its types could not be loaded")
}

// parseFiles parses the package's files into pkg.Syntax, recording
// syntax errors (and files that cannot be read within the repository's
// boundary) as parse errors.
func parseFiles(pkg *packages.Package, fset *token.FileSet, cache map[string]*ast.File, root *inputfile.Root) {
	pkg.Fset = fset
	pkg.CompiledGoFiles = pkg.GoFiles
	for _, name := range pkg.GoFiles {
		f, ok := cache[name]
		if !ok {
			src, err := root.ReadFile(name, 0)
			if err == nil {
				f, err = parser.ParseFile(fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
			}
			var list scanner.ErrorList
			var outside *inputfile.Error
			switch {
			case errors.As(err, &outside):
				pkg.Errors = append(pkg.Errors, packages.Error{Pos: name, Msg: "not read: " + outside.Message(), Kind: packages.ParseError})
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
func checkPackage(pkg *packages.Package, goarch string, importer func(path string) (*types.Package, error)) {
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
	sizes := types.SizesFor("gc", goarch)
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

// oneLine folds the go command's multi-line messages into one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
