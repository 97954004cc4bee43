package deletecall

import (
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/releasegate/releasegate/config"
)

// Callee names as ssa.Function.RelString(nil) spells them.
const (
	remoteDelete  = "github.com/google/go-containerregistry/pkg/v1/remote.Delete"
	clientDo      = "(*net/http.Client).Do"
	newRequest    = "net/http.NewRequest"
	newRequestCtx = "net/http.NewRequestWithContext"
	headerSet     = "(net/http.Header).Set"
	headerAdd     = "(net/http.Header).Add"
	setBasicAuth  = "(*net/http.Request).SetBasicAuth"
	authorization = "Authorization"
	deleteMethod  = "DELETE"
	deleteScope   = "delete"
	maxParamSinks = 16
)

// sink is one DELETE sent by the function.
type sink struct {
	pos  token.Pos   // the sending call (its opening parenthesis)
	what string      // "remote.Delete", "HTTP DELETE"
	cred []ssa.Value // what the credential is made of
	url  []string    // constant pieces of the URL or reference
}

func calleeName(c *ssa.CallCommon) string {
	if callee := c.StaticCallee(); callee != nil {
		return callee.RelString(nil)
	}
	return ""
}

func (fa *funcAnalysis) calls() []*ssa.Call {
	var out []*ssa.Call
	for _, b := range fa.fn.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(*ssa.Call); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// sinks finds the DELETEs sent in this function.
func (fa *funcAnalysis) sinks(calls []*ssa.Call) []sink {
	var out []sink
	for _, c := range calls {
		args := c.Common().Args
		switch calleeName(c.Common()) {
		case remoteDelete:
			if len(args) == 0 {
				continue
			}
			out = append(out, sink{pos: c.Pos(), what: "remote.Delete", cred: args[1:], url: fa.constants(args[0])})
		case clientDo:
			if len(args) < 2 {
				continue
			}
			req := strip(args[1])
			nr := deleteRequest(req)
			if nr == nil {
				continue
			}
			urlArg := nr.Common().Args[len(nr.Common().Args)-2]
			out = append(out, sink{pos: c.Pos(), what: "HTTP DELETE", cred: fa.credentials(calls, req), url: fa.constants(urlArg)})
		}
	}
	return out
}

// strip follows loads and field addresses back to the value they start
// from, so req.Header and req name the same request.
func strip(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return v
			}
			v = x.X
		case *ssa.FieldAddr:
			v = x.X
		default:
			return v
		}
	}
}

// deleteRequest returns the http.NewRequest(WithContext) call that made
// req, when its method is DELETE.
func deleteRequest(req ssa.Value) *ssa.Call {
	ex, ok := req.(*ssa.Extract)
	if !ok || ex.Index != 0 {
		return nil
	}
	call, ok := ex.Tuple.(*ssa.Call)
	if !ok {
		return nil
	}
	args := call.Common().Args
	var method ssa.Value
	switch calleeName(call.Common()) {
	case newRequest:
		method = args[0]
	case newRequestCtx:
		method = args[1]
	default:
		return nil
	}
	if m, ok := constString(method); ok && strings.EqualFold(m, deleteMethod) {
		return call
	}
	return nil
}

// credentials returns the values put into req's Authorization header or
// basic auth in this function.
func (fa *funcAnalysis) credentials(calls []*ssa.Call, req ssa.Value) []ssa.Value {
	var out []ssa.Value
	for _, c := range calls {
		args := c.Common().Args
		switch calleeName(c.Common()) {
		case headerSet, headerAdd:
			if k, ok := constString(args[1]); ok && strings.EqualFold(k, authorization) && strip(args[0]) == req {
				out = append(out, args[2])
			}
		case setBasicAuth:
			if strip(args[0]) == req {
				out = append(out, args[1], args[2])
			}
		}
	}
	return out
}

// summarize computes the function's facts and, on the reporting round,
// reports DELETEs authorized by the wrong secret.
func (fa *funcAnalysis) summarize() (*TokenFact, *SinkFact) {
	calls := fa.calls()
	var params []ParamSink
	for _, s := range fa.sinks(calls) {
		where := fa.where(s.pos)
		srcs := fa.sources(s.cred...)
		for _, src := range srcs {
			if src.Param >= 0 {
				params = append(params, ParamSink{Index: src.Param, Delete: s.what + " at " + where, URL: s.url})
			}
		}
		if fa.report {
			for _, msg := range fa.judge(srcs, s.url) {
				fa.reportf(fa.callStart(s.pos), "%s is authorized by a credential derived from %s", s.what, msg)
			}
		}
	}
	// A helper that sends the DELETE with one of its parameters makes the
	// argument of each call to it a credential too.
	for _, c := range calls {
		callee := c.Common().StaticCallee()
		if callee == nil || callee == fa.fn {
			continue
		}
		fact := fa.sinkFact(callee)
		if fact == nil {
			continue
		}
		params = append(params, fa.throughHelper(c, callee.Name(), fact)...)
	}
	return fa.tokenSummary(), sinkSummary(params)
}

