// Package deletecall defines the go-delete-scope analyzer: a Go program
// sends a DELETE to a registry with a credential that derives from a
// secret declared without the delete scope.
//
// # Why
//
// Registry tokens are split by scope: a read/write token for pushes and a
// separate token with the delete scope for removing orphan tags after a
// half-published release. A cleanup path that authorizes its DELETE with
// the read/write token fails with 401 exactly when someone is recovering
// a broken release, and "fixing" it by widening the push token defeats the
// split.
//
// # What is a DELETE
//
//   - go-containerregistry's remote.Delete(ref, opts...), with the
//     credential taken from the options (remote.WithAuth(&authn.Basic{...}),
//     authn.FromConfig, keychains built from a value, ...);
//   - an *http.Request made by http.NewRequest or NewRequestWithContext
//     with method "DELETE" (or http.MethodDelete) and sent with
//     (*http.Client).Do, with the credential taken from its Authorization
//     header (Header.Set/Add) or SetBasicAuth.
//
// # What "derives" means
//
// Flow is followed on the SSA form of each function: through assignments,
// string building, struct fields and composite values, values stored into
// memory and read back, and calls — the result of a call that was given a
// secret derives from it, which is how a Docker Hub login works (the token
// goes in, a JWT comes out and authorizes the DELETE). Across functions
// and packages two facts carry the flow: a function whose results come
// from an environment lookup (func deleteToken() string), and a function
// whose parameter ends up as a DELETE credential (func deleteTag(token,
// ref string)). Calls through interfaces and function values are not
// followed.
//
// # What is reported
//
// At the DELETE (or, when the DELETE sits in a helper, at the call that
// hands the helper the token), when a credential derives from an
// environment variable that is a declared secret without the delete scope,
// or that is not declared at all but belongs to a token family or the URL
// names one of a family's hosts. The message names the variable and where
// it was read.
package deletecall

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/releasegate/releasegate/checks/goanalysis/internal/envcall"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/partialssa"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/rgconfig"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/vetsuppress"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/rule"
)

// Rule documents go-delete-scope for `releasegate rules` and SARIF.
var Rule = rule.Rule{
	ID:       "go-delete-scope",
	Half:     rule.LintGo,
	Severity: rule.Error,
	Summary:  "a DELETE in Go code is authorized by a secret without the delete scope",
	Why: "Registry tokens are split by scope, e.g. DOCKERHUB_TOKEN_RW for pushes and DOCKERHUB_TOKEN_DELETE for " +
		"removing orphan tags. A Go cleanup path that authorizes remote.Delete or an HTTP DELETE with the " +
		"read/write token gets 401 in the middle of a release recovery. The analyzer follows the token from " +
		"os.Getenv through helpers, packages, login calls that trade it for a JWT, and Authorization headers.",
	Bad: "tok := os.Getenv(\"DOCKERHUB_TOKEN_RW\")\n" +
		"remote.Delete(ref, remote.WithAuth(&authn.Basic{Username: user, Password: tok}))",
	Good: "tok := os.Getenv(\"DOCKERHUB_TOKEN_DELETE\")\n" +
		"remote.Delete(ref, remote.WithAuth(&authn.Basic{Username: user, Password: tok}))",
	Fix: "Authorize deletes with the secret declared with the delete scope (and only there), or add the scope " +
		"to the secret's declaration in .releasegate.yaml if the token really has it.",
	SecuritySeverity: "7.5", // high: a delete that can only fail halfway through a recovery
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
		Name:     "go_delete_scope",
		Doc:      Rule.Summary + "\n\n" + Rule.Why,
		URL:      "https://github.com/releasegate/releasegate/blob/main/docs/go-analyzers.md#go-delete-scope",
		Requires: []*analysis.Analyzer{partialssa.Analyzer},
		// Runs on packages that do not fully type-check too: functions
		// whose types are unknown have no SSA body, so nothing is guessed.
		RunDespiteErrors: true,
		FactTypes:        []analysis.Fact{new(TokenFact), new(SinkFact)},
		Run:              func(pass *analysis.Pass) (any, error) { return run(pass, src) },
	}
	src.RegisterFlags(&a.Flags)
	return a
}

