// Package emptyexpr reports ${{ }} expressions that can evaluate to the
// empty string where an empty value breaks the run (rule
// empty-expression).
//
// The runner renders a missing value as an empty string. Where a boolean
// or number is required (continue-on-error, timeout-minutes,
// strategy.fail-fast, strategy.max-parallel,
// concurrency.cancel-in-progress), where a name is required (runs-on), in
// typed inputs of a local reusable workflow, in required inputs of a local
// composite action and inside an image reference, an empty value is a
// broken run: "Unexpected value", a job that finds no runner, a push to
// `repo:`. `environment:` is not such a field: the empty string there means "no
// environment". continue-on-error of a composite action's steps is checked
// against the action's optional inputs too.
//
// Each expression is evaluated abstractly (package
// checks/internal/emptiness) once per trigger that can reach it, with the
// sources of emptiness this package knows: inputs.X on a trigger that does
// not populate inputs (or optional without a default), github.event.inputs
// outside workflow_dispatch, vars.X, secrets a local caller does not pass
// to a reusable workflow, env.X defined nowhere, outputs of a step that can
// be skipped or never writes them, outputs of a needed job read under
// always(), and matrix keys missing from some combinations.
//
// Some sources are empty in every run (always.go): an input no trigger
// declares, a needed job's output it does not export, needs.J of a job
// that is not a direct need (or a property other than result and
// outputs), steps.S of a step id no step has, a step output the step
// never writes (outputs.go), a reusable workflow's secret that is neither
// declared nor passed by any local caller. They are reported wherever
// they land, with the comparison, negation or && they make constant. One
// that nothing reads, or that lands in an input a well-known action takes
// empty for "use the default", is a note (dead.go, defaults.go).
//
// fromJSON of a value a skipped job or step leaves empty fails the job,
// and is reported at the call (fromjson.go). A job's or step's own
// emptiness test of a value guards it (guard.go). A dispatch input
// forwarded to a local callee that reads it as is, or whose default the
// empty string overrides, is reported at the caller (callee.go).
//
// The most common defect of the class is a workflow with
// workflow_dispatch inputs that also runs on push, schedule or
// pull_request and reads inputs.X as if its default applied there
// (dispatch.go). How the empty string lands decides: an if: that is silently false,
// a value in a run: script that the script needs (shell.go: an argument,
// a path, a comparison that the empty string answers unlike the default — not a
// fallback, an emptiness test or a branch on the event), an env: value
// that a consumer in its scope needs (envuse.go), text around the value in
// with:. A with: value that is the expression alone is an optional action
// input, where the empty string usually means "not set".
package emptyexpr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// Rule documents empty-expression.
var Rule = rule.Rule{
	ID:       "empty-expression",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a ${{ }} expression can evaluate to '' where a boolean, number or non-empty value is required",
	Why: "GitHub renders a missing value as the empty string, and many fields do not accept it: " +
		"`continue-on-error: ${{ ... }}` that comes out as '' fails the whole run with \"Unexpected value ''\" " +
		"before any step starts, an empty `runs-on` never finds a runner, and `docker push repo:${{ x }}` with an empty x " +
		"pushes the wrong tag. The usual cause is an input of workflow_dispatch read by a workflow that also runs on push or " +
		"schedule: on those triggers the inputs context is empty and the input's `default:` does not apply, so a nightly " +
		"job runs with `--mode ''` or silently skips a step guarded by `if: inputs.run_tests`. Some values are '' in every " +
		"run: an input no trigger declares, `needs.J.outputs.X` when job J exports no output X (a step computes it, but " +
		"`outputs:` never passes it on), `steps.S.outputs.X` when step S writes only other outputs to $GITHUB_OUTPUT, " +
		"and a reusable workflow's secret that it neither declares nor gets from any " +
		"caller (a caller dropped `secrets: inherit`); a comparison with such a value is constant, so " +
		"`if: needs.changes.outputs.docs == 'true'` never runs. An `env:` value that can be '' is reported only where a " +
		"consumer in its scope needs it: a script that passes $X to a command or compares it where '' answers unlike " +
		"the default, or an expression such as `if: env.X == 'true'`; `${X:-default}`, `[ -z \"$X\" ]` and a branch on " +
		"$GITHUB_EVENT_NAME handle the empty case (an `if` comparing the event with workflow_dispatch guards only its dispatch " +
		"branch: `else ./report.sh --mode \"${{ inputs.mode }}\"` is reported). `environment: ''` means no environment and is fine. " +
		"More sources that are '' in every run: `needs.J.…` when J is not in this job's `needs:` (bad: `needs: build` reading " +
		"`needs.plan.outputs.targets`; good: `needs: [plan, build]`) or the property is not result/outputs (`needs.detect.docs`), " +
		"and `steps.S.…` when no step has id S (bad: `steps.version.outputs.v` where version is a job; good: " +
		"`needs.version.outputs.v`); `!inputs.typo` is then always true and `inputs.typo && …` always false. fromJSON of a value " +
		"that can be '' fails the job, and is reported at the call: bad: `if: always()` with " +
		"`matrix: ${{ fromJSON(needs.prepare.outputs.targets) }}` when prepare can be skipped; good: " +
		"`if: always() && needs.prepare.result == 'success'`. A forwarded `with: mode: ${{ inputs.mode }}` passes '' on other " +
		"triggers, which overrides a local callee's default or reaches a callee that reads it as is (good: " +
		"`${{ inputs.mode || 'full' }}`). A job's or step's own emptiness test guards a value: " +
		"`if: inputs.pr != ''` is the check, not a finding, and nothing inside it is reported for inputs.pr. Notes are advice, " +
		"not errors (they never fail a run): an always-'' `env:` value or job output that nothing reads (bad: `CHANNEL: " +
		"${{ inputs.channel }}` with no reader and no such input; good: remove it), and '' given to an input a well-known action " +
		"takes as its default (`actions/checkout` `ref: ${{ inputs.typo }}`).",
	Bad: "on:\n  push:\n  workflow_dispatch:\n    inputs:\n      allow_unsigned: {type: boolean, default: false}\n" +
		"jobs:\n  sign:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./sign.sh\n" +
		"        continue-on-error: ${{ inputs.allow_unsigned }}",
	Good: "on:\n  push:\n  workflow_dispatch:\n    inputs:\n      allow_unsigned: {type: boolean, default: false}\n" +
		"jobs:\n  sign:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./sign.sh\n" +
		"        continue-on-error: ${{ inputs.allow_unsigned || false }}",
	Fix: "Give the value a non-empty fallback (`inputs.x || 'default'`, `inputs.flag || false`, `${X:-default}` in the " +
		"script), guard the step or job with `if: github.event_name == 'workflow_dispatch'`, or declare what the reader " +
		"expects (the input under the trigger, the output under the job's `outputs:`, the secret under " +
		"`on.workflow_call.secrets` and at the call site, or `secrets: inherit`). The message names the sub-expression " +
		"that can be empty, why, and for env: values the consumer that needs it. More examples: docs/expressions.md.",
	AutoFix: "for a workflow_dispatch input read on another trigger, reads it with its default where the input is empty, " +
		"leaving a dispatched run exactly as it was: `inputs.x || false` for a boolean defaulting to false, " +
		"`github.event_name != 'workflow_dispatch' || inputs.x` for one defaulting to true (`|| true` would turn a dispatched " +
		"false into true, since '' and false are both falsy), `github.event.inputs.x || 'true'` for the string form, " +
		"`inputs.x || 'default'` for a choice, and `github.event_name != 'workflow_dispatch' && 'default' || inputs.x` for " +
		"a string (a dispatched run may clear it). Each is safe because a dispatched run evaluates exactly as before and every other " +
		"run gets the value a dispatched run would get with nothing changed. An input that names a version, tag, ref or branch " +
		"(by its name, or a default such as latest, main or 1.2.3) falls back to `github.ref_name` where every other trigger is " +
		"a tag push (the pushed tag is what a release means, not `latest`), keeps its default where no trigger pushes tags, and " +
		"gets no fix where tag pushes are among other triggers. No fix for numbers (a dispatched 0 is falsy), inputs that are also " +
		"workflow_call inputs, event-name forms in a reusable workflow, inputs without a default, or the other sources " +
		"of ''; a fix is kept only when the check, run again on the fixed value, finds nothing.",
}

