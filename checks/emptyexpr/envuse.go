package emptyexpr

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/runscript"
)

// An `env:` value that can be '' is not a bug by itself: many scripts
// check it, fall back or never read it. It is reported (at the env: value,
// naming the consumer) only when a consumer in its scope — a step of the
// job for job env, any step of the workflow for workflow env, the step
// itself for step env — reads it in a way that needs a value: a shell
// read passed to a command, a comparison that '' answers differently from
// the default, or an expression (`if: env.X == 'true'`, `--flag ${{
// env.X }}`) whose outcome '' changes.

// envDef is one env: entry and the place that defines it.
type envDef struct {
	at   place
	name string // as written
	val  *actionlint.String
}

// consumer is a read of an env variable that needs a value.
type consumer struct {
	line int
	what string
}

// envUse reports def when a consumer needs its value on a trigger where a
// dispatch input makes it the empty string (see dispatchEmpty for the counterfactual).
func (c *checker) envUse(def envDef) {
	if len(c.m.dispatch) == 0 || !expr.ContainsFold(def.val.Value, "inputs") {
		return
	}
	xs := c.m.find(def.val)
	if len(xs) == 0 {
		return
	}
	c.m.each(def.at.events, func(ev string) bool {
		if ev == "workflow_dispatch" {
			return false
		}
		r := c.at(def.at, ev, modeEmpty)
		v := emptiness.Template(def.val.Value, xs, r)
		if r.hit == nil || !v.Known || v.Const.Render() != "" || v.Why == nil || v.Why.Expr == "''" || v.Why.Expr == "null" {
			return false
		}
		d := emptiness.Template(def.val.Value, xs, c.at(def.at, ev, modeDefault))
		if d.Known && d.Const.Render() == "" {
			return false // just as empty with the default
		}
		if d.Known {
			d = emptiness.String(d.Const.Render(), nil) // an env value is a string
		}
		con, ok := c.consumerOf(def, ev, d)
		if !ok {
			return false
		}
		fix := c.fallbackFix(def.val, placeholders(xs), func(v *actionlint.String) bool {
			return c.redo(func(c2 *checker) { c2.envUse(envDef{at: def.at, name: def.name, val: v}) })
		})
		c.reportWith(def.val, xs[0].Start, fix, "env.%s: %s %s, where its default %s does not apply, so %s is '' there, and %s (line %d) needs a value",
			def.name, v.Why.Expr, v.Why.Why, defaultOf(c.m, v.Why.Expr), def.name, con.what, con.line)
		return true
	})
}

// consumerOf finds the first read of def on trigger ev that needs a value.
func (c *checker) consumerOf(def envDef, ev string, d emptiness.Value) (consumer, bool) {
	for _, id := range sortedJobIDs(c.m.wf.AST) {
		j := c.m.wf.AST.Jobs[id]
		if def.at.job != nil && j != def.at.job {
			continue
		}
		if def.at.job == nil && defines(j.Env, def.name) {
			continue // shadowed by the job's own value
		}
		events := c.m.jobEvents(id) & c.m.eventBit(ev)
		if events == 0 {
			continue
		}
		for i, s := range j.Steps {
			if def.at.step >= 0 && i != def.at.step {
				continue
			}
			if def.at.step < 0 && defines(s.Env, def.name) {
				continue
			}
			if c.m.narrow(events, s.If, j, i) == 0 {
				continue
			}
			if con, ok := c.stepConsumer(j, i, s, def.name, ev, d); ok {
				return con, true
			}
		}
	}
	return consumer{}, false
}

func defines(e *actionlint.Env, name string) bool {
	if e == nil || e.Vars == nil {
		return false
	}
	_, ok := e.Vars[strings.ToLower(name)]
	return ok
}

// stepConsumer looks at one step: its if:, its run: script and its with:
// values.
func (c *checker) stepConsumer(j *actionlint.Job, i int, s *actionlint.Step, name, ev string, d emptiness.Value) (consumer, bool) {
	if s.If != nil && mentions(s.If.Value, "env.") {
		if node, src, off := c.m.cond(s.If); node != nil && envFlips(node, src, name, ev, d, true) {
			return consumer{c.m.wf.Locate(s.If, off).Line, "if: " + clip(s.If.Value)}, true
		}
	}
	switch e := s.Exec.(type) {
	case *actionlint.ExecRun:
		if e.Run != nil && runscript.IsShell(e.Shell, j, c.m.wf.AST) {
			if con, ok := c.scriptConsumer(j, e.Run, name, ev, d); ok {
				return con, true
			}
		}
	case *actionlint.ExecAction:
		for _, k := range sortedKeys(e.Inputs) {
			in := e.Inputs[k]
			if in.Value == nil || !mentions(in.Value.Value, "env.") {
				continue
			}
			if c.valueFlips(in.Value, name, ev, d) {
				return consumer{c.m.wf.Locate(in.Value, 0).Line, "with." + in.Name.Value}, true
			}
		}
	}
	return consumer{}, false
}

