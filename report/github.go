package report

import "github.com/releasegate/releasegate/rule"

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
