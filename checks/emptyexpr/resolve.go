package emptyexpr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
)

// mode selects what the resolver assumes about inputs.
type mode uint8

const (
	// modeSink: every known source of emptiness, as shapes with reasons.
	modeSink mode = iota
	// modeDefault: a workflow_dispatch run with every input at its default.
	modeDefault
	// modeEmpty: a run on another trigger, where dispatch inputs are empty.
	modeEmpty
)

// resolver answers context lookups for one place in a workflow on one
// trigger.
type resolver struct {
	m     *model
	job   *actionlint.Job // nil at workflow level
	step  int             // index of the current step; len(steps) for job outputs; -1 for job fields
	event string
	mode  mode
	depth int
	// hit records, in modeEmpty, the first dispatch input found empty.
	hit *emptiness.Reason
	// guard applies the place's own if: tests (see guards): on when
	// judging a value, off when judging which triggers reach a place.
	guard bool
	// anyInput, in modeEmpty, makes every dispatch input empty on other
	// triggers, with a default or without (see callee.go).
	anyInput bool
	// structural leaves out the sources that are configuration or are
	// judged elsewhere (inputs, vars, secrets): see fromjson.go.
	structural bool
}

// at is the resolver that judges values at a place on one trigger.
func (c *checker) at(at place, ev string, md mode) *resolver {
	return &resolver{m: c.m, job: at.job, step: at.step, event: ev, mode: md, guard: true}
}

const maxDepth = 4

// alwaysSet are github context properties no run leaves empty.
var alwaysSet = map[string]bool{"ref_name": true, "ref": true, "sha": true, "repository": true, "event_name": true, "run_id": true}

func (r *resolver) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	if p.Is("github", "event_name") {
		return emptiness.String(r.event, nil), true
	}
	if p.N == 2 && p.Parts[0] == "github" && alwaysSet[p.Parts[1]] {
		return emptiness.Shapes(emptiness.Str, nil), true
	}
	if r.guard && r.m.guarded(r.job, r.step, p.Text) {
		return emptiness.Shapes(emptiness.Str, nil), true
	}
	if r.structural && (p.Parts[0] == "inputs" || p.Parts[0] == "vars" || p.Parts[0] == "secrets" || p.Is("github", "event", "inputs", "*")) {
		return emptiness.Value{}, false
	}
	switch {
	case p.N == 2 && p.Parts[0] == "inputs":
		return r.input(p, p.Parts[1], false)
	case p.Is("github", "event", "inputs", "*"):
		return r.input(p, p.Parts[3], true)
	}
	if r.mode != modeSink {
		return emptiness.Value{}, false
	}
	switch {
	case p.Is("github", "token") || p.Is("secrets", "github_token"):
		return emptiness.Shapes(emptiness.Str, nil), true
	case p.Is("vars", "*"):
		return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr, r.why(p, "is empty wherever the variable is not set (forks, new environments)")), true
	case p.Is("secrets", "*"):
		return r.secret(p)
	case p.Is("env", "*"):
		return r.env(p)
	case p.Is("steps", "*", "outputs", "*"):
		return r.stepOutput(p)
	case p.Is("needs", "*", "outputs", "*"):
		return r.needsOutput(p)
	case p.Is("matrix", "*"):
		return r.matrix(p)
	}
	return emptiness.Value{}, false
}

func (r *resolver) why(p *emptiness.Path, format string, args ...any) *emptiness.Reason {
	return &emptiness.Reason{Expr: p.Text, Why: fmt.Sprintf(format, args...)}
}