// Check runs the analysis over every workflow: as each is parsed, or in
// Run for the few that need facts of files not seen yet (see index).
var Check = lint.Check{Name: "emptyexpr", Rules: []rule.Rule{Rule}, Workflow: checkWorkflow, Run: run}

func checkWorkflow(p *lint.Pass, wf *workspace.Workflow) {
	ix := sharedIndex(p)
	m := newModel(ix, wf)
	if !ix.add(wf, m) || !analyze(p, m) {
		ix.postpone(wf)
	}
}

func run(p *lint.Pass) {
	ix := sharedIndex(p)
	lint.ForEach(ix.finish(), func(wf *workspace.Workflow) {
		analyze(p, newModel(ix, wf))
	})
	ix.reportHeld(p)
	for _, a := range p.Workspace.Actions {
		if a.Composite() {
			compositeSteps(p, a)
		}
	}
}

// analyze checks one workflow and hands its findings to the index, which
// reports them in Run, once the callers of every workflow are known (a
// finding depends on them). It returns false, keeping nothing, when the
// analysis needed a fact the index does not have yet.
func analyze(p *lint.Pass, m *model) bool {
	c := &checker{p: p, m: m, seen: map[workspace.Pos]bool{}, reported: map[*actionlint.String]bool{}}
	c.workflow()
	if m.incomplete {
		return false
	}
	if len(c.found) > 0 {
		m.ix.hold(m.wf, c.found)
	}
	return true
}

