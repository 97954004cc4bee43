package goanalysis

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/releasegate/releasegate/checks/goanalysis/suite"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/report"
)

// loadMode loads syntax and types for the scanned packages only; their
// dependencies come from export data (NeedDeps is deliberately absent).
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesSizes |
	packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule

func run(p *lint.Pass) {
	if len(p.Workspace.GoDirs) == 0 {
		return
	}
	var analyzers []*analysis.Analyzer
	for _, a := range suite.WithConfig(p.Config) {
		if p.Enabled(suite.RuleID(a.Name)) {
			analyzers = append(analyzers, a)
		}
	}
	cwd, _ := os.Getwd()
	for _, g := range groupByModule(p.Workspace.GoDirs) {
		// Tests: true, like go vet, so _test.go files are checked too.
		pkgs, err := packages.Load(&packages.Config{Mode: loadMode, Dir: g.dir, Tests: true}, g.patterns...)
		if err != nil {
			p.Fail(report.InputError{File: displayPath(g.dir, cwd), Message: fmt.Sprintf("cannot load Go packages: %v", err)})
			continue
		}
		roots := usable(p, withoutTestMains(pkgs), cwd)
		p.CountGoPackages(countPlain(roots))
		if len(roots) == 0 || len(analyzers) == 0 {
			continue
		}
		analyze(p, analyzers, roots, cwd)
	}
}