// input resolves inputs.X (event=false) or github.event.inputs.X.
func (r *resolver) input(p *emptiness.Path, name string, event bool) (emptiness.Value, bool) {
	d := r.m.dispatch[name]
	c := r.m.callIn[name]
	if d == nil && c == nil {
		return emptiness.Value{}, false
	}
	switch r.mode {
	case modeDefault:
		v, ok := r.m.expected(name)
		return v, ok
	case modeEmpty:
		if _, ok := r.m.expected(name); (!ok && !r.anyInput) || d == nil || r.event == "workflow_dispatch" ||
			(r.event == "workflow_call" && c != nil && !event) {
			return emptiness.Value{}, false
		}
		why := r.why(p, "is empty when this workflow runs on %s", r.event)
		if r.hit == nil {
			r.hit = why
		}
		return emptiness.NullValue(why), true
	}
	switch {
	case r.event == "workflow_dispatch" && d != nil:
		return dispatchShape(p, d, event), true
	case r.event == "workflow_dispatch":
		return emptiness.NullValue(r.why(p, "is not declared under on.workflow_dispatch.inputs, so it is empty when this workflow is dispatched")), true
	case r.event == "workflow_call" && event:
		return emptiness.NullValue(r.why(p, "is empty when this workflow is called by workflow_call (github.event is the caller's event)")), true
	case r.event == "workflow_call" && c != nil:
		return callShape(p, c), true
	case r.event == "workflow_call":
		return emptiness.NullValue(r.why(p, "is not declared under on.workflow_call.inputs, so it is empty when this workflow is called")), true
	}
	return emptiness.NullValue(r.why(p, "is empty when this workflow runs on %s", r.event)), true
}

func boolValue(b *actionlint.Bool) bool { return b != nil && b.Expression == nil && b.Value }

// dispatchShape is what a dispatch input can hold on workflow_dispatch.
func dispatchShape(p *emptiness.Path, d *actionlint.DispatchInput, event bool) emptiness.Value {
	hasDefault := d.Default != nil && d.Default.Value != ""
	set := boolValue(d.Required) || hasDefault
	switch d.Type {
	case actionlint.WorkflowDispatchEventInputTypeBoolean:
		if event {
			return emptiness.Shapes(emptiness.Str, nil)
		}
		return emptiness.Shapes(emptiness.Bool, nil)
	case actionlint.WorkflowDispatchEventInputTypeChoice:
		if len(d.Options) > 0 {
			set = true
		}
	case actionlint.WorkflowDispatchEventInputTypeNumber:
		if set && !event {
			return emptiness.Shapes(emptiness.Zero|emptiness.NonZero, nil)
		}
	}
	if set {
		return emptiness.Shapes(emptiness.Str, nil)
	}
	why := "is optional and has no default"
	if d.Default != nil {
		why = "defaults to ''"
	}
	return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr, &emptiness.Reason{Expr: p.Text, Why: why})
}

// callShape is what a workflow_call input can hold: booleans and numbers
// default to false and 0, strings to the empty string.
func callShape(p *emptiness.Path, c *actionlint.WorkflowCallEventInput) emptiness.Value {
	switch c.Type {
	case actionlint.WorkflowCallEventInputTypeBoolean:
		return emptiness.Shapes(emptiness.Bool, nil)
	case actionlint.WorkflowCallEventInputTypeNumber:
		return emptiness.Shapes(emptiness.Zero|emptiness.NonZero, nil)
	}
	if boolValue(c.Required) || (c.Default != nil && c.Default.Value != "") {
		return emptiness.Shapes(emptiness.Str, nil)
	}
	why := "is optional and has no default under workflow_call"
	if c.Default != nil {
		why = "defaults to '' under workflow_call"
	}
	return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr, &emptiness.Reason{Expr: p.Text, Why: why})
}

// secret: in a reusable workflow, a secret a local caller does not pass
// (and does not inherit) is empty. Elsewhere secrets are not modelled.
func (r *resolver) secret(p *emptiness.Path) (emptiness.Value, bool) {
	if r.event != "workflow_call" || r.m.call == nil {
		return emptiness.Value{}, false
	}
	name := p.Parts[1]
	if s, ok := r.m.call.Secrets[name]; ok && s != nil && boolValue(s.Required) {
		return emptiness.Shapes(emptiness.Str, nil), true
	}
	for _, c := range r.m.callers() {
		if c.inherit || c.secrets[name] || r.skippedInCall(c) {
			continue
		}
		return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr,
			r.why(p, "is empty when this workflow is called from %s:%d, which does not pass it", c.path, c.line)), true
	}
	return emptiness.Value{}, false
}

