// Package policies holds the gate's decisions: Rego policies (OPA v1,
// Rego v1 syntax) embedded in the binary, evaluated over the registry
// facts, and the documentation of every gate rule id.
//
// Every package under data.releasegate.gate may define a set named
// `violation` of objects {rule, severity, target, message}; the engine
// collects them all, so user policies added with gate.policies or
// --policy contribute violations the same way the built-ins do.
// Network builtins (http.send, net.lookup_ip_addr) are not available: a
// decision depends on the facts and nothing else.
package policies

import (
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/rule"
)

//go:embed *.rego
var builtin embed.FS

// Namespace is the Rego package prefix whose `violation` sets are read.
const Namespace = "releasegate.gate"

// query collects the violations of every package under Namespace.
const query = "v := data.releasegate.gate[_].violation[_]"

// Violation is one policy result.
type Violation struct {
	Rule     string        `json:"rule"`
	Severity rule.Severity `json:"severity"`
	Target   string        `json:"target"`
	Message  string        `json:"message"`
}

// Engine is a prepared policy set; prepare once per run, evaluate per
// phase.
type Engine struct {
	pq       rego.PreparedEvalQuery
	memLimit uint64 // bytes the heap may grow by during one evaluation
}

// disabledBuiltins can reach the network or the host; policies decide on
// the facts alone.
var disabledBuiltins = map[string]bool{
	"http.send": true, "net.lookup_ip_addr": true, "opa.runtime": true,
}

// Prepare compiles the built-in policies and the user policies found at
// paths (files or directories; *_test.rego files are skipped), for the
// gate's violations.
func Prepare(ctx context.Context, paths []string, opts ...Option) (*Engine, error) {
	return prepareEngine(ctx, query, paths, opts)
}

// prepareEngine compiles the policies for one query into an engine with
// the options applied.
func prepareEngine(ctx context.Context, q string, paths []string, opts []Option) (*Engine, error) {
	e := &Engine{memLimit: MaxEvalMemory}
	for _, opt := range opts {
		opt(e)
	}
	var err error
	if e.pq, err = prepare(ctx, q, paths); err != nil {
		return nil, err
	}
	return e, nil
}

// prepare compiles the built-in and extra policies for one query.
func prepare(ctx context.Context, q string, extra []string) (rego.PreparedEvalQuery, error) {
	opts := []func(*rego.Rego){
		rego.Query(q),
		rego.Capabilities(capabilities()),
		rego.StrictBuiltinErrors(true),
		rego.SetRegoVersion(ast.RegoV1),
	}
	builtins, err := builtinModules()
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	for name, src := range builtins {
		opts = append(opts, rego.Module("builtin/"+name, src))
	}
	for _, p := range extra {
		mods, err := userModules(p)
		if err != nil {
			return rego.PreparedEvalQuery{}, err
		}
		for name, src := range mods {
			if err := checkNamespace(name, src); err != nil {
				return rego.PreparedEvalQuery{}, err
			}
			opts = append(opts, rego.Module(name, src))
		}
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return rego.PreparedEvalQuery{}, fmt.Errorf("policies: %w", err)
	}
	return pq, nil
}

func capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(caps.Builtins, func(b *ast.Builtin) bool { return disabledBuiltins[b.Name] })
	caps.AllowNet = []string{}
	return caps
}

// builtinModules returns the embedded policies without their tests.
func builtinModules() (map[string]string, error) {
	out := map[string]string{}
	entries, err := fs.ReadDir(builtin, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_test.rego") {
			continue
		}
		b, err := builtin.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = string(b)
	}
	return out, nil
}

// userModules reads a policy file or every .rego file under a directory.
// Files are read as inputs from a repository: regular files of bounded
// size, and inside a directory only what resolves inside it (a symlinked
// policy pointing at /etc/passwd would have its lines quoted in parse
// errors).
func userModules(path string) (map[string]string, error) {
	out := map[string]string{}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	if !st.IsDir() {
		anywhere, err := inputfile.NewRoot("")
		if err != nil {
			return nil, err
		}
		b, err := anywhere.ReadFile(path, 0)
		if err != nil {
			return nil, fmt.Errorf("policy %w", err)
		}
		out[path] = string(b)
		return out, nil
	}
	dir, err := inputfile.NewRoot(path)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		// The root reads names relative to itself: p is relative to
		// the working directory (or absolute), so read it by its path
		// under the directory walked.
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		b, err := dir.ReadFile(rel, 0)
		if err != nil {
			return namedAs(p, err)
		}
		out[p] = string(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("policy %s: no .rego files", path)
	}
	return out, nil
}

// namedAs names a refused or unreadable file by the path the walk gave it
// (under the directory as the user named it), not by the path relative
// to that directory it was read by.
func namedAs(p string, err error) error {
	var ie *inputfile.Error
	if errors.As(err, &ie) {
		return &inputfile.Error{Path: p, Err: ie.Err}
	}
	return err
}

// checkNamespace rejects a user policy whose package is outside
// releasegate.gate: its violations would never be read, and a policy that
// silently does nothing is worse than an error.
func checkNamespace(file, src string) error {
	m, err := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return fmt.Errorf("policy %w", err)
	}
	pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
	if !strings.HasPrefix(pkg, Namespace+".") {
		return fmt.Errorf("policy %s: package %s is outside %s.*; releasegate reads `violation` from packages under it", file, pkg, Namespace)
	}
	return nil
}

// Eval runs the policies over input (the facts; anything that marshals to
// a JSON object) and returns the violations, sorted. The evaluation is
// bounded in time by ctx and in memory by the engine's limit
// (*MemoryError).
func (e *Engine) Eval(ctx context.Context, input any) ([]Violation, error) {
	rs, err := e.eval(ctx, input)
	if err != nil {
		return nil, err
	}
	var out []Violation
	for _, r := range rs {
		v, err := toViolation(r.Bindings["v"])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	SortViolations(out)
	return slices.Compact(out), nil
}

// eval runs the prepared query over input, turned into the plain JSON
// document Rego reads.
func (e *Engine) eval(ctx context.Context, input any) (rego.ResultSet, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("policies: encode input: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("policies: encode input: %w", err)
	}
	bounded, stop := boundHeap(ctx, e.memLimit)
	rs, err := e.pq.Eval(bounded, rego.EvalInput(doc))
	if over := stop(); over != nil {
		return nil, over
	}
	if err != nil {
		return nil, fmt.Errorf("policies: evaluate: %w", err)
	}
	return rs, nil
}

func toViolation(x any) (Violation, error) {
	b, err := json.Marshal(x)
	if err != nil {
		return Violation{}, fmt.Errorf("policies: violation: %w", err)
	}
	var v Violation
	if err := json.Unmarshal(b, &v); err != nil || v.Rule == "" || v.Message == "" {
		return Violation{}, fmt.Errorf("policies: a violation must be an object with string rule, severity, target and message; got %s", b)
	}
	if v.Severity == "" {
		v.Severity = rule.Error
	}
	if v.Severity.Rank() == 0 {
		return Violation{}, fmt.Errorf("policies: violation %s has severity %q (want error, warning or note)", v.Rule, v.Severity)
	}
	return v, nil
}

// SortViolations orders violations by target, rule and message.
func SortViolations(vs []Violation) {
	slices.SortFunc(vs, func(a, b Violation) int {
		return cmp.Or(cmp.Compare(a.Target, b.Target), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}
