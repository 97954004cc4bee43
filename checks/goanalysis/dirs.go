package goanalysis

import (
	"bufio"
	"bytes"
	"cmp"
	"go/build"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/releasegate/releasegate/internal/inputfile"
)

// dirPackages reads the packages of g's directories, with their test
// variants, from the files and their build constraints: go/build reads
// file headers and runs nothing, so no code of the scanned repository is
// compiled, preprocessed or run to list it. cgo files are included (they
// are parsed, never handed to cgo). Imports among the directories resolve
// to each other, by import path under the module path of g's go.mod;
// every other import is a dependency, loaded from export data. Files
// are read through the repository boundary: a symbolic link out of it, a
// FIFO or a huge file is not read (it is an invalid file, which the parse
// then reports).
func dirPackages(g group, ctxt build.Context, root *inputfile.Root) []*packages.Package {
	modPath, goVer := readModFile(g.dir, root)
	module := &packages.Module{Path: modPath, Dir: g.dir, GoVersion: goVer, Main: true}
	ctxt.CgoEnabled = true
	ctxt.OpenFile = func(path string) (io.ReadCloser, error) {
		data, err := root.ReadFile(path, 0)
		return io.NopCloser(bytes.NewReader(data)), err
	}
	var pkgs []*packages.Package
	imports := map[*packages.Package][]string{}
	byPath := map[string]string{} // import path -> ID of the variant importers see
	for _, dir := range g.dirs {
		bp, err := ctxt.ImportDir(dir, 0)
		if err != nil && len(bp.GoFiles)+len(bp.CgoFiles)+len(bp.InvalidGoFiles)+len(bp.TestGoFiles)+len(bp.XTestGoFiles) == 0 {
			continue // no Go files for this build
		}
		path := importPath(modPath, g.dir, dir)
		files := abs(dir, bp.GoFiles, bp.CgoFiles, bp.InvalidGoFiles)
		add := func(id, pkgPath, name string, files []string, imps ...[]string) *packages.Package {
			pkg := &packages.Package{ID: id, PkgPath: pkgPath, Name: name, GoFiles: files, Dir: dir, Module: module}
			pkgs = append(pkgs, pkg)
			for _, list := range imps {
				imports[pkg] = append(imports[pkg], list...)
			}
			return pkg
		}
		if len(files) > 0 {
			add(path, path, bp.Name, files, bp.Imports)
			byPath[path] = path
		}
		testID := path
		if len(bp.TestGoFiles) > 0 {
			testID = path + " [" + path + ".test]"
			add(testID, path, bp.Name, slices.Concat(files, abs(dir, bp.TestGoFiles)), bp.Imports, bp.TestImports)
		}
		if len(bp.XTestGoFiles) > 0 {
			x := add(path+"_test ["+path+".test]", path+"_test", bp.Name+"_test", abs(dir, bp.XTestGoFiles), bp.XTestImports)
			x.Imports = map[string]*packages.Package{path: {ID: testID, PkgPath: path}}
		}
	}
	for _, pkg := range pkgs {
		if pkg.Imports == nil {
			pkg.Imports = map[string]*packages.Package{}
		}
		for _, path := range imports[pkg] {
			if pkg.Imports[path] == nil {
				pkg.Imports[path] = &packages.Package{ID: cmp.Or(byPath[path], path), PkgPath: path}
			}
		}
	}
	return pkgs
}

// buildContext is the default build context with the GOOS, GOARCH and
// build tags the go command would use in env.
func buildContext(env []string) build.Context {
	ctxt := build.Default
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "GOOS":
			ctxt.GOOS = v
		case "GOARCH":
			ctxt.GOARCH = v
		case "GOFLAGS":
			for _, f := range strings.Fields(v) {
				if tags, ok := strings.CutPrefix(strings.TrimLeft(f, "-"), "tags="); ok {
					ctxt.BuildTags = strings.Split(tags, ",")
				}
			}
		}
	}
	return ctxt
}

// stdLike reports whether an import path can name a standard library
// package: its first element has no dot.
func stdLike(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// importPath is the import path of dir in the module at root; outside a
// module, the directory itself.
func importPath(modPath, root, dir string) string {
	rel, err := filepath.Rel(root, dir)
	switch {
	case modPath == "" || err != nil:
		return filepath.ToSlash(dir)
	case rel == ".":
		return modPath
	}
	return modPath + "/" + filepath.ToSlash(rel)
}

func abs(dir string, lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, name := range l {
			out = append(out, filepath.Join(dir, name))
		}
	}
	return out
}

// readModFile reads the module path and go version of dir/go.mod with
// no go command (which may be what failed), through the repository
// boundary: a go.mod that is a link out of it names no module.
func readModFile(dir string, root *inputfile.Root) (modPath, goVersion string) {
	data, err := root.ReadFile(filepath.Join(dir, "go.mod"), 0)
	if err != nil {
		return "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "//")
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		value := f[1]
		if u, err := strconv.Unquote(value); err == nil {
			value = u
		}
		switch f[0] {
		case "module":
			modPath = value
		case "go":
			goVersion = value
		}
	}
	return modPath, goVersion
}
