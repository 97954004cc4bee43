package secretscope

import (
	"strings"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/walk"
	"github.com/releasegate/releasegate/lint/workspace"
)

// ref is one use of a context inside a workflow expression.
type ref struct {
	expr.Ref
	Job string
	Pos workspace.Pos
}

// contextRefs lists every context reference in a workflow's expressions,
// in source order, with the job it belongs to and its file position.
func contextRefs(wf *workspace.Workflow, values []walk.Value) []ref {
	var out []ref
	for _, v := range values {
		if v.Condition && !strings.Contains(v.Str.Value, "${{") {
			if !mentionsContext(v.Str.Value) {
				continue
			}
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
		for _, sp := range expr.Spans(v.Str.Value) {
			if !mentionsContext(sp.Src) {
				continue
			}
			e := sp.Expr()
			for _, r := range expr.Refs(e.Node) {
				out = append(out, ref{Ref: r, Job: v.Job, Pos: wf.Locate(v.Str, e.Offset(r.Token))})
			}
		}
	}
	return out
}

// mentionsContext is a cheap filter: only expressions that name one of the
// contexts these rules read are parsed.
func mentionsContext(src string) bool {
	for _, c := range []string{"secrets", "vars", "env"} {
		if containsFold(src, c) {
			return true
		}
	}
	return false
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
