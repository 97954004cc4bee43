package gate

// The cleanup report in every format: text, JSON, GitHub annotations,
// the step summary table and $GITHUB_OUTPUT. Every string from a registry
// or the ledger is escaped for the format it lands in.

import (
	"fmt"
	"io"
	"strings"

	"github.com/releasegate/releasegate/registry/tagdelete"
	"github.com/releasegate/releasegate/report"
)

// WriteCleanup writes the cleanup result in format (text, json, github).
func WriteCleanup(w io.Writer, format string, res *CleanupResult, opt WriteOptions) error {
	switch format {
	case "json":
		return report.WriteJSON(w, res)
	case "github":
		return writeCleanupGitHub(w, res)
	}
	return writeCleanupText(w, res, opt)
}

func writeCleanupText(w io.Writer, res *CleanupResult, opt WriteOptions) error {
	if opt.Quiet && res.Decision == Pass && len(res.Warnings()) == 0 {
		return nil
	}
	p := report.NewPainter(opt.Color)
	var b strings.Builder
	mode := "plan (nothing is deleted without --apply)"
	if res.Applied {
		mode = "applied"
	}
	fmt.Fprintf(&b, "releasegate gate cleanup %s: %s; tags from %s\n\n", report.Text(res.Release), mode, report.Text(res.Source))
	for _, it := range res.Items {
		digest := it.Digest
		if digest == "" {
			digest = it.Recorded
		}
		fmt.Fprintf(&b, "  %-13s %s %s\n", paintOutcome(p, it.Outcome), report.Text(it.Ref), Short(digest))
		fmt.Fprintf(&b, "                %s\n", p.Dim(report.Text(it.Why+": "+strings.Join(it.Reasons, "; "))))
		if it.Message != "" {
			fmt.Fprintf(&b, "                %s\n", report.Text(it.Message))
		}
		if it.Manual != "" {
			fmt.Fprintf(&b, "                manual step: %s\n", report.Text(it.Manual))
		}
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "\n%s: %s", p.Alarm("could not decide"), report.Text(e))
	}
	fmt.Fprintf(&b, "\n%s\n", cleanupSummary(res))
	if res.Finish != "" {
		fmt.Fprintf(&b, "to finish: %s\n", report.Text(res.Finish))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func paintOutcome(p report.Painter, o string) string {
	s := fmt.Sprintf("%-13s", o)
	switch o {
	case string(tagdelete.Deleted), string(tagdelete.Gone), Absent:
		return p.OK(s)
	case Planned:
		return p.Caution(s)
	case string(tagdelete.Failed), NotAttempted, string(tagdelete.Refused):
		return p.Red(s)
	}
	return s
}

func cleanupSummary(res *CleanupResult) string {
	c := res.Counts
	return fmt.Sprintf("decision: %s (%d deleted, %d kept, %d refused, %d failed, %d remaining); requests: %s",
		res.Decision, c.Deleted, c.Kept, c.Refused, c.Failed, c.Remaining, res.Requests)
}

// writeCleanupGitHub annotates the run: a warning per tag a person must
// look at (moved, shared, refused: with the digest and the manual step),
// an error per tag that remains, a notice with the summary.
func writeCleanupGitHub(w io.Writer, res *CleanupResult) error {
	var b strings.Builder
	for _, it := range res.Items {
		level := ""
		switch it.Outcome {
		case string(tagdelete.Moved), string(tagdelete.Shared), string(tagdelete.Refused):
			level = "warning"
		case string(tagdelete.Failed), NotAttempted, Planned:
			level = "error"
			if !res.Applied {
				level = "notice"
			}
		}
		if level == "" {
			continue
		}
		msg := fmt.Sprintf("%s (%s): %s", it.Ref, it.Digest, it.Outcome)
		if it.Message != "" {
			msg += ": " + it.Message
		}
		if it.Manual != "" {
			msg += "; manual step: " + it.Manual
		}
		fmt.Fprintf(&b, "::%s title=%s::%s\n", level, report.EscapeProperty("releasegate cleanup "+it.Outcome), report.EscapeData(msg))
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "::error title=releasegate cleanup::%s\n", report.EscapeData(e))
	}
	summary := cleanupSummary(res)
	if res.Finish != "" {
		summary += "; to finish: " + res.Finish
	}
	fmt.Fprintf(&b, "::notice title=releasegate gate cleanup::%s\n", report.EscapeData(summary))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCleanupStepSummary appends the Markdown table of deleted, kept
// and failed tags for $GITHUB_STEP_SUMMARY.
func WriteCleanupStepSummary(w io.Writer, res *CleanupResult) error {
	var b strings.Builder
	icon := map[string]string{Pass: "✅", Fail: "❌", Error: "⚠️"}[res.Decision]
	mode := "plan"
	if res.Applied {
		mode = "applied"
	}
	fmt.Fprintf(&b, "### releasegate gate cleanup %s (%s): %s %s\n\n", report.MarkdownCell(res.Release), mode, icon, res.Decision)
	b.WriteString("| tag | digest | outcome | why | manual step |\n| --- | --- | --- | --- | --- |\n")
	for _, it := range res.Items {
		digest := ""
		if it.Digest != "" {
			digest = "`" + Short(it.Digest) + "`"
		}
		why := it.Why
		if it.Message != "" {
			why += ": " + it.Message
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", report.MarkdownCell(it.Ref), digest, it.Outcome, report.MarkdownCell(why), report.MarkdownCell(it.Manual))
	}
	fmt.Fprintf(&b, "\n%s\n", report.MarkdownCell(cleanupSummary(res)))
	if res.Finish != "" {
		fmt.Fprintf(&b, "\nTo finish: `%s`\n", strings.ReplaceAll(res.Finish, "`", "'"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCleanupOutputs appends decision=, deleted=, remaining= and
// refused= for $GITHUB_OUTPUT.
func WriteCleanupOutputs(w io.Writer, res *CleanupResult) error {
	c := res.Counts
	_, err := fmt.Fprintf(w, "decision=%s\ndeleted=%d\nremaining=%d\nrefused=%d\n", res.Decision, c.Deleted, c.Remaining, c.Refused)
	return err
}