func (fa *funcAnalysis) reportf(pos token.Pos, format string, args ...any) {
	fa.emit(analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// throughHelper handles a call to a function whose parameters become a
// DELETE credential. The arguments that feed one DELETE are judged
// together (a username next to a delete-scoped token is fine); those that
// come from this function's own parameters make it such a helper too.
func (fa *funcAnalysis) throughHelper(c *ssa.Call, name string, fact *SinkFact) []ParamSink {
	args := c.Common().Args
	var params []ParamSink
	byDelete := map[string][]ssa.Value{}
	var order []ParamSink
	for _, p := range fact.Params {
		if p.Index >= len(args) {
			continue
		}
		if _, seen := byDelete[p.Delete]; !seen {
			order = append(order, p)
		}
		byDelete[p.Delete] = append(byDelete[p.Delete], args[p.Index])
		for _, src := range fa.sources(args[p.Index]) {
			if src.Param >= 0 {
				params = append(params, ParamSink{Index: src.Param, Delete: p.Delete, URL: p.URL})
			}
		}
	}
	if !fa.report {
		return params
	}
	for _, p := range order {
		for _, msg := range fa.judge(fa.sources(byDelete[p.Delete]...), p.URL) {
			fa.reportf(fa.callStart(c.Pos()), "%s sends a DELETE (%s) authorized by its argument, derived from %s", name, p.Delete, msg)
		}
	}
	return params
}

func (fa *funcAnalysis) tokenSummary() *TokenFact {
	var results []ssa.Value
	for _, b := range fa.fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
			for _, r := range ret.Results {
				if carries(r.Type()) {
					results = append(results, r)
				}
			}
		}
	}
	var env []Source
	for _, s := range fa.sources(results...) {
		if s.isEnv() {
			env = append(env, s)
		}
	}
	if len(env) == 0 {
		return nil
	}
	return &TokenFact{Sources: env}
}

// sinkSummary keeps one entry per parameter and DELETE, in parameter order.
func sinkSummary(params []ParamSink) *SinkFact {
	if len(params) == 0 {
		return nil
	}
	slices.SortStableFunc(params, func(x, y ParamSink) int {
		if x.Index != y.Index {
			return x.Index - y.Index
		}
		return strings.Compare(x.Delete, y.Delete)
	})
	params = slices.CompactFunc(params, func(x, y ParamSink) bool { return x.Index == y.Index && x.Delete == y.Delete })
	if len(params) > maxParamSinks {
		params = params[:maxParamSinks]
	}
	return &SinkFact{Params: params}
}

// judge explains why the environment variables a credential derives from
// may not authorize a DELETE to url; it returns one message per problem.
//
// A declared secret without the delete scope, and an undeclared name of a
// token family, are always wrong. Other variables (a username, a token
// outside any family) matter only when nothing in the credential is a
// delete-scoped secret and the URL names a family host: then the DELETE
// has no authorization releasegate can vouch for.
func (fa *funcAnalysis) judge(srcs []Source, url []string) []string {
	var msgs, unknown []string
	scoped := false
	for _, src := range srcs {
		if src.Env == "" {
			continue // a parameter, or a variable whose name is not known here
		}
		origin := fmt.Sprintf("%s (read by %s at %s)", src.Env, src.Call, src.Where)
		if sec, ok := fa.cfg.Secret(src.Env); ok {
			if sec.HasScope(deleteScope) {
				scoped = true
				continue
			}
			msgs = append(msgs, fmt.Sprintf("%s, a secret declared without the delete scope (scopes: %s)%s", origin, strings.Join(sec.Scopes, ", "), fa.suggest()))
			continue
		}
		if _, inFamily := fa.cfg.FamilyOf(src.Env); inFamily {
			msgs = append(msgs, fmt.Sprintf("%s, a %s-family name that is not a declared secret%s", origin, familyPrefix(fa.cfg, src.Env), fa.suggest()))
			continue
		}
		unknown = append(unknown, origin)
	}
	if !scoped && len(msgs) == 0 && len(unknown) > 0 {
		if host := fa.familyHost(url); host != "" {
			msgs = append(msgs, fmt.Sprintf("%s, not a declared secret with the delete scope, for a DELETE to %s%s", strings.Join(unknown, " and "), host, fa.suggest()))
		}
	}
	return msgs
}

func familyPrefix(cfg *config.Config, name string) string {
	f, _ := cfg.FamilyOf(name)
	return f.Prefix
}

// familyHost returns the first family host named in the URL pieces.
func (fa *funcAnalysis) familyHost(url []string) string {
	for _, f := range fa.cfg.Families {
		for _, h := range f.Hosts {
			for _, u := range url {
				if strings.Contains(strings.ToLower(u), strings.ToLower(h)) {
					return h
				}
			}
		}
	}
	return ""
}

func (fa *funcAnalysis) suggest() string {
	var names []string
	for _, s := range fa.cfg.Secrets {
		if s.HasScope(deleteScope) {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return "; no declared secret has the delete scope"
	}
	return "; authorize deletes with " + strings.Join(names, " or ")
}
