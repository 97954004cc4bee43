package emptyexpr

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/internal/lazyre"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// The fix of a dispatch input read on another trigger gives each read the
// value the author had in mind there — its default — while leaving it
// exactly as it was in a dispatched run, where the input is set. Which
// expression does that depends on the input's type, because `||` returns
// its right side for every falsy left side, and '', false and 0 are all
// falsy (and equal to one another in Actions' loose comparison):
//
//   - a boolean that defaults to false: `inputs.x || false` (false when
//     dispatched with false, and elsewhere);
//   - a boolean that defaults to true: `github.event_name !=
//     'workflow_dispatch' || inputs.x` — `inputs.x || true` would turn a
//     dispatched false into true;
//   - github.event.inputs.x of a boolean: `github.event.inputs.x ||
//     'true'` (its values are the strings 'true' and 'false', never '');
//   - a choice: `inputs.x || 'default'` (a dispatched choice is one of its
//     options, never '' unless an option is);
//   - a string or environment: `github.event_name != 'workflow_dispatch'
//     && 'default' || inputs.x` — a dispatched run may clear the field,
//     and `inputs.x || 'default'` would then put the default in its place.
//
// There is no fix for a number (a dispatched 0 is falsy), an input that
// is also a workflow_call input (callers' values would be overridden), or
// a form using github.event_name in a reusable workflow (there it is the
// caller's event). A read already followed by `||` is left alone. A fix
// is kept only if the check, run again on the fixed value, no longer
// finds anything.

// exprAt is one expression of a value: its text and the value offset of
// its first byte.
type exprAt struct {
	src  string
	base int
}

// placeholder is the expression of a ${{ }} at its value offsets.
func placeholder(x expr.Expr) exprAt { return exprAt{src: x.Src, base: x.Start + 3} }

// placeholders are the expressions of every ${{ }} of a value.
func placeholders(xs []expr.Expr) []exprAt {
	out := make([]exprAt, 0, len(xs))
	for _, x := range xs {
		if x.Node != nil {
			out = append(out, placeholder(x))
		}
	}
	return out
}

// condition is the expression of an if: value (see expr.Condition).
func condition(v string, src string, off int) exprAt {
	if strings.HasPrefix(v[off:], "${{") {
		return exprAt{src: src, base: off + 3}
	}
	return exprAt{src: src, base: off}
}

// fallbackFix is the fix for the dispatch-input reads in exprs of the
// value s, checked by recheck (true: the check, run on the fixed value,
// still reports).
func (c *checker) fallbackFix(s *actionlint.String, exprs []exprAt, recheck func(fixed *actionlint.String) bool) lint.Remedy {
	if c.dry {
		return lint.Remedy{}
	}
	type change struct {
		from, to int
		text     string
	}
	var changes []change
	for _, e := range exprs {
		node, err := expr.Parse(e.src)
		if err != nil {
			return lint.WithoutFix("the expression could not be read")
		}
		for _, r := range expr.Refs(node) {
			start := r.Token.Offset
			ref := emptiness.RefText(e.src, start)
			name, event, ok := c.dispatchInput(r, ref)
			if !ok || hasFallback(e.src, start, start+len(ref)) {
				continue
			}
			text, err := c.withDefault(ref, name, event)
			if err != nil {
				return lint.WithoutFix(err.Error())
			}
			if text == "" {
				continue
			}
			if !standsAlone(e.src, start, start+len(ref)) {
				text = "(" + text + ")"
			}
			changes = append(changes, change{e.base + start, e.base + start + len(ref), text})
		}
	}
	if len(changes) == 0 {
		return lint.WithoutFix("no read of a dispatch input here has a default to fall back to")
	}
	slices.SortFunc(changes, func(a, b change) int { return a.from - b.from })
	fixed := s.Value
	var edits []report.Edit
	for i := len(changes) - 1; i >= 0; i-- {
		ch := changes[i]
		e, err := c.m.wf.ValueEdit(s, ch.from, ch.to, ch.text)
		if err != nil {
			return lint.WithoutFix("the value cannot be edited in place: " + err.Error())
		}
		edits = append(edits, e)
		fixed = fixed[:ch.from] + ch.text + fixed[ch.to:]
	}
	if recheck(&actionlint.String{Value: fixed, Quoted: s.Quoted, Pos: s.Pos}) {
		return lint.WithoutFix("falling back to the inputs' defaults does not remove the empty case here")
	}
	slices.Reverse(edits)
	return lint.WithFix("fall back to the dispatch inputs' defaults on the other triggers", edits...)
}

// dispatchInput names the dispatch input a reference reads: inputs.X or
// github.event.inputs.X (event).
func (c *checker) dispatchInput(r expr.Ref, ref string) (name string, event, ok bool) {
	switch r.Context {
	case "inputs":
		name = r.Name
	case "github":
		rest, found := strings.CutPrefix(strings.ToLower(ref), "github.event.inputs.")
		if !found {
			return "", false, false
		}
		name, event = rest, true
	default:
		return "", false, false
	}
	return name, event, name != "" && c.m.dispatch[name] != nil
}

// standsAlone reports a read that is the whole expression or a whole
// function argument, where the fallback needs no parentheses.
func standsAlone(src string, from, to int) bool {
	before := strings.TrimRight(src[:from], " \t\r\n")
	after := strings.TrimLeft(src[to:], " \t\r\n")
	if before == "" && after == "" {
		return true
	}
	return (strings.HasSuffix(before, "(") || strings.HasSuffix(before, ",")) &&
		(strings.HasPrefix(after, ")") || strings.HasPrefix(after, ","))
}

