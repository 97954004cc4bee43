package deletecall

import (
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/releasegate/releasegate/checks/goanalysis/internal/envcall"
)

// funcAnalysis follows values backwards inside one SSA function.
type funcAnalysis struct {
	*pkgAnalysis
	fn     *ssa.Function
	report bool
	// memory maps an allocation to the values that may be read back from
	// it: stores to it or its fields and elements, and the other
	// arguments of calls that receive a pointer into it (json.Unmarshal
	// writes what it was given into its target).
	memory map[ssa.Value][]ssa.Value
	// names holds, for each name argument of a lookup, the parameters
	// it derives from; nil while being worked out. A name that comes from
	// the lookup itself (name = os.Getenv(name) in a loop) would
	// otherwise send sources and envName round for ever.
	names map[ssa.Value][]int
}

func newFuncAnalysis(a *pkgAnalysis, fn *ssa.Function, report bool) *funcAnalysis {
	fa := &funcAnalysis{pkgAnalysis: a, fn: fn, report: report, memory: map[ssa.Value][]ssa.Value{}, names: map[ssa.Value][]int{}}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			fa.indexMemory(instr)
		}
	}
	return fa
}

func (fa *funcAnalysis) indexMemory(instr ssa.Instruction) {
	switch instr := instr.(type) {
	case *ssa.Store:
		r := root(instr.Addr)
		fa.memory[r] = append(fa.memory[r], instr.Val)
	case *ssa.MapUpdate:
		r := root(instr.Map)
		fa.memory[r] = append(fa.memory[r], instr.Key, instr.Value)
	case ssa.CallInstruction:
		args := callArgs(instr.Common())
		for i, arg := range args {
			if _, ok := arg.Type().Underlying().(*types.Pointer); !ok {
				continue
			}
			r := root(arg)
			if _, ok := r.(*ssa.Alloc); !ok {
				continue
			}
			for j, other := range args {
				if j != i {
					fa.memory[r] = append(fa.memory[r], other)
				}
			}
		}
	}
}

// root strips field, element and slice addressing down to the object
// addressed.
func root(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.FieldAddr:
			v = x.X
		case *ssa.IndexAddr:
			v = x.X
		case *ssa.Slice:
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		default:
			return v
		}
	}
}

// callArgs returns a call's arguments including an interface receiver.
func callArgs(c *ssa.CallCommon) []ssa.Value {
	if c.IsInvoke() {
		return append([]ssa.Value{c.Value}, c.Args...)
	}
	return c.Args
}

// sources returns where the values vs derive from: the backward slice's
// parameters and environment lookups, with facts of called functions
// applied. It walks with a work list, not recursion: the slice of a
// large generated function is deep enough to overflow the stack.
func (fa *funcAnalysis) sources(vs ...ssa.Value) []Source {
	seen := map[ssa.Value]bool{}
	set := map[Source]bool{}
	work := slices.Clone(vs)
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		if v == nil || seen[v] {
			continue
		}
		seen[v] = true
		switch x := v.(type) {
		case *ssa.Parameter:
			if i := slices.Index(fa.fn.Params, x); i >= 0 && carries(x.Type()) {
				set[Source{Param: i, NameParam: -1}] = true
			}
			continue
		case *ssa.Call:
			for _, s := range fa.callSources(x) {
				set[s] = true
			}
		case *ssa.Alloc:
			work = append(work, fa.memory[x]...)
			continue
		}
		instr, ok := v.(ssa.Instruction)
		if !ok {
			continue // constants, globals, free variables, functions
		}
		for _, op := range instr.Operands(nil) {
			if op != nil {
				work = append(work, *op)
			}
		}
	}
	return sortedSources(set)
}

func sortedSources(set map[Source]bool) []Source {
	out := make([]Source, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y Source) int {
		if c := strings.Compare(x.Env, y.Env); c != 0 {
			return c
		}
		if x.Param != y.Param {
			return x.Param - y.Param
		}
		if x.NameParam != y.NameParam {
			return x.NameParam - y.NameParam
		}
		return strings.Compare(x.Where+x.Call, y.Where+y.Call)
	})
	return out
}

