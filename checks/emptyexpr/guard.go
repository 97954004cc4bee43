package emptyexpr

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
)

// A job or step whose if: tests a value for emptiness (`x`, `!!x`,
// `x != ''`, `x != null`, or any of those as a term of a top-level &&)
// runs only when the value is set: inside it, that value is never '',
// and the test itself is the guard, not a read that loses a default. A
// bare `inputs.flag` of a boolean input tests its value, not whether it
// is set: only the comparisons with '' and null guard a boolean.

// guarded reports whether the if: of job, or of its step at index step,
// tests the reference written ref for emptiness.
func (m *model) guarded(job *actionlint.Job, step int, ref string) bool {
	if job == nil {
		return false
	}
	jg := m.guards(job.If)
	var sg map[string]bool
	if step >= 0 && step < len(job.Steps) {
		sg = m.guards(job.Steps[step].If)
	}
	if len(jg) == 0 && len(sg) == 0 {
		return false
	}
	key := normRef(ref)
	return jg[key] || sg[key]
}

// guards returns (once per if:) the references an if: tests for
// emptiness, normalised by normRef.
func (m *model) guards(cond *actionlint.String) map[string]bool {
	if cond == nil || !strings.Contains(cond.Value, ".") {
		return nil
	}
	if g, ok := m.guardSets[cond]; ok {
		return g
	}
	var g map[string]bool
	if node, src, _ := m.cond(cond); node != nil {
		g = map[string]bool{}
		m.emptinessTests(node, src, g)
	}
	m.guardSets[cond] = g
	return g
}

// emptinessTests adds to out the references that the terms of a top-level
// && chain test for emptiness.
func (m *model) emptinessTests(n actionlint.ExprNode, src string, out map[string]bool) {
	switch x := n.(type) {
	case *actionlint.LogicalOpNode:
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			m.emptinessTests(x.Left, src, out)
			m.emptinessTests(x.Right, src, out)
		}
	case *actionlint.NotOpNode:
		if y, ok := x.Operand.(*actionlint.NotOpNode); ok {
			m.addRef(y.Operand, src, out, true)
		}
	case *actionlint.CompareOpNode:
		if x.Kind != actionlint.CompareOpNodeKindNotEq {
			return
		}
		if isEmptyLiteral(x.Right) {
			m.addRef(x.Left, src, out, false)
		} else if isEmptyLiteral(x.Left) {
			m.addRef(x.Right, src, out, false)
		}
	default:
		m.addRef(n, src, out, true)
	}
}

func isEmptyLiteral(n actionlint.ExprNode) bool {
	switch x := n.(type) {
	case *actionlint.StringNode:
		return x.Value == ""
	case *actionlint.NullNode:
		return true
	}
	return false
}

// addRef adds the reference n; truthy: n is tested by its truth, which
// tells nothing of whether a boolean input is set.
func (m *model) addRef(n actionlint.ExprNode, src string, out map[string]bool, truthy bool) {
	switch n.(type) {
	case *actionlint.VariableNode, *actionlint.ObjectDerefNode, *actionlint.IndexAccessNode:
		t := emptiness.RefText(src, n.Token().Offset)
		if t == "" {
			return
		}
		key := normRef(t)
		if truthy && m.booleanInput(key) {
			return
		}
		out[key] = true
	}
}

// booleanInput reports whether a normalised reference names a boolean
// input of workflow_dispatch or workflow_call.
func (m *model) booleanInput(key string) bool {
	name, ok := strings.CutPrefix(key, "inputs.")
	if !ok {
		return false
	}
	if d := m.dispatch[name]; d != nil && d.Type == actionlint.WorkflowDispatchEventInputTypeBoolean {
		return true
	}
	c := m.callIn[name]
	return c != nil && c.Type == actionlint.WorkflowCallEventInputTypeBoolean
}

// normRef makes two spellings of one reference equal: case, and
// github.event.inputs.X for inputs.X.
func normRef(ref string) string {
	r := strings.ToLower(ref)
	if rest, ok := strings.CutPrefix(r, "github.event.inputs."); ok {
		return "inputs." + rest
	}
	return r
}