// checker walks one workflow.
type checker struct {
	p    *lint.Pass
	m    *model
	seen map[workspace.Pos]bool // one finding per expression
	// reported holds the values with a finding: fromJSONs adds none to
	// them.
	reported map[*actionlint.String]bool
	found    []finding
	// cap, when set, lowers the findings being reported (see lint.AtMost).
	cap rule.Severity
	// dead is appended to always-empty findings about a value nothing
	// reads (see dead.go).
	dead string
	// dry counts what would be reported in hits instead of reporting: a
	// fix is checked by running the check again on the fixed value.
	dry  bool
	hits int
}

// finding is one finding of a workflow, held until Run.
type finding struct {
	span   workspace.Span
	msg    string
	detail lint.Remedy
	cap    rule.Severity // "" for the rule's severity
}

// reportWith reports a finding about the expression at value offset off
// of s, once, with a detail (a fix, or why there is none).
func (c *checker) reportWith(s *actionlint.String, off int, d lint.Remedy, format string, args ...any) {
	pos := c.m.wf.Locate(s, off)
	if c.seen[pos] {
		return
	}
	c.seen[pos] = true
	c.reported[s] = true
	if c.dry {
		c.hits++
		return
	}
	c.found = append(c.found, finding{c.m.wf.File.TokenSpan(pos), fmt.Sprintf(format, args...), d, c.cap})
}

// place is where an expression is evaluated.
type place struct {
	job    *actionlint.Job
	step   int
	events evset
}

func (c *checker) workflow() {
	w := c.m.wf.AST
	top := place{step: -1, events: c.m.all}
	if w.Concurrency != nil {
		c.always(top, "concurrency.group", w.Concurrency.Group, false)
		c.typedBool(top, "concurrency.cancel-in-progress", w.Concurrency.CancelInProgress)
	}
	c.envDefs(top, w.Env)
	for _, id := range sortedJobIDs(w) {
		c.job(id, w.Jobs[id])
	}
}

