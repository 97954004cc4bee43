package secretscope

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/walk"
	"github.com/releasegate/releasegate/lint/workspace"
)

// ref is one use of a context inside a workflow expression.
type ref struct {
	expr.Ref
	Job string
	// Str holds the reference at value offsets [From, To): secrets.NAME,
	// secrets['NAME'] as written.
	Str      *actionlint.String
	From, To int
	file     *workspace.File
}

// Span is where the reference is written in the file. It is worked out
// only for the few references a finding names: mapping value offsets
// through the YAML source costs more than finding every reference.
func (r ref) Span() workspace.Span { return r.file.LocateSpan(r.Str, r.From, r.To) }

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
				out = append(out, newRef(wf.File, r, v.Job, v.Str, v.Str.Value, 0, off))
			}
			continue
		}
		for _, sp := range expr.Spans(v.Str.Value) {
			if !mentionsContext(sp.Src) {
				continue
			}
			e := sp.Expr()
			for _, r := range expr.Refs(e.Node) {
				out = append(out, newRef(wf.File, r, v.Job, v.Str, e.Src, e.Offset(nil)+3, e.Offset(r.Token)))
			}
		}
	}
	return out
}

// newRef is the reference r at value offset off of s, whose expression
// text src starts at value offset base.
func newRef(f *workspace.File, r expr.Ref, job string, s *actionlint.String, src string, base, off int) ref {
	to := off + max(len(emptiness.RefText(src, off-base)), 1)
	return ref{Ref: r, Job: job, Str: s, From: off, To: to, file: f}
}

// refSpan is the span of the reference at value offset off of s, whose
// expression text src starts at value offset base.
func refSpan(f *workspace.File, s *actionlint.String, src string, base, off int) workspace.Span {
	return newRef(f, expr.Ref{}, "", s, src, base, off).Span()
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
