package failurestep

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
)

// continuation says whether a failure of a step or job lets the run go
// on, in the runs judged.
type continuation struct {
	may  bool
	note string // when !may because of an expression: when it would be true
	// always: continue-on-error is a literal true (for needs.*: on every
	// need), so a failure never shows as one: a job's result is 'success',
	// and a step's failure leaves failure() false.
	always bool
	// ever: continue-on-error is set to anything but a literal false, so
	// some run may continue after the failure.
	ever bool
	// skippable: the tested step has an if: of its own, so its outcome can
	// be 'skipped' without any failure.
	skippable bool
	// missing: no earlier step has that id, so the test is never true.
	missing bool
	// byCall: !may was decided with workflow_call inputs at their
	// defaults; the values callers in this repository pass are judged
	// once every workflow has been read (see deferred).
	byCall *callJudgement
}

// callJudgement is what judging a continue-on-error again for each call
// of its reusable workflow needs.
type callJudgement struct {
	d    *defaultRuns
	coe  string      // the continue-on-error expression
	xs   []expr.Expr // parsed
	refs []string    // workflow_call inputs it reads
}

// continuesWith judges the expression in one call, with the inputs the
// caller passes (an expression the caller passes is unknown).
func (j *callJudgement) continuesWith(with map[string]*actionlint.WorkflowCallInput) bool {
	v := emptiness.Template(j.coe, j.xs, &runResolver{d: j.d, event: "workflow_call", with: with})
	return !v.Known || v.Const.Truthy()
}

// defaultRuns evaluates continue-on-error expressions in the runs a
// workflow has when nobody sets an input by hand: every trigger, with
// workflow_dispatch and workflow_call inputs at their defaults there and
// empty elsewhere.
type defaultRuns struct {
	events   []string
	dispatch map[string]*actionlint.DispatchInput
	call     map[string]*actionlint.WorkflowCallEventInput
}

func newDefaultRuns(w *actionlint.Workflow) *defaultRuns {
	d := &defaultRuns{}
	for _, ev := range w.On {
		d.events = append(d.events, strings.ToLower(ev.EventName()))
		switch e := ev.(type) {
		case *actionlint.WorkflowDispatchEvent:
			d.dispatch = e.Inputs
		case *actionlint.WorkflowCallEvent:
			d.call = map[string]*actionlint.WorkflowCallEventInput{}
			for _, in := range e.Inputs {
				d.call[in.ID] = in
			}
		}
	}
	return d
}

// continues judges continue-on-error: a literal true, or an expression
// that is (or may be) true in some default run, lets the run go on; an
// expression false in every default run does not.
func (d *defaultRuns) continues(b *actionlint.Bool) continuation {
	switch {
	case b == nil:
		return continuation{}
	case b.Expression == nil:
		return continuation{may: b.Value, always: b.Value, ever: b.Value}
	}
	xs := expr.Find(b.Expression.Value)
	if len(xs) == 0 || len(d.events) == 0 {
		return continuation{may: true, ever: true}
	}
	for _, ev := range d.events {
		v := emptiness.Template(b.Expression.Value, xs, &runResolver{d: d, event: ev})
		if !v.Known || v.Const.Truthy() {
			return continuation{may: true, ever: true}
		}
	}
	c := continuation{ever: true, note: d.when(b.Expression.Value, xs)}
	if refs := d.inputsRead(xs, d.callInput); len(refs) > 0 && slices.Contains(d.events, "workflow_call") {
		c.byCall = &callJudgement{d: d, coe: b.Expression.Value, xs: xs, refs: refs}
	}
	return c
}

