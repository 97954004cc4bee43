// Package unevaluateddefault reports action metadata that the runner
// cannot evaluate (rule unevaluated-default).
//
// The runner evaluates the `default:` of an action input when it loads the
// action, before any step, with only the github, strategy, matrix, job and
// runner contexts and the hashFiles() function. A default such as
// `${{ inputs.other }}`, `${{ env.REGISTRY }}` or `${{ secrets.TOKEN }}`
// fails the action in every workflow that uses it. `${{ github.token }}`
// and `${{ github.ref_name }}` are fine.
//
// Composite actions also have no secrets context at all: `secrets.X` in
// one of their steps is always empty. The caller has to pass the value in
// as an input. A name that is no context of a composite action's steps at
// all (`input.registry` for inputs.registry, `needs`) fails the step with
// "Unrecognized named-value"; actionlint does not read action metadata,
// so nothing else catches it before a release runs the step.
package unevaluateddefault

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// Rule documents unevaluated-default.
var Rule = rule.Rule{
	ID:       "unevaluated-default",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "an action input default names a context the runner does not provide there, or a composite action's step reads secrets or a name that is no context",
	Why: "Input defaults in action.yml are evaluated when the action loads, with only github, strategy, matrix, job, runner " +
		"and hashFiles() available. A default that reads inputs, env, steps, needs, vars or secrets breaks the action for " +
		"every caller, usually far from the change that introduced it. Composite actions have no secrets context, so a " +
		"secret read inside one is silently empty and the step that needs it fails later, for example at `docker login`. " +
		"A name that is no context of a composite step at all (`input.registry` for inputs.registry, `needs`) fails the " +
		"step with \"Unrecognized named-value\", and actionlint, which does not read action metadata, does not see it.",
	Bad: "inputs:\n  registry:\n    default: ghcr.io\n  image:\n    default: ${{ inputs.registry }}/app\n" +
		"runs:\n  using: composite\n  steps:\n    - run: echo \"${{ secrets.REGISTRY_TOKEN }}\" | docker login --password-stdin\n      shell: bash",
	Good: "inputs:\n  registry:\n    default: ghcr.io\n  image:\n    default: ''\n  token:\n    required: true\n" +
		"runs:\n  using: composite\n  steps:\n    - run: echo \"$TOKEN\" | docker login --password-stdin\n      shell: bash\n" +
		"      env:\n        TOKEN: ${{ inputs.token }}\n        IMAGE: ${{ inputs.image || format('{0}/app', inputs.registry) }}",
	Fix: "Leave the default empty and compute the value in a step (`${{ inputs.image || format('{0}/app', inputs.registry) }}`), " +
		"or use one of the contexts that are available. Pass secrets to composite actions as inputs.",
}

// Check reports unevaluable defaults and secrets in composite actions.
var Check = lint.Check{Name: "unevaluateddefault", Rules: []rule.Rule{Rule}, Run: run}

// available are the contexts the runner provides to input defaults.
var available = map[string]bool{"github": true, "strategy": true, "matrix": true, "job": true, "runner": true}

func run(p *lint.Pass) {
	for _, a := range p.Workspace.Actions {
		for _, in := range a.Inputs {
			checkDefault(p, a, in)
		}
		if a.Composite() {
			for _, s := range a.Steps {
				checkStep(p, a, s)
			}
		}
	}
}

func checkDefault(p *lint.Pass, a *workspace.Action, in *workspace.ActionInput) {
	d := in.Default
	if d == nil || !strings.Contains(d.Value, "${{") {
		return
	}
	for _, x := range expr.Find(d.Value) {
		for _, r := range expr.Refs(x.Node) {
			if available[r.Context] {
				continue
			}
			p.Reportf(Rule.ID, a.File, a.LocateSpan(d, x.Start, x.End),
				"inputs.%s default: %s names the %s context, which the runner does not provide when it evaluates input defaults (only github, strategy, matrix, job, runner and hashFiles() are)",
				in.Name, refText(x, r), r.Context)
			break
		}
	}
}

// checkStep reports secrets read in a composite action's step.
func checkStep(p *lint.Pass, a *workspace.Action, s *workspace.ActionStep) {
	fields := []struct {
		name string
		v    *actionlint.String
	}{{"if", s.If}, {"name", s.Name}, {"run", s.Run}, {"uses", s.Uses}, {"shell", s.Shell}, {"continue-on-error", s.ContinueOnError}}
	for _, f := range fields {
		contextsIn(p, a, f.name, f.v, f.name == "if")
	}
	for _, kv := range s.With {
		contextsIn(p, a, "with."+kv.Key.Value, kv.Value, false)
	}
	for _, kv := range s.Env {
		contextsIn(p, a, "env."+kv.Key.Value, kv.Value, false)
	}
}

// stepContexts are the contexts a composite action's steps can read;
// secrets is a context elsewhere but always empty here.
var stepContexts = map[string]bool{
	"github": true, "env": true, "vars": true, "inputs": true, "steps": true, "runner": true, "job": true,
	"strategy": true, "matrix": true,
}

// contextsIn reports secrets, and names that are no context of a
// composite step, read in one step field.
func contextsIn(p *lint.Pass, a *workspace.Action, field string, s *actionlint.String, bare bool) {
	if s == nil || (!bare && !strings.Contains(s.Value, "${{")) {
		return
	}
	xs := expr.Find(s.Value)
	if bare && !strings.Contains(s.Value, "${{") {
		if n, err := expr.Parse(s.Value); err == nil {
			xs = []expr.Expr{{Start: 0, End: len(s.Value), Src: s.Value, Node: n}}
		}
	}
	for _, x := range xs {
		for _, r := range expr.Refs(x.Node) {
			span := refSpan(a.File, s, x, r, bare && x.Start == 0 && !strings.HasPrefix(s.Value, "${{"))
			switch {
			case r.Context == "secrets":
				p.Reportf(Rule.ID, a.File, span,
					"%s: %s is always empty in a composite action, which has no secrets context; pass the secret in as an input",
					field, refText(x, r))
			case !stepContexts[r.Context]:
				p.Reportf(Rule.ID, a.File, span,
					"%s: %s names %q, which is not a context of a composite action's steps (those are %s), so the runner fails the step with \"Unrecognized named-value\"%s",
					field, refText(x, r), r.Context, "github, env, vars, inputs, steps, runner, job, strategy, matrix", didYouMean(r.Context))
			default:
				continue
			}
			break
		}
	}
}

// refSpan is the span of the reference as written, or of the whole
// expression when the parser gave no token. A bare if: condition has no
// ${{ before its text.
func refSpan(f *workspace.File, s *actionlint.String, x expr.Expr, r expr.Ref, bare bool) workspace.Span {
	if r.Token == nil {
		return f.LocateSpan(s, x.Start, x.End)
	}
	from := x.Offset(r.Token)
	if bare {
		from = r.Token.Offset
	}
	return f.LocateSpan(s, from, from+len(refText(x, r)))
}

// didYouMean suggests the context a near miss meant.
func didYouMean(name string) string {
	for _, c := range []string{"inputs", "steps"} {
		if name+"s" == c || strings.EqualFold(name, c) {
			return "; did you mean " + c + "?"
		}
	}
	return ""
}

// refText is the reference as written in the expression.
func refText(x expr.Expr, r expr.Ref) string {
	if r.Token == nil {
		return r.Context
	}
	return emptiness.RefText(x.Src, r.Token.Offset)
}