func (c *checker) job(id string, j *actionlint.Job) {
	// The if: itself is judged on every trigger that reaches the job; the
	// rest only where the if: can let the job run.
	cond := place{job: j, step: -1, events: c.m.needsEvents(j)}
	c.always(cond, "if", j.If, true)
	c.inputUse(cond, "if", j.If, true)
	c.fromJSONs(cond, "if", j.If, true)
	at := place{job: j, step: -1, events: c.m.jobEvents(id)}
	if at.events == 0 || c.neverRuns(cond, j.If) {
		return
	}
	c.typedBool(at, "continue-on-error", j.ContinueOnError)
	c.typedFloat(at, "timeout-minutes", j.TimeoutMinutes)
	if s := j.Strategy; s != nil {
		c.typedBool(at, "strategy.fail-fast", s.FailFast)
		if s.MaxParallel != nil {
			c.field(at, "strategy.max-parallel", s.MaxParallel.Expression, "a number")
		}
		if s.Matrix != nil {
			c.matrix(at, s.Matrix)
		}
	}
	if j.Concurrency != nil {
		c.always(at, "concurrency.group", j.Concurrency.Group, false)
		c.typedBool(at, "concurrency.cancel-in-progress", j.Concurrency.CancelInProgress)
	}
	if r := j.RunsOn; r != nil {
		c.field(at, "runs-on", r.LabelsExpr, "a runner label")
		for _, l := range r.Labels {
			c.field(at, "runs-on", l, "a runner label")
		}
		c.field(at, "runs-on.group", r.Group, "a runner group")
	}
	// environment: '' means "no environment" (typically
	// `${{ cond && 'release' || '' }}`): only an always-empty source is a
	// mistake there.
	if j.Environment != nil {
		c.always(at, "environment", j.Environment.Name, false)
	}
	if j.Container != nil {
		c.always(at, "container.image", j.Container.Image, false)
	}
	c.envDefs(at, j.Env)
	if j.WorkflowCall != nil {
		c.workflowCall(at, j.WorkflowCall)
	}
	for i, s := range j.Steps {
		c.step(at, i, s)
	}
	c.jobOutputs(id, at, j)
	c.jobFromJSONs(at, j)
}

// jobOutputs checks the outputs: of a job for always-empty sources.
func (c *checker) jobOutputs(id string, at place, j *actionlint.Job) {
	at.step = len(j.Steps)
	for _, k := range sortedKeys(j.Outputs) {
		o := j.Outputs[k]
		if o.Value == nil || !c.m.spansMayBeAlwaysEmpty(o.Value.Value, j) {
			continue
		}
		c.withDead(c.deadOutput(id, o.Name.Value), func() { c.always(at, "outputs."+o.Name.Value, o.Value, false) })
	}
}

// jobFromJSONs looks for a failing fromJSON in the job's own values, once
// the other checks have had their say on them.
func (c *checker) jobFromJSONs(at place, j *actionlint.Job) {
	if s := j.Strategy; s != nil && s.Matrix != nil {
		m := s.Matrix
		c.fromJSONs(at, "strategy.matrix", m.Expression, false)
		for _, k := range sortedKeys(m.Rows) {
			if r := m.Rows[k]; r != nil {
				c.fromJSONs(at, "strategy.matrix."+k, r.Expression, false)
			}
		}
		for _, cs := range []*actionlint.MatrixCombinations{m.Include, m.Exclude} {
			if cs != nil {
				c.fromJSONs(at, "strategy.matrix", cs.Expression, false)
			}
		}
	}
	if r := j.RunsOn; r != nil {
		c.fromJSONs(at, "runs-on", r.LabelsExpr, false)
	}
	if j.WorkflowCall != nil {
		for _, k := range sortedKeys(j.WorkflowCall.Inputs) {
			c.fromJSONs(at, "with."+k, j.WorkflowCall.Inputs[k].Value, false)
		}
	}
	c.envFromJSONs(at, j.Env)
}

func (c *checker) envFromJSONs(at place, e *actionlint.Env) {
	if e == nil {
		return
	}
	for _, k := range sortedKeys(e.Vars) {
		c.fromJSONs(at, "env."+e.Vars[k].Name.Value, e.Vars[k].Value, false)
	}
}

