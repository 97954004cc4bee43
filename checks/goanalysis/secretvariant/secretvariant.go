// Package secretvariant defines the go-secret-variant analyzer: a Go
// program reads an environment variable whose name belongs to a declared
// token family (families: in .releasegate.yaml) but is not one of the
// declared secrets.
//
// # Why
//
// A family such as DOCKERHUB_TOKEN is split into scoped variants
// (DOCKERHUB_TOKEN_RW for pushes, DOCKERHUB_TOKEN_DELETE for tag cleanup).
// A release tool that still reads the legacy unsuffixed DOCKERHUB_TOKEN
// either fails at the worst moment (the secret was revoked and removed)
// or quietly keeps an all-powerful token alive because someone re-created
// it to make the tool work.
//
// # What is reported
//
// Calls to os.Getenv, os.LookupEnv, syscall.Getenv and os.ExpandEnv whose
// variable name is a constant (a literal, a named constant or a constant
// expression), and calls to wrappers that pass one of their parameters on
// to such a lookup (func mustEnv(name string) string), in this package or
// any package it imports: the wrapper's parameter is exported as an
// analysis fact.
//
// # Fix
//
// Read the declared variant the code path needs, or declare the name as a
// secret with its scopes in .releasegate.yaml.
package secretvariant

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/releasegate/releasegate/checks/goanalysis/internal/envcall"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/rgconfig"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/vetsuppress"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/rule"
)

// Rule documents go-secret-variant for `releasegate rules` and SARIF.
var Rule = rule.Rule{
	ID:       "go-secret-variant",
	Half:     rule.LintGo,
	Severity: rule.Error,
	Summary:  "Go code reads an environment variable of a token family that is not a declared secret",
	Why: "A token family (e.g. DOCKERHUB_TOKEN) is split into scoped variants such as _RW and _DELETE. " +
		"A Go release tool that still reads the legacy unsuffixed name breaks once that secret is revoked, " +
		"or keeps an over-powered token alive. Lookups are followed through named constants and through " +
		"wrapper functions in any package of the program.",
	Bad:              "token := os.Getenv(\"DOCKERHUB_TOKEN\")",
	Good:             "token := os.Getenv(\"DOCKERHUB_TOKEN_RW\")",
	Fix:              "Read the declared variant whose scopes match what the code does, or declare the name under secrets: in .releasegate.yaml.",
	SecuritySeverity: "6.5", // medium: a name that escapes the declared scopes
}

// Analyzer discovers .releasegate.yaml upward from each package (or reads
// the file named by -config).
var Analyzer = New(nil)

// New returns the analyzer reading configuration from src (nil: discover,
// with a -config flag).
func New(src *rgconfig.Source) *analysis.Analyzer {
	if src == nil {
		src = &rgconfig.Source{}
	}
	a := &analysis.Analyzer{
		Name:      "go_secret_variant",
		Doc:       Rule.Summary + "\n\n" + Rule.Why,
		URL:       "https://github.com/releasegate/releasegate/blob/main/docs/go-analyzers.md#go-secret-variant",
		FactTypes: []analysis.Fact{new(WrapperFact)},
		Run:       func(pass *analysis.Pass) (any, error) { return run(pass, src) },
		// Runs on packages that do not fully type-check too: a lookup is
		// recognised only through a callee whose type resolved, so nothing
		// is guessed.
		RunDespiteErrors: true,
	}
	src.RegisterFlags(&a.Flags)
	return a
}

// WrapperFact marks a function that hands some of its parameters to an
// environment lookup as the variable name.
type WrapperFact struct {
	Params []int // parameter indexes, ascending
	Via    string
}

// AFact implements analysis.Fact.
func (*WrapperFact) AFact() {}

func (f *WrapperFact) String() string { return fmt.Sprintf("envWrapper%v via %s", f.Params, f.Via) }

func run(pass *analysis.Pass, src *rgconfig.Source) (any, error) {
	cfg, err := src.For(pass)
	if err != nil {
		return nil, err
	}
	wrappers := findWrappers(pass)
	for fn, w := range wrappers {
		pass.ExportObjectFact(fn, w)
	}
	if len(cfg.Families) == 0 {
		return nil, nil
	}
	report := vetsuppress.Reporter(pass, Rule.ID, src.HonorSuppressions())
	for _, file := range pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				checkCall(pass, report, cfg, wrappers, call)
			}
			return true
		})
	}
	return nil, nil
}

