package goanalysis

import (
	"errors"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/packages"

	"github.com/releasegate/releasegate/internal/inputfile"
)

// listMode lists packages and their imports, with the files they hold,
// and builds nothing: go list without -export or -compiled.
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps

// buildableOutside keeps the dependency IDs whose export data the go
// command may build: those that neither are nor import code inside the
// repository. A vendored module, a replace directive to a directory the
// lint was not pointed at, a go.work module: all are the repository's
// files, and building them for export data would run the compiler (and
// the assembler) on them. Those imports stay unresolved and their
// importers are checked with the types that could be established.
//
// It asks the go command for a listing first, which builds nothing. A
// listing that fails keeps nothing: the caller checks from syntax. A
// package listed with errors (not found) is kept: the export query
// reports those as it did before.
func (l loader) buildableOutside(dir string, ids []string, root *inputfile.Root) (outside, inRepo []string, err error) {
	if len(ids) == 0 || root == nil || root.Dir() == "" || !mayResolveInside(dir, root) {
		return ids, nil, nil
	}
	listed, err := l.load(dir, listMode, ids)
	if err != nil {
		return nil, nil, err
	}
	inside := insideRepository(root)
	verdict := map[*packages.Package]bool{} // true: the package or an import is inside
	var touches func(p *packages.Package) bool
	touches = func(p *packages.Package) bool {
		if v, ok := verdict[p]; ok {
			return v
		}
		verdict[p] = false // an import cycle is decided by its other members
		v := slices.ContainsFunc(append(slices.Clip(p.GoFiles), p.OtherFiles...), inside)
		for _, imp := range p.Imports {
			v = touches(imp) || v
		}
		verdict[p] = v
		return v
	}
	keep := map[string]bool{}
	for _, p := range listed {
		keep[p.ID] = !touches(p)
	}
	for _, id := range ids {
		if keep[id] {
			outside = append(outside, id)
		} else {
			inRepo = append(inRepo, id)
		}
	}
	return outside, inRepo, nil
}

// notBuilt stands for a dependency whose code is in the repository: its
// importers say why it did not resolve.
func notBuilt(id string) *packages.Package {
	return &packages.Package{ID: id, PkgPath: id, Errors: []packages.Error{{
		Msg: "its code is in the repository (vendored, or a replace directive to a directory not linted), which lint never builds",
	}}}
}

// mayResolveInside reports whether the go command could resolve a
// dependency of the module at dir to a directory of the repository: the
// module vendors its dependencies, or its go.mod replaces a module with a
// directory. (go.work files are never read: the loader runs with
// GOWORK=off.) Only then is the listing worth its cost; otherwise every
// dependency comes from the module cache or the standard library.
func mayResolveInside(dir string, root *inputfile.Root) bool {
	modDir, ok := moduleDir(dir)
	if !ok {
		return false // no module: the go command resolves nothing to build
	}
	if _, err := os.Lstat(filepath.Join(modDir, "vendor", "modules.txt")); err == nil {
		return true
	}
	data, err := root.ReadFile(filepath.Join(modDir, "go.mod"), 0)
	if errors.Is(err, inputfile.ErrOutside) {
		data, err = os.ReadFile(filepath.Join(modDir, "go.mod")) // the user's own module, above the repository
	}
	if err != nil {
		return true // unreadable: assume the worst
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return true
	}
	return slices.ContainsFunc(f.Replace, func(r *modfile.Replace) bool { return r.New.Version == "" })
}

// moduleDir is the directory of the go.mod the go command uses for dir:
// dir's own, or the nearest above it.
func moduleDir(dir string) (string, bool) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// insideRepository reports whether a file is under the repository root,
// as given or with its symbolic links resolved (the go command may name
// files either way).
func insideRepository(root *inputfile.Root) func(string) bool {
	dirs := []string{root.Dir()}
	if real, err := filepath.EvalSymlinks(root.Dir()); err == nil && real != root.Dir() {
		dirs = append(dirs, real)
	}
	return func(file string) bool {
		return slices.ContainsFunc(dirs, func(d string) bool { return inputfile.Within(d, file) })
	}
}
