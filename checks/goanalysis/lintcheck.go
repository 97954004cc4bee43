package goanalysis

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/releasegate/releasegate/checks/goanalysis/suite"
	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// Options tune the Go analyzers check.
type Options struct {
	// GoTimeout bounds each go command the check runs; zero means ten
	// minutes.
	GoTimeout time.Duration
}

// NewCheck returns the Go analyzers check with its options.
func NewCheck(opt Options) lint.Check {
	if opt.GoTimeout <= 0 {
		opt.GoTimeout = defaultGoTimeout
	}
	return lint.Check{Name: "goanalysis", Rules: Rules, Run: func(p *lint.Pass) { run(p, opt) }}
}

func run(p *lint.Pass, opt Options) {
	if len(p.Workspace.GoDirs) == 0 {
		return
	}
	analyzers := enabledAnalyzers(p)
	l := loader{env: offlineEnv(os.Environ()), timeout: opt.GoTimeout}
	groups := groupByModule(p.Workspace.GoDirs)
	ctxt := buildContext(l.env)
	root, err := inputfile.NewRoot(p.Workspace.RepoRoot)
	if err != nil {
		p.Fail(report.InputError{Message: fmt.Sprintf("Go packages: %v", err)})
		return
	}
	s := &session{pass: p, loader: l, goarch: ctxt.GOARCH, root: root}
	var sets [][]*packages.Package
	sets, s.scanned = readGroups(groups, ctxt, root)
	for _, i := range moduleOrder(sets) {
		pkgs := sets[i]
		whole := s.loadGroup(groups[i], pkgs)
		roots := usable(p, pkgs, whole)
		p.CountGoPackages(countPlain(roots))
		if len(roots) == 0 || len(analyzers) == 0 {
			continue
		}
		analyze(p, analyzers, roots)
	}
}

// enabledAnalyzers are the analyzers of the enabled rules, each turning
// its panics into errors.
func enabledAnalyzers(p *lint.Pass) []*analysis.Analyzer {
	var analyzers []*analysis.Analyzer
	for _, a := range suite.WithConfig(p.Config) {
		if p.Enabled(suite.RuleID(a.Name)) {
			analyzers = append(analyzers, recovering(a))
		}
	}
	return analyzers
}

