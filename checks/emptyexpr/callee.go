package emptyexpr

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// A caller that forwards a dispatch input (`with: chart: ${{
// inputs.chart }}`) passes '' on the triggers that leave the input
// empty, not "nothing": the callee's default does not apply (a default
// fills only an input left out), and a callee that uses the input as is
// gets ''. The callee is followed when it is local — a composite action
// or a reusable workflow — and the finding is reported at the caller's
// with: value when the callee reads the input without a fallback or an
// emptiness test. A remote reusable workflow cannot be read: a boolean
// dispatch input forwarded to it is a warning, since GitHub rejects '' for
// an input the callee declares boolean.

// inputUse is how a callee reads one of its inputs.
type inputUse struct {
	read    bool // named anywhere outside its declaration
	handled bool // with a fallback (|| ...), compared with '' or negated, or its env copy tested or defaulted
}

// needsValue reports a callee that reads the input as is.
func (u inputUse) needsValue() bool { return u.read && !u.handled }

// inputUses reads how src (a callee's text) uses its inputs, by lower-case
// name.
func inputUses(src string) map[string]inputUse {
	out := map[string]inputUse{}
	lower := strings.ToLower(src)
	for i := 0; ; {
		k := strings.Index(lower[i:], "inputs.")
		if k < 0 {
			break
		}
		k += i
		i = k + len("inputs.")
		if k > 0 && (isIdent(lower[k-1]) && lower[k-1] != '.' || strings.HasSuffix(lower[:k], "event.")) {
			continue // github.event.inputs: the caller's event
		}
		j := i
		for j < len(lower) && isIdent(lower[j]) {
			j++
		}
		name := lower[i:j]
		if name == "" {
			continue
		}
		u := out[name]
		u.read = true
		after := strings.TrimLeft(lower[j:], " \t")
		before := strings.TrimRight(lower[:k], " \t")
		if strings.HasPrefix(after, "||") || strings.HasPrefix(after, "!=") || strings.HasPrefix(after, "==") ||
			strings.HasSuffix(before, "!") || strings.HasSuffix(before, "&&") || strings.HasSuffix(before, "if:") {
			u.handled = true
		}
		if v := envCopy(src, k); v != "" && shellHandles(src, v) {
			u.handled = true
		}
		out[name] = u
	}
	return out
}

// envCopy is the name of an env: entry whose value is the expression at
// k alone (`CHART: ${{ inputs.chart }}`), or "".
func envCopy(src string, k int) string {
	ls := strings.LastIndexByte(src[:k], '\n') + 1
	line := strings.TrimSpace(src[ls:k])
	name, rest, ok := strings.Cut(line, ":")
	if !ok || strings.TrimSpace(rest) != "${{" {
		return ""
	}
	return strings.TrimSpace(name)
}

// shellHandles reports a script test or default of the variable name.
func shellHandles(src, name string) bool {
	if !strings.Contains(src, "$"+name) && !strings.Contains(src, "${"+name) {
		return false // never expanded: nothing to test it (and no pattern to build)
	}
	q := regexp.QuoteMeta(name)
	return regexp.MustCompile(`\$\{` + q + `:?[-=?+]|-[zn] +"?\$\{?` + q + `\b|\[\[? +"?\$\{?` + q + `\}?"? +\]`).MatchString(src)
}

// actionText is the text of a composite action's steps, where it reads
// its inputs.
func actionText(a *workspace.Action) string {
	var b strings.Builder
	for _, st := range a.Steps {
		for _, s := range []*actionlint.String{st.If, st.Run, st.Uses, st.ContinueOnError} {
			if s != nil {
				b.WriteString(s.Value)
				b.WriteByte('\n')
			}
		}
		for _, kv := range append(append([]workspace.KeyValue{}, st.With...), st.Env...) {
			if kv.Key != nil && kv.Value != nil {
				b.WriteString(kv.Key.Value + ": " + kv.Value.Value + "\n")
			}
		}
	}
	return b.String()
}

// calleeInput is what a local callee declares of an input and how it
// reads it.
type calleeInput struct {
	def string // the non-empty default, or ""
	use inputUse
}