// Source is where a value comes from: a parameter of the function being
// analysed, or an environment lookup (of a constant name, or of a name the
// function received as a parameter).
type Source struct {
	Param     int    // >= 0: the value derives from this parameter
	Env       string // the variable read
	NameParam int    // >= 0: the variable name is this parameter
	Call      string // the lookup, e.g. os.Getenv
	Where     string // dir/file.go:line of the lookup
}

func (s Source) isEnv() bool { return s.Env != "" || s.NameParam >= 0 }

// TokenFact marks a function whose results derive from environment
// lookups.
type TokenFact struct{ Sources []Source }

// AFact implements analysis.Fact.
func (*TokenFact) AFact() {}

func (f *TokenFact) String() string {
	var parts []string
	for _, s := range f.Sources {
		if s.Env != "" {
			parts = append(parts, s.Env)
		} else {
			parts = append(parts, fmt.Sprintf("$param%d", s.NameParam))
		}
	}
	return "token from " + strings.Join(parts, ", ")
}

// SinkFact marks a function whose parameters end up as the credential of
// a DELETE.
type SinkFact struct{ Params []ParamSink }

// ParamSink is one such parameter and the DELETE it reaches.
type ParamSink struct {
	Index  int
	Delete string   // description of the DELETE, with its position
	URL    []string // constant text of the DELETE's URL or reference
}

// AFact implements analysis.Fact.
func (*SinkFact) AFact() {}

func (f *SinkFact) String() string {
	var parts []string
	for _, p := range f.Params {
		parts = append(parts, fmt.Sprintf("param%d -> %s", p.Index, p.Delete))
	}
	return "delete credential: " + strings.Join(parts, "; ")
}

func run(pass *analysis.Pass, src *rgconfig.Source) (any, error) {
	cfg, err := src.For(pass)
	if err != nil {
		return nil, err
	}
	res := pass.ResultOf[partialssa.Analyzer].(*buildssa.SSA)
	if res == nil {
		return nil, nil // the package could not be built: nothing to follow
	}
	a := &pkgAnalysis{
		pass:   pass,
		cfg:    cfg,
		emit:   vetsuppress.Reporter(pass, Rule.ID, src.HonorSuppressions()),
		tokens: map[*ssa.Function]*TokenFact{},
		sinks:  map[*ssa.Function]*SinkFact{},
	}
	funcs := calleesFirst(res.SrcFuncs)
	// Summaries of this package's functions depend on each other; with
	// callees first one round settles acyclic chains, recursion may need a
	// few more. Reports are made once, on the settled summaries.
	for range 4 {
		if !a.round(funcs, false) {
			break
		}
	}
	a.round(funcs, true)
	for fn, f := range a.tokens {
		if obj, ok := fn.Object().(*types.Func); ok && fn.Parent() == nil {
			pass.ExportObjectFact(obj, f)
		}
	}
	for fn, f := range a.sinks {
		if obj, ok := fn.Object().(*types.Func); ok && fn.Parent() == nil {
			pass.ExportObjectFact(obj, f)
		}
	}
	return nil, nil
}

// pkgAnalysis holds one package's state.
type pkgAnalysis struct {
	pass   *analysis.Pass
	cfg    *config.Config
	emit   func(analysis.Diagnostic) // pass.Report, minus suppressed findings outside lint
	tokens map[*ssa.Function]*TokenFact
	sinks  map[*ssa.Function]*SinkFact
	calls  map[token.Pos]*ast.CallExpr // by Lparen, built on first report
}

// round recomputes every function's summary; it reports whether any
// changed.
func (a *pkgAnalysis) round(funcs []*ssa.Function, report bool) bool {
	changed := false
	for _, fn := range funcs {
		fa := newFuncAnalysis(a, fn, report)
		tok, sink := fa.summarize()
		if !equalTokens(a.tokens[fn], tok) {
			changed = true
			setOrDelete(a.tokens, fn, tok)
		}
		if !equalSinks(a.sinks[fn], sink) {
			changed = true
			setOrDelete(a.sinks, fn, sink)
		}
	}
	return changed
}

