package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

func newRulesCmd(c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every rule id with its half, default severity and summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := report.CheckFormat(c.Format, []string{"text", "json"}); err != nil {
				return undecided(err)
			}
			if c.Format == "json" {
				return writeRulesJSON(c)
			}
			tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tHALF\tSEVERITY\tSUMMARY")
			for _, r := range c.Rules.All() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Half, r.Severity, r.Summary)
			}
			return tw.Flush()
		},
	}
	c.FormatFlag(cmd, []string{"text", "json"})
	return cmd
}

func writeRulesJSON(c *common) error {
	type row struct {
		ID       string        `json:"id"`
		Half     rule.Half     `json:"half"`
		Severity rule.Severity `json:"severity"`
		Summary  string        `json:"summary"`
		Fixable  bool          `json:"fixable"`
	}
	var rows []row
	for _, r := range c.Rules.All() {
		rows = append(rows, row{r.ID, r.Half, r.Severity, r.Summary, r.AutoFix != ""})
	}
	enc := json.NewEncoder(c.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

func newExplainCmd(c *common) *cobra.Command {
	return &cobra.Command{
		Use:               "explain RULE",
		Short:             "Explain a rule: why it matters, a bad and a good example, how to fix it",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: c.completeRuleArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := c.Rules.Check(args[0]); err != nil {
				return undecided(err)
			}
			r, _ := c.Rules.Get(args[0])
			_, err := fmt.Fprint(c.Stdout, explainText(r))
			return err
		},
	}
}

func explainText(r rule.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, default severity %s)\n\n%s\n", r.ID, r.Half, r.Severity, r.Summary)
	section := func(title, body string, code bool) {
		if body == "" {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
			if code {
				fmt.Fprintf(&b, "    %s\n", l)
			} else {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
	}
	section("Why it matters:", r.Why, false)
	section("Reported:", r.Bad, true)
	section("Not reported:", r.Good, true)
	section("How to fix:", r.Fix, false)
	if r.AutoFix != "" {
		section("Automatic fix (lint --fix, or --diff to preview):", r.AutoFix, false)
	} else {
		section("Automatic fix:", "none: lint --fix leaves this rule's findings to you.", false)
	}
	return b.String()
}

func newVersionCmd(c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if c.Format == "json" {
				return writeVersionJSON(c)
			}
			_, err := fmt.Fprint(c.Stdout, c.Build.String())
			return err
		},
	}
	c.FormatFlag(cmd, []string{"text", "json"})
	return cmd
}

func writeVersionJSON(c *common) error {
	b := c.Build
	enc := json.NewEncoder(c.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		report.Tool
		Modified  bool   `json:"modified"`
		Date      string `json:"date,omitempty"`
		GoVersion string `json:"go"`
		Platform  string `json:"platform"`
	}{Tool: b.Tool(), Modified: b.Modified, Date: b.Date, GoVersion: b.GoVersion, Platform: b.Platform})
}
