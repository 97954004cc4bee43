package goanalysis

import (
	"bufio"
	"bytes"
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// When the go command cannot list a module at all (a go.mod that needs
// a newer Go, a module graph that needs a download, a go command that
// hangs), lint still reads the module's Go code: dirPackages builds its
// packages one directory at a time from the files and their build
// constraints (go/build reads files and runs nothing). Imports within
// the module resolve to each other, imports that look like the standard
// library are loaded from its export data outside the module, and the
// rest stay unresolved; the analyzers then run as for packages loaded in
// part.

// dirPackages lists the packages of g's directories, with their test
// variants, as go list would.
func dirPackages(g group) []*packages.Package {
	modPath, goVer := readModFile(g.dir)
	module := &packages.Module{Path: modPath, Dir: g.dir, GoVersion: goVer, Main: true}
	ctxt := build.Default
	ctxt.CgoEnabled = true // list cgo files; they are parsed, never run through cgo
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
			x.Imports = map[string]*packages.Package{path: {ID: testID}}
		}
	}
	for _, pkg := range pkgs {
		if pkg.Imports == nil {
			pkg.Imports = map[string]*packages.Package{}
		}
		for _, path := range imports[pkg] {
			if pkg.Imports[path] == nil {
				pkg.Imports[path] = fallbackImport(path, modPath, byPath)
			}
		}
	}
	return pkgs
}

// fallbackImport resolves an import of a module that could not be
// listed: to a package of the module, to the standard library (loaded
// later from export data), or to nothing.
func fallbackImport(path, modPath string, byPath map[string]string) *packages.Package {
	if id, ok := byPath[path]; ok {
		return &packages.Package{ID: id, PkgPath: path}
	}
	first, _, _ := strings.Cut(path, "/")
	inModule := modPath != "" && (path == modPath || strings.HasPrefix(path, modPath+"/"))
	if !inModule && !strings.Contains(first, ".") {
		return &packages.Package{ID: path, PkgPath: path}
	}
	return &packages.Package{ID: path, PkgPath: path, Errors: []packages.Error{{
		Msg: "not loaded: the go command could not list the module", Kind: packages.ListError,
	}}}
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
// no go command (which may be what failed).
func readModFile(dir string) (modPath, goVersion string) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
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