func setOrDelete[T any](m map[*ssa.Function]*T, fn *ssa.Function, v *T) {
	if v == nil {
		delete(m, fn)
	} else {
		m[fn] = v
	}
}

func equalTokens(x, y *TokenFact) bool {
	if x == nil || y == nil {
		return x == y
	}
	return slices.Equal(x.Sources, y.Sources)
}

func equalSinks(x, y *SinkFact) bool {
	if x == nil || y == nil {
		return x == y
	}
	return slices.EqualFunc(x.Params, y.Params, func(p, q ParamSink) bool {
		return p.Index == q.Index && p.Delete == q.Delete && slices.Equal(p.URL, q.URL)
	})
}

// tokenFact returns what is known about callee's results.
func (a *pkgAnalysis) tokenFact(callee *ssa.Function) *TokenFact {
	if f, ok := a.tokens[callee]; ok {
		return f
	}
	if obj, ok := callee.Object().(*types.Func); ok && callee.Pkg != nil && callee.Pkg.Pkg != a.pass.Pkg {
		f := new(TokenFact)
		if a.pass.ImportObjectFact(obj, f) {
			return f
		}
	}
	return nil
}

// sinkFact returns which of callee's parameters are DELETE credentials.
func (a *pkgAnalysis) sinkFact(callee *ssa.Function) *SinkFact {
	if f, ok := a.sinks[callee]; ok {
		return f
	}
	if obj, ok := callee.Object().(*types.Func); ok && callee.Pkg != nil && callee.Pkg.Pkg != a.pass.Pkg {
		f := new(SinkFact)
		if a.pass.ImportObjectFact(obj, f) {
			return f
		}
	}
	return nil
}

// where renders a position as dir/file.go:line, short enough for a
// message and stable across drivers that see absolute or relative paths.
func (a *pkgAnalysis) where(pos token.Pos) string {
	p := a.pass.Fset.Position(pos)
	if !p.IsValid() {
		return "?"
	}
	dir := filepath.Base(filepath.Dir(p.Filename))
	return fmt.Sprintf("%s/%s:%d", dir, filepath.Base(p.Filename), p.Line)
}

// callStart maps an SSA call position (the opening parenthesis) back to
// the start of the call expression, where diagnostics read naturally.
func (a *pkgAnalysis) callStart(lparen token.Pos) token.Pos {
	if a.calls == nil {
		a.calls = map[token.Pos]*ast.CallExpr{}
		for _, f := range a.pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					a.calls[c.Lparen] = c
				}
				return true
			})
		}
	}
	if c, ok := a.calls[lparen]; ok {
		return c.Pos()
	}
	return lparen
}

// calleesFirst orders functions so that a function comes after the
// functions of this package it calls directly (where the call graph is
// acyclic).
func calleesFirst(funcs []*ssa.Function) []*ssa.Function {
	in := map[*ssa.Function]bool{}
	for _, f := range funcs {
		in[f] = true
	}
	seen := map[*ssa.Function]bool{}
	var out []*ssa.Function
	var visit func(f *ssa.Function)
	visit = func(f *ssa.Function) {
		if seen[f] {
			return
		}
		seen[f] = true
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if c, ok := instr.(ssa.CallInstruction); ok {
					if callee := c.Common().StaticCallee(); callee != nil && in[callee] {
						visit(callee)
					}
				}
			}
		}
		out = append(out, f)
	}
	for _, f := range funcs {
		visit(f)
	}
	return out
}

// constString returns the value of a string constant.
func constString(v ssa.Value) (string, bool) {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(c.Value), true
}

// envKind classifies a callee as an environment lookup.
func envKind(callee *ssa.Function) envcall.Kind {
	obj, _ := callee.Object().(*types.Func)
	return envcall.Of(obj)
}