// analyze runs the analyzers over roots, with facts flowing only between
// them.
func analyze(p *lint.Pass, analyzers []*analysis.Analyzer, roots []*packages.Package, cwd string) {
	in := map[*packages.Package]bool{}
	for _, r := range roots {
		in[r] = true
	}
	for _, r := range roots {
		kept := map[string]*packages.Package{}
		for path, imp := range r.Imports {
			if in[imp] {
				kept[path] = imp
			}
		}
		r.Imports = kept
	}
	graph, err := checker.Analyze(analyzers, roots, nil)
	if err != nil {
		p.Fail(report.InputError{Message: fmt.Sprintf("Go analyzers: %v", err)})
		return
	}
	// A package and its test variant share files: report each finding once.
	seen := map[string]bool{}
	for _, act := range graph.Roots {
		if act.Err != nil {
			p.Fail(report.InputError{Message: fmt.Sprintf("Go analyzer %s on %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err)})
			continue
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			key := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s", act.Analyzer.Name, pos.Filename, pos.Line, pos.Column, d.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			p.ReportAt(suite.RuleID(act.Analyzer.Name), displayPath(pos.Filename, cwd), pos.Line, pos.Column, d.Message)
		}
	}
}

// usable reports the packages that failed to load or type-check (could
// not check: exit 2) and returns the others. Directories whose files are
// all excluded by build constraints are skipped: there is nothing there
// for this build to check.
func usable(p *lint.Pass, pkgs []*packages.Package, cwd string) []*packages.Package {
	var ok []*packages.Package
	reported := map[string]bool{} // test variants repeat their package's errors
	for _, pkg := range pkgs {
		if len(pkg.GoFiles) == 0 && len(pkg.CompiledGoFiles) == 0 && excludedByBuild(pkg) {
			continue // only _test.go files, or all excluded by build constraints
		}
		if len(pkg.Errors) == 0 {
			ok = append(ok, pkg)
			continue
		}
		e := firstError(pkg)
		ierr := report.InputError{Message: fmt.Sprintf("Go package %s does not type-check: %s", pkg.PkgPath, e.Msg)}
		if file, line, col, found := splitPos(e.Pos); found {
			if !filepath.IsAbs(file) && pkg.Dir != "" {
				file = filepath.Join(pkg.Dir, file)
			}
			ierr.File, ierr.Line, ierr.Column = displayPath(file, cwd), line, col
		}
		if n := countKind(pkg, e.Kind); n > 1 {
			ierr.Message += fmt.Sprintf(" (and %d more errors)", n-1)
		}
		if !reported[ierr.Error()] {
			reported[ierr.Error()] = true
			p.Fail(ierr)
		}
	}
	return ok
}

// withoutTestMains drops the generated main packages of test binaries.
func withoutTestMains(pkgs []*packages.Package) []*packages.Package {
	var out []*packages.Package
	for _, pkg := range pkgs {
		if pkg.Name == "main" && strings.HasSuffix(pkg.ID, ".test") {
			continue
		}
		out = append(out, pkg)
	}
	return out
}

// countPlain counts packages, not their test variants (IDs like
// "p [p.test]").
func countPlain(pkgs []*packages.Package) int {
	n := 0
	for _, pkg := range pkgs {
		if !strings.Contains(pkg.ID, " [") {
			n++
		}
	}
	return n
}

// firstError prefers a positioned parse or type error over the compiler
// output go list relays (which repeats them without a position).
func firstError(pkg *packages.Package) packages.Error {
	for _, kind := range []packages.ErrorKind{packages.ParseError, packages.TypeError} {
		for _, e := range pkg.Errors {
			if e.Kind == kind && e.Pos != "" {
				return e
			}
		}
	}
	for _, e := range pkg.Errors {
		if e.Pos != "" && e.Pos != "-" {
			return e
		}
	}
	return pkg.Errors[0]
}

// countKind counts errors of one kind; go list repeats compiler errors
// as one unpositioned error that would double the count.
func countKind(pkg *packages.Package, kind packages.ErrorKind) int {
	n := 0
	for _, e := range pkg.Errors {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func excludedByBuild(pkg *packages.Package) bool {
	for _, e := range pkg.Errors {
		if !strings.Contains(e.Msg, "build constraints exclude all Go files") && !strings.Contains(e.Msg, "no non-test Go files") {
			return false
		}
	}
	return true
}

// splitPos parses go/packages' "file:line:col" (or "file:line") error
// positions.
func splitPos(pos string) (file string, line, col int, ok bool) {
	if pos == "" || pos == "-" {
		return "", 0, 0, false
	}
	parts := strings.Split(pos, ":")
	nums := []int{}
	for len(parts) > 1 && len(nums) < 2 {
		var n int
		if _, err := fmt.Sscanf(parts[len(parts)-1], "%d", &n); err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		parts = parts[:len(parts)-1]
	}
	file = strings.Join(parts, ":")
	switch len(nums) {
	case 2:
		return file, nums[0], nums[1], true
	case 1:
		return file, nums[0], 0, true
	}
	return file, 0, 0, true
}

// group is the Go directories of one module and the go/packages patterns
// naming them, relative to the module root.
type group struct {
	dir      string
	patterns []string
}

// groupByModule loads each module from its own root so nested modules
// (and their go.sum) resolve as `go build` would. Directories outside any
// module are loaded one by one as file lists.
func groupByModule(dirs []string) []group {
	byRoot := map[string]*group{}
	var out []group
	for _, d := range dirs {
		root := moduleRoot(d)
		if root == "" {
			if files := goFiles(d); len(files) > 0 {
				out = append(out, group{dir: d, patterns: files})
			}
			continue
		}
		g := byRoot[root]
		if g == nil {
			g = &group{dir: root}
			byRoot[root] = g
		}
		rel, err := filepath.Rel(root, d)
		if err != nil {
			continue
		}
		g.patterns = append(g.patterns, "./"+filepath.ToSlash(rel))
	}
	roots := make([]string, 0, len(byRoot))
	for r := range byRoot {
		roots = append(roots, r)
	}
	sort.Strings(roots)
	for _, r := range roots {
		out = append(out, *byRoot[r])
	}
	return out
}

func moduleRoot(dir string) string {
	for {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !st.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func goFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") && e.Type().IsRegular() {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}

// displayPath matches the workspace's display paths: relative to the
// working directory when below it, slash-separated.
func displayPath(abs, cwd string) string {
	if rel, err := filepath.Rel(cwd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}
