package secretscope

import (
	"strings"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/workspace"
)

// ref is one use of a context inside a workflow expression.
type ref struct {
	expr.Ref
	Job string
	Pos workspace.Pos
}

// contextRefs lists every context reference in a workflow's expressions,
// in source order, with the job it belongs to and its file position.
func contextRefs(wf *workspace.Workflow) []ref {
	var out []ref
	for _, v := range wf.Values() {
		if v.Condition && !strings.Contains(v.Str.Value, "${{") {
			// if: conditions are expressions without ${{ }}.
			node, err := expr.Parse(v.Str.Value)
			if err != nil {
				continue
			}
			for _, r := range expr.Refs(node) {
				off := 0
				if r.Token != nil {
					off = r.Token.Offset
				}
				out = append(out, ref{Ref: r, Job: v.Job, Pos: wf.Locate(v.Str, off)})
			}
			continue
		}
		for _, e := range expr.Find(v.Str.Value) {
			for _, r := range expr.Refs(e.Node) {
				out = append(out, ref{Ref: r, Job: v.Job, Pos: wf.Locate(v.Str, e.Offset(r.Token))})
			}
		}
	}
	return out
}