// lookupArgs returns the arguments of call that name environment
// variables, how they name them, and a short description of the call.
func lookupArgs(pass *analysis.Pass, wrappers map[*types.Func]*WrapperFact, call *ast.CallExpr) ([]ast.Expr, envcall.Kind, string) {
	fn, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
	if fn == nil {
		return nil, envcall.None, ""
	}
	if k := envcall.Of(fn); k != envcall.None && len(call.Args) > 0 {
		return call.Args[:1], k, fn.Pkg().Name() + "." + fn.Name()
	}
	w := wrappers[fn]
	if w == nil {
		w = new(WrapperFact)
		if !pass.ImportObjectFact(fn, w) {
			return nil, envcall.None, ""
		}
	}
	var args []ast.Expr
	for _, i := range w.Params {
		if i < len(call.Args) {
			args = append(args, call.Args[i])
		}
	}
	return args, envcall.Name, fn.Name() + " (which calls " + w.Via + ")"
}

func checkCall(pass *analysis.Pass, report func(analysis.Diagnostic), cfg *config.Config, wrappers map[*types.Func]*WrapperFact, call *ast.CallExpr) {
	args, kind, via := lookupArgs(pass, wrappers, call)
	for _, arg := range args {
		tv, ok := pass.TypesInfo.Types[arg]
		if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
			continue
		}
		names := []string{constant.StringVal(tv.Value)}
		if kind == envcall.Expand {
			names = envcall.Names(names[0])
		}
		for _, name := range names {
			if msg := verdict(cfg, name); msg != "" {
				report(analysis.Diagnostic{Pos: arg.Pos(), Message: fmt.Sprintf("%s reads %s", via, msg)})
			}
		}
	}
}

// verdict explains why name may not be read, or returns "".
func verdict(cfg *config.Config, name string) string {
	fam, ok := cfg.FamilyOf(name)
	if !ok {
		return ""
	}
	if _, declared := cfg.Secret(name); declared {
		return ""
	}
	var variants []string
	for _, s := range cfg.Secrets {
		if fam.Contains(s.Name) {
			variants = append(variants, s.Name)
		}
	}
	msg := fmt.Sprintf("%s, a name of the %s token family that is not a declared secret", name, fam.Prefix)
	if len(variants) == 0 {
		return msg + " (the family declares no secrets)"
	}
	return msg + "; use one of " + strings.Join(variants, ", ")
}

// findWrappers computes which functions of this package pass a parameter
// to an environment lookup, directly or through other wrappers, iterating
// until nothing changes so that chains of wrappers resolve in any order.
func findWrappers(pass *analysis.Pass) map[*types.Func]*WrapperFact {
	wrappers := map[*types.Func]*WrapperFact{}
	var decls []*ast.FuncDecl
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				decls = append(decls, fd)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fd := range decls {
			fn, _ := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn != nil && markWrapper(pass, wrappers, fn, fd.Body) {
				changed = true
			}
		}
	}
	return wrappers
}

// markWrapper records parameters of fn that reach a lookup's name
// argument; it reports whether anything new was recorded.
func markWrapper(pass *analysis.Pass, wrappers map[*types.Func]*WrapperFact, fn *types.Func, body *ast.BlockStmt) bool {
	params := fn.Type().(*types.Signature).Params()
	changed := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		args, kind, via := lookupArgs(pass, wrappers, call)
		if kind != envcall.Name {
			return true
		}
		for _, arg := range args {
			id, ok := ast.Unparen(arg).(*ast.Ident)
			if !ok {
				continue
			}
			for i := range params.Len() {
				if pass.TypesInfo.Uses[id] != params.At(i) {
					continue
				}
				w := wrappers[fn]
				if w == nil {
					w = &WrapperFact{Via: via}
					wrappers[fn] = w
				}
				if !slices.Contains(w.Params, i) {
					w.Params = append(w.Params, i)
					slices.Sort(w.Params)
					changed = true
				}
			}
		}
		return true
	})
	return changed
}