// scriptConsumer finds a shell read of $name (or ${{ env.name }}) that
// needs a value.
func (c *checker) scriptConsumer(j *actionlint.Job, run *actionlint.String, name, ev string, d emptiness.Value) (consumer, bool) {
	if !strings.Contains(run.Value, name) {
		return consumer{}, false
	}
	sc := c.m.script(run)
	if sc == nil {
		return consumer{}, false
	}
	sub := subject{names: map[string]bool{name: true}, exprs: map[int]bool{}, eventCheck: c.m.eventCheck(j), eventVars: c.m.eventVars(j)}
	sub.def, sub.defKnown = renderKnown(d)
	for i, x := range sc.exprs {
		if x.Node != nil && envRef(x.Node, x.Src, name) && isWhole(x) {
			sub.exprs[i] = true
		}
	}
	n, ok := sc.needs(sub)
	if !ok {
		return consumer{}, false
	}
	return consumer{c.m.wf.Locate(run, n.offset).Line, "$" + name + " " + n.what}, true
}

// isWhole: the placeholder is just the reference (${{ env.X }}).
func isWhole(x expr.Expr) bool {
	_, ok := x.Node.(*actionlint.ObjectDerefNode)
	return ok
}

func renderKnown(v emptiness.Value) (string, bool) {
	if v.Known {
		return v.Const.Render(), true
	}
	return "", false
}

// envRef reports whether an expression reads env.name.
func envRef(n actionlint.ExprNode, src, name string) bool {
	for _, r := range expr.Refs(n) {
		if r.Context == "env" && strings.EqualFold(r.Name, name) {
			return true
		}
	}
	return false
}

// readsEventName reports whether an expression reads github.event_name.
func readsEventName(x expr.Expr) bool { return expr.ContainsFold(x.Src, "event_name") }

// eventCheck is readsEventName widened, for the scripts of job j, to the
// outputs of a step that computes them from the event: a script that
// branches on `${{ steps.target.outputs.type }}`, which a step given
// github.event_name wrote, decides by trigger as surely as one that reads
// the event itself.
func (m *model) eventCheck(j *actionlint.Job) func(expr.Expr) bool {
	return func(x expr.Expr) bool {
		if readsEventName(x) {
			return true
		}
		if x.Node == nil || !expr.ContainsFold(x.Src, "steps.") {
			return false
		}
		for _, r := range expr.Refs(x.Node) {
			if r.Context == "steps" && stepReadsEvent(stepByID(j, r.Name)) {
				return true
			}
		}
		return false
	}
}

// stepReadsEvent reports a run: step whose script or env reads the
// triggering event.
func stepReadsEvent(s *actionlint.Step) bool {
	if s == nil {
		return false
	}
	if e, ok := s.Exec.(*actionlint.ExecRun); ok && e.Run != nil && expr.ContainsFold(e.Run.Value, "event_name") {
		return true
	}
	if s.Env != nil {
		for _, v := range s.Env.Vars {
			if v.Value != nil && expr.ContainsFold(v.Value.Value, "event_name") {
				return true
			}
		}
	}
	return false
}

// eventVars lists the env variables that hold github.event_name for job
// j's steps (job or workflow env).
func (m *model) eventVars(j *actionlint.Job) map[string]bool {
	out := map[string]bool{}
	for _, e := range []*actionlint.Env{m.wf.AST.Env, j.Env} {
		if e == nil {
			continue
		}
		for _, v := range e.Vars {
			if v.Value != nil && expr.ContainsFold(v.Value.Value, "github.event_name") {
				out[v.Name.Value] = true
			}
		}
	}
	for _, s := range j.Steps {
		if s.Env == nil {
			continue
		}
		for _, v := range s.Env.Vars {
			if v.Value != nil && expr.ContainsFold(v.Value.Value, "github.event_name") {
				out[v.Name.Value] = true
			}
		}
	}
	return out
}

// envFlips evaluates an expression with env.name empty and at its
// default: an if: flips when its truth changes, a value when it becomes
// empty.
func envFlips(node actionlint.ExprNode, src, name, ev string, d emptiness.Value, isIf bool) bool {
	if !envRef(node, src, name) {
		return false
	}
	empty := emptiness.Eval(node, src, envResolver{name: name, event: ev, val: emptiness.String("", &emptiness.Reason{Expr: "env." + name})})
	full := emptiness.Eval(node, src, envResolver{name: name, event: ev, val: d})
	if !empty.Known || !full.Known {
		return false
	}
	if isIf {
		return empty.Const.Truthy() != full.Const.Truthy()
	}
	return empty.Const.Render() == "" && full.Const.Render() != ""
}

// valueFlips judges a with: value: one that is only ${{ env.X }} is an
// optional action input, where the empty string usually means "not set"; one with text
// around it loses a part.
func (c *checker) valueFlips(s *actionlint.String, name, ev string, d emptiness.Value) bool {
	xs := c.m.find(s)
	if onlyExpr(s.Value, xs) {
		return false
	}
	for _, x := range xs {
		if x.Node == nil || !envRef(x.Node, x.Src, name) {
			continue
		}
		if envFlips(x.Node, x.Src, name, ev, d, false) {
			return true
		}
	}
	return false
}

// envResolver gives env.name one value and knows the trigger.
type envResolver struct {
	name, event string
	val         emptiness.Value
}

func (r envResolver) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	switch {
	case p.Is("github", "event_name"):
		return emptiness.String(r.event, nil), true
	case p.N == 2 && p.Parts[0] == "env" && strings.EqualFold(p.Parts[1], r.name):
		return r.val, true
	}
	return emptiness.Value{}, false
}