// forwardedEmpty reports a with: value, one expression alone, that is the empty string
// on a trigger where a dispatch input it forwards is empty, when the
// callee (named uses) reads that input as is.
func (c *checker) forwardedEmpty(at place, field, uses string, v *actionlint.String, in calleeInput) {
	if !in.use.needsValue() || len(c.m.dispatch) == 0 {
		return
	}
	xs := c.m.find(v)
	if !onlyExpr(v.Value, xs) || xs[0].Node == nil {
		return
	}
	// Without a default in the callee, '' is what leaving the input out
	// gives too: only a caller whose own input has a default (or a
	// fallback elsewhere) meant a value there.
	ev, why, ok := c.emptyOnOtherTrigger(at, xs[0].Node, xs[0].Src, in.def != "")
	if !ok {
		return
	}
	effect := fmt.Sprintf("%s reads the input without a fallback", uses)
	if in.def != "" {
		effect = fmt.Sprintf("passing '' overrides the input's default %q in %s (a default fills only an input left out), which reads it as is", in.def, uses)
	}
	c.reportWith(v, xs[0].Start, lint.WithoutFix("forward the input with a fallback, or leave it out on the other triggers"),
		"%s: %s %s, so this passes '' on %s, and %s", field, why.Expr, why.Why, ev, effect)
}

// emptyOnOtherTrigger finds a trigger other than workflow_dispatch on
// which the expression is the empty string because a dispatch input is
// empty there: any dispatch input with anyInput, else one that has a
// default or a fallback elsewhere.
func (c *checker) emptyOnOtherTrigger(at place, node actionlint.ExprNode, src string, anyInput bool) (string, *emptiness.Reason, bool) {
	var event string
	var why *emptiness.Reason
	c.m.each(at.events, func(ev string) bool {
		if ev == "workflow_dispatch" {
			return false
		}
		r := c.at(at, ev, modeEmpty)
		r.anyInput = anyInput
		v := emptiness.Eval(node, src, r)
		if r.hit == nil || !v.Known || v.Const.Render() != "" || v.Why == nil || v.Why.Expr == "''" || v.Why.Expr == "null" {
			return false
		}
		event, why = ev, v.Why
		return true
	})
	return event, why, why != nil
}

// actionInputs checks the with: values a step gives a local composite
// action against how the action reads them.
func (c *checker) actionInputs(at place, e *actionlint.ExecAction, a *workspace.Action) {
	uses := c.m.actionUses(a)
	for _, in := range a.Inputs {
		w := e.Inputs[strings.ToLower(in.Name)]
		if w == nil || w.Value == nil {
			continue
		}
		ci := calleeInput{use: uses[strings.ToLower(in.Name)]}
		if in.Default != nil {
			ci.def = in.Default.Value
		}
		c.forwardedEmpty(at, "with."+w.Name.Value, e.Uses.Value, w.Value, ci)
	}
}

// actionUses is inputUses of a composite action, once per model.
func (m *model) actionUses(a *workspace.Action) map[string]inputUse {
	ix := m.ix
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if u, ok := ix.actionReads[a]; ok {
		return u
	}
	if ix.actionReads == nil {
		ix.actionReads = map[*workspace.Action]map[string]inputUse{}
	}
	u := inputUses(actionText(a))
	ix.actionReads[a] = u
	return u
}

// remoteBoolean warns of a boolean dispatch input forwarded, alone, to a
// reusable workflow of another repository on a trigger that leaves it
// empty.
func (c *checker) remoteBoolean(at place, uses string, in *actionlint.WorkflowCallInput) {
	xs := c.m.find(in.Value)
	if !onlyExpr(in.Value.Value, xs) || xs[0].Node == nil {
		return
	}
	var ref *actionlint.DispatchInput
	if n, ok := xs[0].Node.(*actionlint.ObjectDerefNode); ok {
		if v, ok := n.Receiver.(*actionlint.VariableNode); ok && v.Name == "inputs" {
			ref = c.m.dispatch[strings.ToLower(n.Property)]
		}
	}
	if ref == nil || ref.Type != actionlint.WorkflowDispatchEventInputTypeBoolean {
		return
	}
	ev, why, ok := c.emptyOnOtherTrigger(at, xs[0].Node, xs[0].Src, true)
	if !ok {
		return
	}
	c.cap = rule.Warning
	c.reportWith(in.Value, xs[0].Start, lint.WithoutFix("forward it with a fallback (inputs.x || false)"),
		"with.%s: %s %s, so this passes '' on %s, and GitHub rejects the call with \"Unexpected value ''\" where %s declares the input boolean",
		in.Name.Value, why.Expr, why.Why, ev, uses)
	c.cap = ""
}
