package report

import (
	"strings"

	"github.com/releasegate/releasegate/rule"
)

// GitHubLevel is the workflow-command level for a severity.
func GitHubLevel(s rule.Severity) string {
	switch s {
	case rule.Error:
		return "error"
	case rule.Warning:
		return "warning"
	}
	return "notice"
}

// EscapeData and EscapeProperty follow the workflow-command escaping
// rules: data escapes %, CR and LF; properties also escape : and ,.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a workflow-command property value.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// MarkdownCell makes s safe inside a Markdown table cell (step summaries).
func MarkdownCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