// callSources is what a call's result brings in besides its arguments
// (which the slice walks anyway): the variables an environment lookup
// reads, or the callee's TokenFact with parameter names resolved at this
// call.
func (fa *funcAnalysis) callSources(call *ssa.Call) []Source {
	callee := call.Common().StaticCallee()
	if callee == nil {
		return nil
	}
	args := call.Common().Args
	where := fa.where(call.Pos())
	switch envKind(callee) {
	case envcall.Name:
		return fa.envName(args[0], pkgQualified(callee), where)
	case envcall.Expand:
		s, ok := constString(args[0])
		if !ok {
			return nil
		}
		var out []Source
		for _, n := range envcall.Names(s) {
			out = append(out, Source{Param: -1, NameParam: -1, Env: n, Call: "os.ExpandEnv", Where: where})
		}
		return out
	}
	fact := fa.tokenFact(callee)
	if fact == nil {
		return nil
	}
	var out []Source
	for _, s := range fact.Sources {
		if s.NameParam < 0 {
			out = append(out, s)
			continue
		}
		if s.NameParam < len(args) {
			out = append(out, fa.envName(args[s.NameParam], callee.Name()+" ("+s.Call+")", where)...)
		}
	}
	return out
}

// envName resolves the name argument of a lookup: a constant, or a
// parameter of the enclosing function (a wrapper).
func (fa *funcAnalysis) envName(arg ssa.Value, call, where string) []Source {
	if name, ok := constString(arg); ok {
		return []Source{{Param: -1, NameParam: -1, Env: name, Call: call, Where: where}}
	}
	var out []Source
	for _, p := range fa.nameParams(arg) {
		out = append(out, Source{Param: -1, NameParam: p, Call: call, Where: where})
	}
	return out
}

// nameParams is the parameters a lookup's name argument derives from,
// worked out once per argument; a cycle back to it finds none.
func (fa *funcAnalysis) nameParams(arg ssa.Value) []int {
	if ps, ok := fa.names[arg]; ok {
		return ps
	}
	fa.names[arg] = nil
	var ps []int
	for _, s := range fa.sources(arg) {
		if s.Param >= 0 {
			ps = append(ps, s.Param)
		}
	}
	fa.names[arg] = ps
	return ps
}

func pkgQualified(fn *ssa.Function) string {
	if fn.Pkg != nil {
		return fn.Pkg.Pkg.Name() + "." + fn.Name()
	}
	return fn.Name()
}

// constants returns the constant strings in the backward slice of v (the
// host and path pieces of a URL or image reference).
func (fa *funcAnalysis) constants(v ssa.Value) []string {
	seen := map[ssa.Value]bool{}
	var out []string
	var walk func(v ssa.Value)
	walk = func(v ssa.Value) {
		if v == nil || seen[v] || len(seen) > 200 {
			return
		}
		seen[v] = true
		if s, ok := constString(v); ok {
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
			return
		}
		if _, ok := v.(*ssa.Alloc); ok {
			for _, m := range fa.memory[v] {
				walk(m)
			}
			return
		}
		instr, ok := v.(ssa.Instruction)
		if !ok {
			return
		}
		for _, op := range instr.Operands(nil) {
			if op != nil {
				walk(*op)
			}
		}
	}
	walk(v)
	return out
}

// carries reports whether a value of type t can hold a credential. Errors,
// booleans, numbers and contexts are derived from a token often enough
// (the error of a failed login) but never are one; following them would
// make every caller of a helper that takes a context a DELETE path.
func carries(t types.Type) bool {
	if types.Identical(t, types.Universe.Lookup("error").Type()) {
		return false
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if obj := n.Obj(); obj.Pkg() != nil && obj.Pkg().Path() == "context" && obj.Name() == "Context" {
			return false
		}
	}
	if b, ok := t.Underlying().(*types.Basic); ok {
		return b.Info()&types.IsString != 0
	}
	return true
}