// env: a variable defined in the step, job or workflow env has the value
// of its definition; one defined nowhere is empty unless an earlier step
// could have exported it.
func (r *resolver) env(p *emptiness.Path) (emptiness.Value, bool) {
	name := p.Parts[1]
	var levels []*actionlint.Env
	if r.job != nil && r.step >= 0 && r.step < len(r.job.Steps) {
		levels = append(levels, r.job.Steps[r.step].Env)
	}
	if r.job != nil {
		levels = append(levels, r.job.Env)
	}
	levels = append(levels, r.m.wf.AST.Env)
	for _, e := range levels {
		if e == nil {
			continue
		}
		if e.Expression != nil {
			return emptiness.Value{}, false
		}
		if v, ok := e.Vars[name]; ok && v.Value != nil {
			inner := *r
			inner.depth++
			return r.via(p, &inner, v.Value)
		}
	}
	if r.job == nil || r.mayExportEnv() {
		return emptiness.Value{}, false
	}
	return emptiness.NullValue(r.why(p, "is not defined in the step, job or workflow env")), true
}

// mayExportEnv reports whether a step before the current one can add to
// the env context: an action, or a script that writes $GITHUB_ENV.
func (r *resolver) mayExportEnv() bool {
	if r.job.WorkflowCall != nil {
		return true
	}
	end := min(max(r.step, 0), len(r.job.Steps))
	if r.step < 0 {
		end = len(r.job.Steps)
	}
	for _, s := range r.job.Steps[:end] {
		switch e := s.Exec.(type) {
		case *actionlint.ExecRun:
			if e.Run != nil && strings.Contains(e.Run.Value, "GITHUB_ENV") {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// via evaluates a defining value (an env value or a job output) and keeps
// the reason chain readable: "env.MODE is set from inputs.mode, which ...".
func (r *resolver) via(p *emptiness.Path, inner *resolver, s *actionlint.String) (emptiness.Value, bool) {
	if inner.depth > maxDepth {
		return emptiness.Value{}, false
	}
	v := emptiness.Template(s.Value, r.m.find(s), inner)
	if v.Why != nil {
		v.Why = r.why(p, "is set from %s, which %s", v.Why.Expr, v.Why.Why)
	}
	v.Err = nil // reported where the defining value is read
	return v, true
}

// stepOutput: steps.S.outputs.O is empty when S was skipped by its own
// `if:`, or when S's script writes outputs but never O.
func (r *resolver) stepOutput(p *emptiness.Path) (emptiness.Value, bool) {
	if r.job == nil || r.step < 0 {
		return emptiness.Value{}, false
	}
	id, out := p.Parts[1], p.Parts[3]
	var cur *actionlint.String
	if r.step < len(r.job.Steps) {
		cur = r.job.Steps[r.step].If
	}
	if cur != nil && readsOtherThanFromJSON(cur.Value, "steps."+id) {
		return emptiness.Value{}, false // the reader checks S itself
	}
	for i, s := range r.job.Steps[:min(r.step, len(r.job.Steps))] {
		if s.ID == nil || strings.ToLower(s.ID.Value) != id {
			continue
		}
		if s.If != nil && !r.m.onlyStatus(s.If) {
			if cur != nil && strings.TrimSpace(cur.Value) == strings.TrimSpace(s.If.Value) {
				return emptiness.Value{}, false // both run under the same condition
			}
			if r.certainlyTrue(s.If, i) {
				return emptiness.Value{}, false // S runs on this trigger
			}
			return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr,
				r.why(p, "is empty when step %q is skipped by its if: %s", s.ID.Value, clip(s.If.Value))), true
		}
		if w := r.m.writes(r.job, s); w.known && !slices.Contains(w.names, out) {
			return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr, r.why(p, "is never written: %s", w.describe(s.ID.Value))), true
		}
		return emptiness.Value{}, false
	}
	return emptiness.Value{}, false
}

// certainlyTrue reports whether the `if:` of step i is true on the
// trigger at hand, such as `github.event_name == 'push'` on push.
func (r *resolver) certainlyTrue(cond *actionlint.String, i int) bool {
	if r.depth > maxDepth {
		return false
	}
	node, src, _ := r.m.cond(cond)
	if node == nil {
		return false
	}
	inner := *r
	inner.step, inner.depth, inner.guard = i, r.depth+1, false
	v := emptiness.Eval(node, src, &inner)
	return v.Mask&emptiness.Falsy == 0
}

// needsOutput: needs.J.outputs.O is empty when J was skipped or failed and
// this job runs anyway (always(), failure(), cancelled()), and otherwise
// has the emptiness of J's output definition.
func (r *resolver) needsOutput(p *emptiness.Path) (emptiness.Value, bool) {
	if r.job == nil {
		return emptiness.Value{}, false
	}
	id, out := p.Parts[1], p.Parts[3]
	j := r.m.wf.AST.Jobs[id]
	if j == nil {
		return emptiness.Value{}, false
	}
	if r.job.If != nil {
		cond, _, _ := r.m.cond(r.job.If)
		_, other := statusFuncs(cond)
		if other && !readsOtherThanFromJSON(r.job.If.Value, "needs."+id) {
			return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr,
				r.why(p, "is empty when job %q is skipped or fails, and this job still runs (its if: is %s)", id, clip(r.job.If.Value))), true
		}
	}
	o := j.Outputs[out]
	if o == nil || o.Value == nil || j.WorkflowCall != nil {
		return emptiness.Value{}, false
	}
	inner := *r
	inner.job, inner.step, inner.depth = j, len(j.Steps), r.depth+1
	return r.via(p, &inner, o.Value)
}

// readsOtherThanFromJSON reports whether an if: reads ctx (needs.<id>,
// steps.<id>) other than as the argument of fromJSON: a test of the
// producer's result or outputs shows the author handles it being skipped;
// fromJSON of its output does not.
func readsOtherThanFromJSON(cond, ctx string) bool {
	t := strings.Join(strings.Fields(strings.ToLower(cond)), "")
	call := "fromjson(" + ctx + "."
	for {
		i := strings.Index(t, call)
		if i < 0 {
			break
		}
		j := strings.IndexByte(t[i:], ')')
		if j < 0 {
			break
		}
		t = t[:i] + t[i+j+1:]
	}
	return strings.Contains(t, ctx)
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// matrix: matrix.K is missing from combinations that no include entry
// extends with K.
func (r *resolver) matrix(p *emptiness.Path) (emptiness.Value, bool) {
	if r.job == nil || r.job.Strategy == nil || r.job.Strategy.Matrix == nil {
		return emptiness.Value{}, false
	}
	if matrixMissing(r.job.Strategy.Matrix, p.Parts[1]) {
		return emptiness.Shapes(emptiness.Str|emptiness.EmptyStr,
			r.why(p, "is not set in every matrix combination (only some include entries define it)")), true
	}
	return emptiness.Value{}, false
}

// skippedInCall reports whether the job or step being read does not run
// in c's call: its if: is false with the string inputs as c sets them (as
// plain text, or not at all: then the default, or ”). A step guarded by
// inputs.environment == 'staging' needs none of the secrets of a call
// that passes environment: unstable, or no environment.
func (r *resolver) skippedInCall(c caller) bool {
	if r.job == nil {
		return false
	}
	conds := []*actionlint.String{r.job.If}
	if r.step >= 0 && r.step < len(r.job.Steps) && r.job.Steps[r.step] != nil {
		conds = append(conds, r.job.Steps[r.step].If)
	}
	inputs := callInputs{}
	for name, in := range r.m.callIn {
		if in == nil || in.Type != actionlint.WorkflowCallEventInputTypeString {
			continue
		}
		switch v, literal := c.literals[name]; {
		case literal:
			inputs[name] = v
		case c.passed[name]: // an expression: unknown
		case in.Default == nil:
			inputs[name] = ""
		case !strings.Contains(in.Default.Value, "${{"):
			inputs[name] = in.Default.Value
		}
	}
	for _, cond := range conds {
		if cond == nil {
			continue
		}
		if n, src, _ := expr.Condition(cond.Value); n != nil {
			if v := emptiness.Eval(n, src, inputs); v.Known && !v.Const.Truthy() {
				return true
			}
		}
	}
	return false
}

// callInputs resolves inputs.NAME to the text one call passes; the rest
// is unknown.
type callInputs map[string]string

func (in callInputs) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	if p.N == 2 && p.Parts[0] == "inputs" {
		if s, ok := in[p.Parts[1]]; ok {
			return emptiness.String(s, nil), true
		}
	}
	return emptiness.Value{}, false
}
