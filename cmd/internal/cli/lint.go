package cli

import (
	"cmp"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/checks/catalog"
	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// lintFlags are the flags only lint takes.
type lintFlags struct {
	disable, enableOnly []string
	sarif               string
	fix, diff           bool
	// adoption: see adopt.go
	baseline, baselineWrite      string
	newFromRev, newFromMergeBase string
}

func newLintCmd(c *common) *cobra.Command {
	var l lintFlags
	cmd := &cobra.Command{
		Use:   "lint [flags] [PATH ...]",
		Short: "Statically check workflows, actions, Markdown runbooks and Go release tools",
		Long: "lint scans GitHub Actions workflows (.github/workflows), action metadata (action.yml anywhere), " +
			"Markdown files and Go packages under each PATH (default \".\"), using git's file list inside a repository.",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(c, args, l)
		},
	}
	cmd.Flags().StringSliceVar(&l.disable, "disable", nil, "rules to turn off: `RULE[,RULE]` (or repeat the flag)")
	cmd.Flags().StringSliceVar(&l.enableOnly, "enable-only", nil, "run only these rules: `RULE[,RULE]`")
	cmd.Flags().StringVar(&l.sarif, "sarif", "", "also write SARIF to `FILE`, from the same run as --format")
	cmd.Flags().BoolVar(&l.fix, "fix", false, "apply safe fixes in place, then report what is left")
	cmd.Flags().BoolVar(&l.diff, "diff", false, "print the safe fixes as a unified diff, instead of the report (nothing is written; notes say why others have none)")
	cmd.Flags().StringVar(&l.baseline, "baseline", "", "hide the findings recorded in `FILE` (default: lint.baseline in the config)")
	cmd.Flags().StringVar(&l.baselineWrite, "baseline-write", "", "record every current finding in `FILE`, for --baseline")
	cmd.Flags().StringVar(&l.newFromRev, "new-from-rev", "", "report only findings on lines changed since git revision `REV`")
	cmd.Flags().StringVar(&l.newFromMergeBase, "new-from-merge-base", "", "report only findings on lines changed since the merge base of `REF` and HEAD")
	c.FormatFlag(cmd, report.LintFormats)
	c.completeRuleList(cmd, "disable", rule.Lint, rule.LintGo)
	c.completeRuleList(cmd, "enable-only", rule.Lint, rule.LintGo)
	return cmd
}

func runLint(c *common, paths []string, l lintFlags) error {
	if err := report.CheckFormat(c.Format, report.LintFormats); err != nil {
		return undecided(err)
	}
	if err := checkAdoptionFlags(l); err != nil {
		return undecided(err)
	}
	threshold, err := c.Threshold()
	if err != nil {
		return undecided(err)
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cfg, err := c.LoadConfig(paths[0])
	if err != nil {
		return undecided(err)
	}
	opts := lintOptions(c, cfg, paths, l)
	res, err := lint.Run(opts)
	if err != nil {
		return undecided(err)
	}
	if l.baselineWrite != "" {
		return c.recordBaseline(res, l, threshold)
	}
	if l.fix || l.diff {
		if res, err = c.fixes(res, l, opts); err != nil {
			return undecided(err)
		}
		if l.diff {
			if err := c.writeSARIF(res, l.sarif, threshold); err != nil {
				return undecided(err)
			}
			return withOutcome(res.Outcome(threshold), nil)
		}
	}
	if err := c.writeLint(res, l.sarif, threshold); err != nil {
		return undecided(err)
	}
	return withOutcome(res.Outcome(threshold), nil)
}

// lintOptions are the options of lint.Run that the flags and the
// configuration ask for. The baseline is --baseline, or lint.baseline in
// the configuration, except when --baseline-write records a new one.
func lintOptions(c *common, cfg *config.Config, paths []string, l lintFlags) lint.Options {
	opts := lint.Options{
		Load: workspace.Options{Paths: paths}, Config: cfg, Checks: catalog.Checks(), Rules: c.Rules,
		Disable: l.disable, EnableOnly: l.enableOnly,
		NewFrom: cmp.Or(l.newFromRev, l.newFromMergeBase), NewFromMergeBase: l.newFromMergeBase != "",
	}
	switch {
	case l.baselineWrite != "": // records every finding: none hidden
	case l.baseline != "":
		opts.Baseline, opts.BaselineSetting = l.baseline, "--baseline"
	case cfg.Lint.Baseline != "":
		opts.Baseline, opts.BaselineSetting = cfg.BaselinePath(), "lint.baseline"
	}
	return opts
}

// writeLint writes one run's result everywhere it was asked for: --format
// to --output, SARIF to --sarif, and with --format github inside Actions a
// table of every finding to $GITHUB_STEP_SUMMARY (GitHub shows only ten
// annotations of each level per step).
func (c *common) writeLint(res *report.Result, sarif string, threshold rule.Severity) error {
	opt := report.Options{Color: c.Color(), Quiet: c.Quiet, Rules: c.Rules, Tool: c.Build.Tool(), FailOn: threshold}
	out, closeOut, err := c.OpenOutput()
	if err != nil {
		return err
	}
	werr := report.Write(out, c.Format, res, opt)
	if err := closeOut(); werr == nil {
		werr = err
	}
	if werr != nil {
		return werr
	}
	if err := c.writeSARIF(res, sarif, threshold); err != nil {
		return err
	}
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" && c.Format == "github" {
		if err := command.AppendFile(p, func(w io.Writer) error { return report.WriteStepSummary(w, res, opt) }); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	return nil
}
