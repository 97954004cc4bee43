package cli

import (
	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

func newLintCmd(c *common) *cobra.Command {
	var disable, enableOnly []string
	cmd := &cobra.Command{
		Use:   "lint [flags] [PATH ...]",
		Short: "Statically check workflows, actions, Markdown runbooks and Go release tools",
		Long: "lint scans GitHub Actions workflows (.github/workflows), action metadata (action.yml anywhere), " +
			"Markdown files and Go packages under each PATH (default \".\"), using git's file list inside a repository.",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(c, args, disable, enableOnly)
		},
	}
	cmd.Flags().StringSliceVar(&disable, "disable", nil, "rules to turn off (comma-separated or repeated)")
	cmd.Flags().StringSliceVar(&enableOnly, "enable-only", nil, "run only these rules")
	return cmd
}

func runLint(c *common, paths, disable, enableOnly []string) error {
	if err := report.CheckFormat(c.format, report.LintFormats); err != nil {
		return undecided(err)
	}
	threshold, err := c.threshold()
	if err != nil {
		return undecided(err)
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cfg, err := c.loadConfig(paths[0])
	if err != nil {
		return undecided(err)
	}
	res, err := lint.Run(lint.Options{
		Load: workspace.Options{Paths: paths, Exclude: cfg.Excluded}, Config: cfg, Checks: Checks(), Rules: c.rules,
		Disable: disable, EnableOnly: enableOnly,
	})
	if err != nil {
		return undecided(err)
	}
	out, closeOut, err := c.openOutput()
	if err != nil {
		return undecided(err)
	}
	werr := report.Write(out, c.format, res, report.Options{
		Color: c.color(), Quiet: c.quiet, Rules: c.rules, Version: Version, FailOn: threshold,
	})
	if err := closeOut(); werr == nil {
		werr = err
	}
	if werr != nil {
		return undecided(werr)
	}
	return withOutcome(res.Outcome(threshold), nil)
}