func (c *checker) step(job place, i int, s *actionlint.Step) {
	at := place{job: job.job, step: i, events: job.events}
	c.always(at, "if", s.If, true)
	c.inputUse(at, "if", s.If, true)
	c.fromJSONs(at, "if", s.If, true)
	at.events = c.m.narrow(at.events, s.If, job.job, i)
	if at.events == 0 || c.neverRuns(at, s.If) {
		return
	}
	c.typedBool(at, "continue-on-error", s.ContinueOnError)
	c.typedFloat(at, "timeout-minutes", s.TimeoutMinutes)
	switch e := s.Exec.(type) {
	case *actionlint.ExecRun:
		if e.Run != nil {
			c.always(at, "run", e.Run, false)
			c.imageRefs(at, "run", e.Run, true)
			c.runUse(at, e)
		}
	case *actionlint.ExecAction:
		c.localAction(at, e)
		for _, k := range sortedKeys(e.Inputs) {
			in := e.Inputs[k]
			if in.Value == nil {
				continue
			}
			field := "with." + in.Name.Value
			c.cap = defaultWhenEmpty(e.Uses, k, in.Value, c.m.find(in.Value))
			c.always(at, field, in.Value, false)
			c.cap = ""
			if imageKeys[k] {
				c.imageRefs(at, field, in.Value, false)
			}
			c.withUse(at, field, in.Value)
			c.fromJSONs(at, field, in.Value, false)
		}
	}
	c.envDefs(at, s.Env)
	c.envFromJSONs(at, s.Env)
	if e, ok := s.Exec.(*actionlint.ExecRun); ok {
		c.fromJSONs(at, "run", e.Run, false)
	}
}

// matrix checks the expressions a matrix is built from, where
// fromJSON of the empty string fails the job.
func (c *checker) matrix(at place, m *actionlint.Matrix) {
	c.field(at, "strategy.matrix", m.Expression, "")
	for _, k := range sortedKeys(m.Rows) {
		if r := m.Rows[k]; r != nil {
			c.field(at, "strategy.matrix."+k, r.Expression, "")
		}
	}
	for _, cs := range []*actionlint.MatrixCombinations{m.Include, m.Exclude} {
		if cs != nil {
			c.field(at, "strategy.matrix", cs.Expression, "")
		}
	}
}

// field checks a value that must not be the empty string (want, as in "a number"), or
// any value when want is "": always-empty sources and fromJSON of the empty string first,
// then the emptiness the field cannot take, then dispatch inputs.
func (c *checker) field(at place, field string, s *actionlint.String, want string) {
	c.always(at, field, s, false)
	if want != "" {
		c.sink(at, field, s, want)
		return
	}
	c.inputUse(at, field, s, false)
}

func (c *checker) typedBool(at place, field string, b *actionlint.Bool) {
	if b != nil {
		c.field(at, field, b.Expression, "a boolean")
	}
}

func (c *checker) typedFloat(at place, field string, f *actionlint.Float) {
	if f != nil {
		c.field(at, field, f.Expression, "a number")
	}
}

// envDefs checks each env: value: always-empty sources where they are
// defined, and values a dispatch input can empty only where a consumer
// needs them (see envUse).
func (c *checker) envDefs(at place, e *actionlint.Env) {
	if e == nil {
		return
	}
	for _, k := range sortedKeys(e.Vars) {
		v := e.Vars[k]
		if v.Value == nil {
			continue
		}
		if c.m.spansMayBeAlwaysEmpty(v.Value.Value, at.job) {
			c.withDead(c.deadEnv(at, v.Name.Value), func() { c.always(at, "env."+v.Name.Value, v.Value, false) })
		}
		c.envUse(envDef{at: at, name: v.Name.Value, val: v.Value})
	}
}