// analyze runs the analyzers over roots, with facts flowing only between
// them.
func analyze(p *lint.Pass, analyzers []*analysis.Analyzer, roots []*packages.Package) {
	byID := map[string]*packages.Package{}
	for _, r := range roots {
		byID[r.ID] = r
	}
	for _, r := range roots {
		kept := map[string]*packages.Package{}
		for path, imp := range r.Imports {
			if root := byID[imp.ID]; root != nil {
				kept[path] = root
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
	src := sources{}
	for _, act := range graph.Roots {
		if act.Err != nil {
			e := report.InputError{Message: fmt.Sprintf("Go analyzer %s on %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err)}
			if act.Package.IllTyped {
				p.Warn(e) // already reported as loaded in part
			} else {
				p.Fail(e)
			}
			continue
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			key := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s", act.Analyzer.Name, pos.Filename, pos.Line, pos.Column, d.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			// Without an end, the engine spans the token at the start.
			span := workspace.Span{Start: workspace.Pos{Line: pos.Line, Col: pos.Column}}
			if d.End.IsValid() && d.End > d.Pos {
				// go/token columns count bytes; they differ from ours only
				// on lines with non-ASCII text before the span.
				end := act.Package.Fset.Position(d.End)
				span.End = workspace.Pos{Line: end.Line, Col: end.Column}
			}
			id := suite.RuleID(act.Analyzer.Name)
			remedy := src.fix(p.Workspace, act.Package.Fset, d)
			if remedy == (lint.Remedy{}) {
				remedy = noFixNote(id, d)
			}
			p.Report(lint.Diagnostic{
				Rule: id, Path: p.Workspace.Display(pos.Filename), Span: span,
				Message:   d.Message,
				Remedy:    remedy,
				DependsOn: dependsOn(p.Workspace, act),
			})
		}
	}
}

// usable returns the packages to analyse. A package with a file that
// does not parse is an input error (exit 2), as a YAML file would be. A
// package that does not fully type-check — typically because a
// dependency is missing from the module cache, which lint never fills —
// is analysed with the types that could be established, and reported
// in one warning for the module (none when warnEach is false: the module
// already has one warning for all of them). A go.sum without the needed
// lines leaves every package that imports the module in part; one line
// names the first and counts the others, rather than a warning each.
func usable(p *lint.Pass, pkgs []*packages.Package, warnEach bool) []*packages.Package {
	var ok []*packages.Package
	var first *report.InputError // the module's warning, at its first package loaded in part
	var firstPkg string
	var others []string           // the other packages loaded in part
	reported := map[string]bool{} // test variants repeat their package's errors
	once := func(e report.InputError, fail bool) {
		if reported[e.Error()] {
			return
		}
		reported[e.Error()] = true
		if fail {
			p.Fail(e)
		} else if warnEach && first == nil {
			first = &e
		}
	}
	defer func() {
		if first != nil {
			p.Warn(oneForModule(*first, others))
		}
	}()
	for _, pkg := range pkgs {
		if len(pkg.Errors) == 0 {
			ok = append(ok, pkg)
			continue
		}
		if e, bad := parseError(pkg); bad {
			once(located(p.Workspace, pkg, e, fmt.Sprintf("Go package %s does not parse: %s", pkg.PkgPath, e.Msg)), true)
			continue
		}
		e := pkg.Errors[0] // an import that failed comes first, with its cause
		if n := len(pkg.Errors) - 1; n > 0 {
			e.Msg += fmt.Sprintf(", and %d more", n)
		}
		msg := fmt.Sprintf("Go package %s could not be fully loaded (%s); checked with the types that could be established", pkg.PkgPath, e.Msg)
		if pkg.Types == nil || pkg.TypesInfo == nil || len(pkg.Syntax) == 0 {
			msg = fmt.Sprintf("Go package %s could not be loaded (%s); not checked", pkg.PkgPath, e.Msg)
		} else {
			ok = append(ok, pkg)
		}
		switch {
		case firstPkg == "":
			firstPkg = pkg.PkgPath
		case pkg.PkgPath != firstPkg && !slices.Contains(others, pkg.PkgPath):
			others = append(others, pkg.PkgPath) // test variants repeat a package
		}
		once(located(p.Workspace, pkg, e, msg), false)
	}
	return ok
}

// oneForModule is the first partial-load warning of a module, naming
// the other packages loaded in part likewise (a few, then a count).
func oneForModule(first report.InputError, others []string) report.InputError {
	const named = 3
	switch n := len(others); {
	case n == 0:
	case n <= named:
		first.Message += "; likewise " + strings.Join(others, ", ")
	default:
		first.Message += fmt.Sprintf("; likewise %s and %d more packages of this module", strings.Join(others[:named], ", "), n-named)
	}
	return first
}

// parseError returns the first syntax error of a package.
func parseError(pkg *packages.Package) (packages.Error, bool) {
	for _, e := range pkg.Errors {
		if e.Kind == packages.ParseError {
			return e, true
		}
	}
	return packages.Error{}, false
}

// located turns a package error into a one-line input error at its
// position, which is always in a file of the package: an error placed
// elsewhere (go list relays errors of the packages it imports) is put
// on the package's first file instead.
func located(ws *workspace.Workspace, pkg *packages.Package, e packages.Error, msg string) report.InputError {
	ierr := report.InputError{Message: oneLine(msg)}
	file, line, col, found := splitPos(e.Pos)
	if !found || !filepath.IsAbs(file) || !slices.Contains(pkg.GoFiles, file) {
		if len(pkg.GoFiles) == 0 {
			return ierr
		}
		file, line, col = pkg.GoFiles[0], 0, 0
	}
	ierr.File, ierr.Line, ierr.Column = ws.Display(file), line, col
	return ierr
}

// recovering returns a copy of an analyzer whose panics become errors:
// code that does not type-check reaches paths a well-typed package never
// does, and one package must not end the whole run without a report.
func recovering(a *analysis.Analyzer) *analysis.Analyzer {
	c := *a
	run := a.Run
	c.Run = func(pass *analysis.Pass) (res any, err error) {
		defer func() {
			if r := recover(); r != nil {
				res, err = nil, fmt.Errorf("internal error: %v", r)
			}
		}()
		return run(pass)
	}
	return &c
}

// offlineEnv is the environment for go list: never download a module
// (lint must not reach the network; a module missing from the cache is a
// package loaded in part), never fetch a toolchain, never write go.mod,
// never run cgo (a C compiler on the scanned code), never read a go.work
// (its modules are the repository's: see buildableOutside). The user's
// other settings, -mod=vendor included, are kept.
func offlineEnv(environ []string) []string {
	out := make([]string, 0, len(environ)+8)
	var flags []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS":
			for _, f := range strings.Fields(v) {
				if strings.TrimLeft(f, "-") != "mod=mod" {
					flags = append(flags, f)
				}
			}
		case "GOPROXY", "GOTOOLCHAIN", "GOVCS", "GONOPROXY", "GOPRIVATE", "CGO_ENABLED", "GOWORK":
		default:
			out = append(out, kv)
		}
	}
	return append(out, "GOFLAGS="+strings.Join(flags, " "), "GOPROXY=off", "GOTOOLCHAIN=local",
		"GOVCS=*:off", "GONOPROXY=", "GOPRIVATE=", "CGO_ENABLED=0", "GOWORK=off")
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
	dir  string
	dirs []string // absolute
}

// groupByModule loads each module from its own root so nested modules
// (and their go.sum) resolve as `go build` would. Directories outside any
// module are loaded one by one.
func groupByModule(dirs []string) []group {
	byRoot := map[string]*group{}
	var out []group
	for _, d := range dirs {
		root := moduleRoot(d)
		if root == "" {
			out = append(out, group{dir: d, dirs: []string{d}})
			continue
		}
		g := byRoot[root]
		if g == nil {
			g = &group{dir: root}
			byRoot[root] = g
		}
		g.dirs = append(g.dirs, d)
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