// when explains which inputs make continue-on-error true.
func (d *defaultRuns) when(src string, xs []expr.Expr) string {
	names := d.inputsRead(xs, func(n string) bool { return d.dispatch[n] != nil || d.call[n] != nil })
	if len(names) == 0 {
		return fmt.Sprintf(" (continue-on-error: %s is false on every trigger of this workflow)", strings.TrimSpace(src))
	}
	var dispatched, called []string
	for _, n := range names {
		if in := d.dispatch[n]; in != nil {
			dispatched = append(dispatched, "inputs."+n+setTo(in.Type == actionlint.WorkflowDispatchEventInputTypeBoolean))
		}
		if in := d.call[n]; in != nil {
			called = append(called, "inputs."+n+setTo(in.Type == actionlint.WorkflowCallEventInputTypeBoolean))
		}
	}
	var only []string
	if len(dispatched) > 0 {
		only = append(only, "a run dispatched with "+strings.Join(dispatched, " or "))
	}
	if len(called) > 0 {
		only = append(only, "a call that passes "+strings.Join(called, " or "))
	}
	return fmt.Sprintf(" (continue-on-error: %s is false with every input at its default and on every other trigger; "+
		"the failure is tolerated only in %s)", strings.TrimSpace(src), strings.Join(only, ", or in "))
}

// inputsRead lists, sorted, the inputs (inputs.X or github.event.inputs.X)
// the expressions read that keep says are of interest.
func (d *defaultRuns) inputsRead(xs []expr.Expr, keep func(string) bool) []string {
	var names []string
	for _, x := range xs {
		for _, r := range expr.Refs(x.Node) {
			if in := inputName(r, x.Src); in != "" && keep(in) && !slices.Contains(names, in) {
				names = append(names, in)
			}
		}
	}
	slices.Sort(names)
	return names
}

func (d *defaultRuns) callInput(n string) bool { return d.call[n] != nil }

// inputName is the input a reference (inputs.X or github.event.inputs.X)
// reads, if any.
func inputName(r expr.Ref, src string) string {
	if r.Context == "github" {
		chain := strings.ToLower(emptiness.RefText(src, r.Token.Offset))
		name, _ := strings.CutPrefix(chain, "github.event.inputs.")
		if name == chain {
			return ""
		}
		return name
	}
	if r.Context == "inputs" {
		return r.Name
	}
	return ""
}

func setTo(boolean bool) string {
	if boolean {
		return ": true"
	}
	return " set"
}

// runResolver resolves the inputs of one run; every other context is
// unknown. In a workflow_call run, inputs are what the caller passes
// (with) or their defaults, and the event is the caller's.
type runResolver struct {
	d     *defaultRuns
	event string
	with  map[string]*actionlint.WorkflowCallInput
}

func (r *runResolver) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	var name string
	event := false
	switch {
	case p.Is("github", "event_name"):
		if r.event == "workflow_call" {
			return emptiness.Value{}, false // the caller's event
		}
		return emptiness.String(r.event, nil), true
	case p.N == 2 && p.Parts[0] == "inputs":
		name = p.Parts[1]
	case p.Is("github", "event", "inputs", "*"):
		name, event = p.Parts[3], true
	default:
		return emptiness.Value{}, false
	}
	if r.event == "workflow_call" {
		if event {
			return emptiness.Value{}, false // the caller's event
		}
		if in := r.d.call[name]; in != nil {
			return r.callValue(in)
		}
	}
	in := r.d.dispatch[name]
	if r.event != "workflow_dispatch" || in == nil {
		return emptiness.NullValue(nil), true
	}
	return emptiness.DispatchDefault(in, event), true
}

// callValue is a workflow_call input in one call: the literal the caller
// passes, else the declared default, else the zero value of its type. A
// required input without a default, an expression passed or declared,
// is unknown.
func (r *runResolver) callValue(in *actionlint.WorkflowCallEventInput) (emptiness.Value, bool) {
	var lit *actionlint.String
	if w := r.with[in.ID]; w != nil {
		lit = w.Value
	} else if in.Default != nil {
		lit = in.Default
	} else if in.IsRequired() {
		return emptiness.Value{}, false
	}
	v := ""
	if lit != nil {
		if strings.Contains(lit.Value, "${{") {
			return emptiness.Value{}, false
		}
		v = lit.Value
	}
	switch in.Type {
	case actionlint.WorkflowCallEventInputTypeBoolean:
		return emptiness.Boolean(strings.EqualFold(strings.TrimSpace(v), "true")), true
	case actionlint.WorkflowCallEventInputTypeNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil && v != "" {
			return emptiness.Value{}, false
		}
		return emptiness.Number(f), true
	}
	return emptiness.String(v, nil), true
}
