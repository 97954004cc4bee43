package failurestep

import (
	"fmt"
	"slices"
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
	// skippable: the tested step has an if: of its own, so its outcome can
	// be 'skipped' without any failure.
	skippable bool
	// missing: no earlier step has that id, so the test is never true.
	missing bool
}

// defaultRuns evaluates continue-on-error expressions in the runs a
// workflow has when nobody sets an input by hand: every trigger, with
// workflow_dispatch inputs at their defaults there and empty elsewhere.
type defaultRuns struct {
	events   []string
	dispatch map[string]*actionlint.DispatchInput
	call     map[string]bool // workflow_call inputs: set by callers, unknown
}

func newDefaultRuns(w *actionlint.Workflow) *defaultRuns {
	d := &defaultRuns{call: map[string]bool{}}
	for _, ev := range w.On {
		d.events = append(d.events, strings.ToLower(ev.EventName()))
		switch e := ev.(type) {
		case *actionlint.WorkflowDispatchEvent:
			d.dispatch = e.Inputs
		case *actionlint.WorkflowCallEvent:
			for _, in := range e.Inputs {
				d.call[in.ID] = true
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
		return continuation{may: b.Value}
	}
	xs := expr.Find(b.Expression.Value)
	if len(xs) == 0 || len(d.events) == 0 {
		return continuation{may: true}
	}
	for _, ev := range d.events {
		v := emptiness.Template(b.Expression.Value, xs, &runResolver{d: d, event: ev})
		if !v.Known || v.Const.Truthy() {
			return continuation{may: true}
		}
	}
	return continuation{note: d.when(b.Expression.Value, xs)}
}

// when explains which dispatch inputs make continue-on-error true.
func (d *defaultRuns) when(src string, xs []expr.Expr) string {
	var names []string
	for _, x := range xs {
		for _, r := range expr.Refs(x.Node) {
			if in := d.inputName(r, x.Src); in != "" && !slices.Contains(names, in) {
				names = append(names, in)
			}
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return fmt.Sprintf(" (continue-on-error: %s is false on every trigger of this workflow)", strings.TrimSpace(src))
	}
	var set []string
	for _, n := range names {
		set = append(set, "inputs."+n+setTo(d.dispatch[n]))
	}
	return fmt.Sprintf(" (continue-on-error: %s is false with every input at its default and on every other trigger; "+
		"the failure is tolerated only in a run dispatched with %s)", strings.TrimSpace(src), strings.Join(set, " or "))
}

// inputName is the dispatch input a reference (inputs.X or
// github.event.inputs.X) reads, if any.
func (d *defaultRuns) inputName(r expr.Ref, src string) string {
	name := r.Name
	if r.Context == "github" {
		chain := strings.ToLower(emptiness.RefText(src, r.Token.Offset))
		var ok bool
		if name, ok = strings.CutPrefix(chain, "github.event.inputs."); !ok {
			return ""
		}
	} else if r.Context != "inputs" {
		return ""
	}
	if d.dispatch[name] != nil {
		return name
	}
	return ""
}

func setTo(in *actionlint.DispatchInput) string {
	if in != nil && in.Type == actionlint.WorkflowDispatchEventInputTypeBoolean {
		return ": true"
	}
	return " set"
}

// runResolver resolves the inputs of one default run; every other context
// is unknown.
type runResolver struct {
	d     *defaultRuns
	event string
}

func (r *runResolver) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	var name string
	event := false
	switch {
	case p.Is("github", "event_name"):
		return emptiness.String(r.event, nil), true
	case p.N == 2 && p.Parts[0] == "inputs":
		name = p.Parts[1]
	case p.Is("github", "event", "inputs", "*"):
		name, event = p.Parts[3], true
	default:
		return emptiness.Value{}, false
	}
	if r.event == "workflow_call" && r.d.call[name] && !event {
		return emptiness.Value{}, false
	}
	in := r.d.dispatch[name]
	if r.event != "workflow_dispatch" || in == nil {
		return emptiness.NullValue(nil), true
	}
	return emptiness.DispatchDefault(in, event), true
}