// workflowCall checks the typed inputs of a local reusable workflow at the
// call site, and every with: value for dispatch-input uses.
func (c *checker) workflowCall(at place, wc *actionlint.WorkflowCall) {
	target := c.m.calledWorkflow(wc)
	for _, k := range sortedKeys(wc.Inputs) {
		in := wc.Inputs[k]
		if in.Value == nil {
			continue
		}
		c.always(at, "with."+in.Name.Value, in.Value, false)
		if target != nil {
			if typ, ok := target.inputs[k]; ok {
				switch typ {
				case actionlint.WorkflowCallEventInputTypeBoolean:
					c.sink(at, "with."+in.Name.Value, in.Value, "a boolean (input of "+wc.Uses.Value+")")
				case actionlint.WorkflowCallEventInputTypeNumber:
					c.sink(at, "with."+in.Name.Value, in.Value, "a number (input of "+wc.Uses.Value+")")
				}
			}
		}
		c.withUse(at, "with."+in.Name.Value, in.Value)
		switch {
		case target != nil:
			c.forwardedEmpty(at, "with."+in.Name.Value, wc.Uses.Value, in.Value, target.reads[k])
		case wc.Uses != nil && !strings.HasPrefix(wc.Uses.Value, "./"):
			c.remoteBoolean(at, wc.Uses.Value, in)
		}
	}
}

