package emptyexpr

import (
	"strings"
	"testing"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
)

// The fallback must be exactly equivalent: on a dispatched run it is the
// input as dispatched — every value it can take, '' and false included,
// with its type — and on any other trigger it is the default, typed as
// a dispatched run would have it. The expressions are evaluated with the
// same evaluator the check uses.

const fallbackWorkflow = `on:
  schedule:
    - cron: '0 4 * * *'
  workflow_dispatch:
    inputs:
      on_true: {type: boolean, default: true}
      on_false: {type: boolean, default: false}
      no_default: {type: boolean}
      channel: {type: choice, options: [stable, beta], default: stable}
      note: {type: string, default: "it's nightly"}
      env: {type: environment, default: prod}
      count: {type: number, default: 2}
      bare: {type: string}
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: "true"
`

// dispatched lists what a dispatched run can hold for each input.
var dispatched = map[string][]string{
	"on_true": {"true", "false"}, "on_false": {"true", "false"}, "no_default": {"true", "false"},
	"channel": {"stable", "beta"}, "note": {"", "x", "it's nightly"}, "env": {"", "prod", "stage"},
}

// run is one run's context: the event and the dispatched values.
type runContext struct {
	event  string
	inputs map[string]string // dispatched values; nil on other triggers
	types  map[string]string
}

func (c *runContext) value(name string, event bool) emptiness.Value {
	v, ok := c.inputs[name]
	switch {
	case !ok:
		return emptiness.NullValue(nil)
	case event || c.types[name] != "boolean":
		return emptiness.String(v, nil)
	}
	return emptiness.Boolean(v == "true")
}

func (c *runContext) Resolve(p *emptiness.Path) (emptiness.Value, bool) {
	switch {
	case p.Is("github", "event_name"):
		return emptiness.String(c.event, nil), true
	case p.N == 2 && p.Parts[0] == "inputs":
		return c.value(p.Parts[1], false), true
	case p.Is("github", "event", "inputs", "*"):
		return c.value(p.Parts[3], true), true
	}
	return emptiness.Value{}, false
}

func TestFallbackIsExact(t *testing.T) {
	dir := linttest.Write(t, map[string]string{".github/workflows/w.yml": fallbackWorkflow})
	ws, err := workspace.Load(workspace.Options{Paths: []string{dir}, WorkingDir: dir})
	if err != nil || len(ws.Workflows) != 1 {
		t.Fatalf("load: %v %v", err, ws.Errors)
	}
	c := &checker{m: newModel(newIndex(ws), ws.Workflows[0])}
	types := map[string]string{}
	for name, in := range c.m.dispatch {
		if in.Type == actionlint.WorkflowDispatchEventInputTypeBoolean {
			types[name] = "boolean"
		}
	}
	tested := 0
	for name, values := range dispatched {
		for _, event := range []bool{false, true} {
			ref := "inputs." + name
			if event {
				ref = "github.event.inputs." + name
			}
			text, err := c.withDefault(ref, name, event)
			if err != nil || text == "" {
				continue
			}
			node, err := expr.Parse(text)
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			check := func(ctx *runContext, want emptiness.Value) {
				got := emptiness.Eval(node, text, ctx)
				if !got.Known || got.Const.Kind != want.Const.Kind || got.Const.Render() != want.Const.Render() {
					t.Errorf("%s on %s with %v = %+v, want %+v", text, ctx.event, ctx.inputs, got.Const, want.Const)
				}
				tested++
			}
			def := emptiness.DispatchDefault(c.m.dispatch[name], event)
			check(&runContext{event: "schedule", types: types}, def)
			for _, v := range values {
				ctx := &runContext{event: "workflow_dispatch", inputs: map[string]string{name: v}, types: types}
				check(ctx, ctx.value(name, event))
			}
		}
	}
	if tested < 30 {
		t.Errorf("only %d evaluations: the fallbacks were not all built", tested)
	}
	if _, err := c.withDefault("inputs.count", "count", false); err == nil || !strings.Contains(err.Error(), "number") {
		t.Errorf("a number input got a fallback: %v", err)
	}
	if text, err := c.withDefault("inputs.bare", "bare", false); err != nil || text != "" {
		t.Errorf("an input without a default got %q, %v", text, err)
	}
}
