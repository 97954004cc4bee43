package lint

import (
	"fmt"
	"slices"

	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// A Diagnostic is what a check reports (Pass.Report): a finding as the
// check knows it. The engine makes it a report.Finding: it drops the
// rules that are off, sets the severity, completes the span and turns
// the paths into what users see.
type Diagnostic struct {
	Rule string
	// Path is the file the finding is about, as the workspace names it:
	// a workspace file's Path, or Workspace.Display of a file outside the
	// model (a Go source, the configuration).
	Path string
	// Span is what the finding is about. Without an End it spans the
	// token at Start (see workspace.File.TokenSpan).
	Span    workspace.Span
	Message string
	// Remedy is the finding's fix, or why it has none.
	Remedy
	// AtMost lowers the finding below its rule's severity: the same rule
	// can report a defect and, in a milder shape, advice (a note: dead
	// code, an empty value an action takes as "use the default"). The
	// configured severity still applies when it is lower. Zero: no cap.
	AtMost rule.Severity
	// DependsOn names other files (as Path does; a path ending in "/"
	// stands for everything below it) whose change can make or unmake the
	// finding, for --new-from-rev. Its own file counts as a whole: any
	// change there.
	DependsOn []string
}

// A Remedy is what only some checks know about a finding: a fix, or why
// an auto-fixable rule has none here. The zero Remedy says nothing.
type Remedy struct {
	Fix   *report.Fix
	NoFix string
}

// WithFix is a fix: edits that resolve the finding. A fix without edits
// is no fix.
func WithFix(description string, edits ...report.Edit) Remedy {
	if len(edits) == 0 {
		return Remedy{}
	}
	return Remedy{Fix: &report.Fix{Description: description, Edits: edits}}
}

// WithoutFix says why a finding of an auto-fixable rule has no fix here.
func WithoutFix(why string) Remedy { return Remedy{NoFix: why} }

// Report records a finding.
func (p *Pass) Report(d Diagnostic) {
	f := report.Finding{
		Rule: d.Rule, File: d.Path, Line: d.Span.Start.Line, Column: d.Span.Start.Col,
		EndLine: d.Span.End.Line, EndColumn: d.Span.End.Col, Message: d.Message,
		Severity: d.AtMost, Fix: d.Fix, NoFix: d.NoFix,
	}
	for _, dep := range d.DependsOn {
		if dep != "" && !slices.Contains(f.DependsOn, dep) {
			f.DependsOn = append(f.DependsOn, dep)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.findings = append(p.findings, f)
}

// Reportf records a finding about span of a workspace file, with a
// formatted message and nothing else to say.
func (p *Pass) Reportf(ruleID string, f *workspace.File, span workspace.Span, format string, args ...any) {
	p.Report(Diagnostic{Rule: ruleID, Path: f.Path, Span: span, Message: fmt.Sprintf(format, args...)})
}