// localAction checks the required inputs of a local composite action.
func (c *checker) localAction(at place, e *actionlint.ExecAction) {
	if e.Uses == nil {
		return
	}
	rel, ok := localPath(c.m.wf.File, e.Uses.Value)
	if !ok {
		return
	}
	a := c.m.ix.actions[rel]
	if a == nil || !a.Composite() {
		return
	}
	defer c.actionInputs(at, e, a)
	for _, in := range a.Inputs {
		if in.Required == nil || !strings.EqualFold(in.Required.Value, "true") {
			continue
		}
		if w := e.Inputs[strings.ToLower(in.Name)]; w != nil && w.Value != nil {
			c.sink(at, "with."+w.Name.Value, w.Value, "a value (required input of "+e.Uses.Value+")")
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sink reports a field whose value can evaluate to the empty string on some trigger
// that reaches it, or whose evaluation can fail (fromJSON of the empty string).
func (c *checker) sink(at place, field string, s *actionlint.String, want string) {
	if s == nil || !strings.Contains(s.Value, "${{") {
		return
	}
	xs := c.m.find(s)
	if len(xs) == 0 {
		return
	}
	c.m.each(at.events, func(ev string) bool {
		r := c.at(at, ev, modeSink)
		v := emptiness.Template(s.Value, xs, r)
		switch {
		case v.Err != nil:
			fix := c.fallbackFix(s, placeholders(xs), func(fixed *actionlint.String) bool {
				return c.redo(func(c2 *checker) { c2.sink(at, field, fixed, want) })
			})
			c.reportWith(s, xs[0].Start, fix, "%s: %s %s, and fromJSON of an empty string fails the run", field, v.Err.Expr, v.Err.Why)
		case v.MaybeEmpty():
			fix := c.fallbackFix(s, placeholders(xs), func(fixed *actionlint.String) bool {
				return c.redo(func(c2 *checker) { c2.sink(at, field, fixed, want) })
			})
			c.reportWith(s, xs[0].Start, fix, "%s: %s can evaluate to '' where %s is required: %s %s%s",
				field, clipExpr(s.Value, xs), want, v.Why.Expr, v.Why.Why, consequence(want))
		default:
			return false
		}
		return true
	})
}

func consequence(want string) string {
	switch {
	case strings.HasPrefix(want, "a boolean"), strings.HasPrefix(want, "a number"):
		return " (the run fails with \"Unexpected value ''\")"
	}
	return ""
}

func clipExpr(s string, xs []expr.Expr) string {
	if len(xs) == 1 {
		return clip(s[xs[0].Start:xs[0].End])
	}
	return clip(s)
}

// imageKeys are with: arguments that hold image references.
var imageKeys = map[string]bool{
	"tags": true, "tag": true, "image": true, "images": true, "image-ref": true,
	"image-name": true, "image_ref": true, "image_name": true, "image-tag": true, "image_tag": true,
}

// containerTools are commands whose arguments carry image references.
var containerTools = []string{"docker ", "podman ", "buildah ", "nerdctl ", "crane ", "skopeo ", "oras ", "regctl ", "cosign "}

// imageRefs reports placeholders that can be empty inside an image
// reference (`repo:${{ x }}`, `${{ registry }}/app:1`): the reference
// then names another tag or none.
func (c *checker) imageRefs(at place, field string, s *actionlint.String, script bool) {
	if !strings.Contains(s.Value, "${{") || (script && !onToolLine(s.Value, len(s.Value)/2, true)) {
		return
	}
	for _, x := range c.m.find(s) {
		tok := tokenAround(s.Value, x.Start, x.End)
		rest := strings.Replace(tok, s.Value[x.Start:x.End], "", 1)
		if strings.TrimSpace(rest) == "" {
			// The whole reference (a line of an images: list, an optional
			// input): its consumer may take '' for "none"; nothing is lost.
			continue
		}
		if script && (!onToolLine(s.Value, x.Start, false) || !strings.ContainsAny(rest, ":/@")) {
			continue
		}
		c.m.each(at.events, func(ev string) bool {
			r := c.at(at, ev, modeSink)
			v := emptiness.Template(s.Value[x.Start:x.End], []expr.Expr{shift(x)}, r)
			if !v.MaybeEmpty() {
				return false
			}
			fix := c.fallbackFix(s, []exprAt{placeholder(x)}, func(fixed *actionlint.String) bool {
				return c.redo(func(c2 *checker) { c2.imageRefs(at, field, fixed, script) })
			})
			c.reportWith(s, x.Start, fix, "%s: image reference %q can lose a part: %s %s, so it becomes %q",
				field, clip(tok), v.Why.Expr, v.Why.Why, rest)
			return true
		})
	}
}

// shift re-bases a placeholder to start at offset 0 of its own text.
func shift(x expr.Expr) expr.Expr {
	x.End -= x.Start
	x.Start = 0
	return x
}

// tokenAround is the shell word around [start,end): up to whitespace, a
// quote or '=' on either side, taking other ${{ }} placeholders whole.
func tokenAround(s string, start, end int) string {
	isSep := func(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '"' || b == '\'' || b == '=' }
	i := start
	for i > 0 && !isSep(s[i-1]) {
		if strings.HasSuffix(s[:i], "}}") {
			if k := strings.LastIndex(s[:i], "${{"); k >= 0 {
				i = k
				continue
			}
		}
		i--
	}
	j := end
	for j < len(s) && !isSep(s[j]) {
		if strings.HasPrefix(s[j:], "${{") {
			if k := strings.Index(s[j:], "}}"); k >= 0 {
				j += k + 2
				continue
			}
		}
		j++
	}
	return s[i:j]
}

// onToolLine reports whether the line of s holding off (or, with whole,
// any line) runs a container tool.
func onToolLine(s string, off int, whole bool) bool {
	line := s
	if !whole {
		ls := strings.LastIndexByte(s[:off], '\n') + 1
		line = s[ls:]
		if le := strings.IndexByte(line, '\n'); le >= 0 {
			line = line[:le]
		}
	}
	for _, t := range containerTools {
		if strings.Contains(line, t) {
			return true
		}
	}
	return false
}

// defaultOf renders the default of the dispatch input named by a
// reference such as inputs.mode or github.event.inputs.mode.
func defaultOf(m *model, ref string) string {
	name := strings.ToLower(ref[strings.LastIndexAny(ref, ".[")+1:])
	name = strings.Trim(name, "'\"]")
	d := m.dispatch[name]
	switch {
	case d != nil && d.Default != nil && d.Default.Value != "":
		if d.Type == actionlint.WorkflowDispatchEventInputTypeBoolean || d.Type == actionlint.WorkflowDispatchEventInputTypeNumber {
			return d.Default.Value
		}
		return fmt.Sprintf("%q", d.Default.Value)
	case m.fallback(name) != "":
		return fmt.Sprintf("%q (the fallback it gets elsewhere in this workflow)", m.fallback(name))
	}
	return "value"
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
