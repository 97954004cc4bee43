package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/releasegate/releasegate/rule"
)

// summaryBudget bounds the Markdown written for $GITHUB_STEP_SUMMARY:
// GitHub refuses a step's summary above 1 MiB, and then shows none of it.
const summaryBudget = 900 << 10

// WriteStepSummary writes a lint result as Markdown for
// $GITHUB_STEP_SUMMARY: the summary line and a table of every finding and
// every input that could not be checked. GitHub shows at most ten
// annotations of each level per step, so this table is where the rest
// are read.
func WriteStepSummary(w io.Writer, res *Result, opt Options) error {
	var b strings.Builder
	b.WriteString("### releasegate lint\n\n")
	b.WriteString(MarkdownCell(summary(res)) + "\n\n")
	rows := stepSummaryRows(res)
	if len(rows) > 0 {
		b.WriteString("| severity | rule | where | message |\n| --- | --- | --- | --- |\n")
	}
	for i, row := range rows {
		if b.Len()+len(row) > summaryBudget {
			fmt.Fprintf(&b, "\n%d more not shown: a step summary is limited to 1 MiB; the SARIF report and the job log have all of them.\n", len(rows)-i)
			break
		}
		b.WriteString(row)
	}
	if opt.Tool.Version != "" {
		fmt.Fprintf(&b, "\n<sub>%s</sub>\n", MarkdownCell(toolLine(opt.Tool)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func stepSummaryRows(res *Result) []string {
	var rows []string
	row := func(what, ruleID, file string, line, col int, msg string) {
		where := strings.TrimSuffix(Position(file, line, col), ": ")
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |\n", what, MarkdownCode(ruleID), MarkdownCode(where), MarkdownCell(msg)))
	}
	for _, f := range res.Findings {
		if !f.Suppressed {
			row(severityMark(f.Severity), f.Rule, f.File, f.Line, f.Column, f.Message)
		}
	}
	for _, e := range res.Errors {
		row("⛔ could not check", "", e.File, e.Line, e.Column, e.Message)
	}
	for _, e := range res.Warnings {
		row("◐ checked in part", "", e.File, e.Line, e.Column, e.Message)
	}
	return rows
}

func severityMark(s rule.Severity) string {
	switch s {
	case rule.Error:
		return "❌ error"
	case rule.Warning:
		return "⚠️ warning"
	}
	return "ℹ️ " + string(s)
}

// toolLine names the tool in one line: "releasegate 1.2.3 (abc1234)".
func toolLine(t Tool) string {
	s := t.Name + " " + t.Version
	if t.Commit != "" {
		s += " (" + t.Commit + ")"
	}
	return s
}