// hasFallback reports a read that is already one side of ||: followed by
// `|| ...`, or after an event_name test `... ||`.
func hasFallback(src string, from, to int) bool {
	if strings.HasPrefix(strings.TrimLeft(src[to:], " \t\r\n"), "||") {
		return true
	}
	before := strings.TrimRight(src[:from], " \t\r\n")
	return strings.HasSuffix(before, "||") && expr.ContainsFold(before, "event_name")
}

// withDefault is the expression that reads input name (written ref) with
// its default on the triggers that do not set it, "" when it has no
// default to fall back to, or why there is no exact one.
func (c *checker) withDefault(ref, name string, event bool) (string, error) {
	in := c.m.dispatch[name]
	if !event && c.m.callIn[name] != nil {
		return "", errors.New("inputs." + name + " is also a workflow_call input; a fallback would override what callers pass")
	}
	def := ""
	if in.Default != nil {
		def = in.Default.Value
	}
	byEvent := func(form string) (string, error) {
		if c.m.call != nil {
			return "", errors.New("this reusable workflow sees its caller's github.event_name, so no test of it tells a dispatched run of its own")
		}
		return form, nil
	}
	switch in.Type {
	case actionlint.WorkflowDispatchEventInputTypeBoolean:
		on := strings.EqualFold(def, "true")
		switch {
		case event:
			return ref + " || '" + strings.ToLower(boolWord(on)) + "'", nil
		case on:
			return byEvent("github.event_name != 'workflow_dispatch' || " + ref)
		}
		return ref + " || false", nil
	case actionlint.WorkflowDispatchEventInputTypeNumber:
		return "", errors.New("inputs." + name + " is a number, and a dispatched 0 is false in an expression, so no fallback leaves it as it is")
	case actionlint.WorkflowDispatchEventInputTypeChoice:
		if def == "" || slices.ContainsFunc(in.Options, func(o *actionlint.String) bool { return o != nil && o.Value == "" }) {
			return "", nil
		}
		if versionLike(name, def) {
			return c.versionFallback(ref, name, def, func() (string, error) { return ref + " || " + quoted(def), nil }, byEvent)
		}
		return ref + " || " + quoted(def), nil
	}
	if def == "" {
		return "", nil
	}
	plain := "github.event_name != 'workflow_dispatch' && " + quoted(def) + " || " + ref
	if versionLike(name, def) {
		return c.versionFallback(ref, name, def, func() (string, error) { return byEvent(plain) }, byEvent)
	}
	return byEvent(plain)
}

// A version, tag or ref input's default is what a hand-started run
// publishes or checks out; on a tag push the author means the pushed tag,
// not that default (`latest` on every release). So the fallback of such
// an input is github.ref_name where every other trigger is a tag push,
// there is no fix where tag pushes are among other triggers, and the
// default stays the fallback where no trigger pushes tags (a nightly
// schedule publishing `nightly`).

// versionRe matches defaults that name a version.
var versionRe = lazyre.New(`^v?\d+(\.\d+)+|^latest$|^main$|^master$`)

// versionLike reports an input that names a version, tag or ref.
func versionLike(name, def string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"tag", "version", "ref", "release", "sha", "branch"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return versionRe().MatchString(def)
}

// versionFallback is the fallback of a version-like input (see above);
// plain gives the default's form, used where no trigger pushes tags.
func (c *checker) versionFallback(ref, name, def string, plain func() (string, error), byEvent func(string) (string, error)) (string, error) {
	tags, only := c.m.tagPushes()
	switch {
	case !tags:
		return plain()
	case only:
		return byEvent("github.event_name != 'workflow_dispatch' && github.ref_name || " + ref)
	}
	return "", fmt.Errorf("inputs.%s names a version or ref and this workflow runs on tag pushes among other triggers, "+
		"where neither its default %s nor github.ref_name is evidently meant; choose the fallback by hand", name, quoted(def))
}

// tagPushes reports whether a trigger is a push with a tags filter, and
// whether every trigger but workflow_dispatch is a push of tags only.
func (m *model) tagPushes() (some, only bool) {
	only = true
	for _, ev := range m.wf.AST.On {
		if _, ok := ev.(*actionlint.WorkflowDispatchEvent); ok {
			continue
		}
		w, ok := ev.(*actionlint.WebhookEvent)
		isPush := ok && w.Hook != nil && w.Hook.Value == "push"
		if isPush && w.Tags != nil {
			some = true
		}
		if !isPush || w.Tags == nil || w.Branches != nil || w.BranchesIgnore != nil {
			only = false
		}
	}
	return some, some && only
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// quoted quotes s as an expression string.
func quoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// redo runs a check again over a fixed value without reporting, and says
// whether it would still report.
func (c *checker) redo(run func(c2 *checker)) bool {
	c2 := *c
	c2.dry, c2.hits, c2.seen = true, 0, map[workspace.Pos]bool{}
	run(&c2)
	return c2.hits > 0
}

// exprStartingAt finds the placeholder of v that starts at off.
func (c *checker) exprStartingAt(v *actionlint.String, off int) (expr.Expr, bool) {
	for _, x := range expr.Find(v.Value) {
		if x.Start == off {
			return x, x.Node != nil
		}
	}
	return expr.Expr{}, false
}
