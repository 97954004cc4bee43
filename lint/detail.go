package lint

import (
	"slices"

	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// A Detail adds to a finding what only some checks know: a fix, why there
// is none, the other files it depends on.
type Detail func(*report.Finding)

// WithFix attaches a fix: edits that resolve the finding. A fix without
// edits is no fix.
func WithFix(description string, edits ...report.Edit) Detail {
	return func(f *report.Finding) {
		if len(edits) == 0 {
			return
		}
		f.Fix = &report.Fix{Description: description, Edits: edits}
	}
}

// WithoutFix says why a finding of an auto-fixable rule has no fix here.
func WithoutFix(why string) Detail {
	return func(f *report.Finding) { f.NoFix = why }
}

// AtMost lowers a finding below its rule's severity: the same rule can
// report a defect and, in a milder shape, advice (a note: dead code, an
// empty value an action takes as "use the default"). The configured
// severity still applies when it is lower.
func AtMost(s rule.Severity) Detail {
	return func(f *report.Finding) { f.Severity = s }
}

// DependsOn names files (display paths; a path ending in "/" stands for
// everything below it) whose change can make or unmake the finding, for
// --new-from-rev. Its own file counts as a whole: any change there.
func DependsOn(paths ...string) Detail {
	return func(f *report.Finding) {
		for _, p := range paths {
			if p != "" && !slices.Contains(f.DependsOn, p) {
				f.DependsOn = append(f.DependsOn, p)
			}
		}
	}
}

// ReportWith records a finding about span of the file at a display path,
// with details.
func (p *Pass) ReportWith(ruleID, path string, span workspace.Span, msg string, details ...Detail) {
	f := report.Finding{
		Rule: ruleID, File: path, Line: span.Start.Line, Column: span.Start.Col,
		EndLine: span.End.Line, EndColumn: span.End.Col, Message: msg,
	}
	for _, d := range details {
		if d != nil {
			d(&f)
		}
	}
	p.add(f)
}
