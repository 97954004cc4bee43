package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
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
	cmd.Flags().StringSliceVar(&disable, "disable", nil, "rules to turn off: `RULE[,RULE]` (or repeat the flag)")
	cmd.Flags().StringSliceVar(&enableOnly, "enable-only", nil, "run only these rules: `RULE[,RULE]`")
	c.formatFlag(cmd, report.LintFormats)
	c.completeRuleList(cmd, "disable", rule.Lint, rule.LintGo)
	c.completeRuleList(cmd, "enable-only", rule.Lint, rule.LintGo)
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
	exclusions := cfg.NewExclusions()
	res, err := lint.Run(lint.Options{
		Load: workspace.Options{Paths: paths, Exclude: exclusions.Excluded}, Config: cfg, Checks: Checks(), Rules: c.rules,
		Disable: disable, EnableOnly: enableOnly,
	})
	if err != nil {
		return undecided(err)
	}
	warnUnmatched(res, cfg, exclusions, paths)
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

// warnUnmatched warns about exclude patterns that matched no file, when
// the run scanned the whole directory the configuration governs (a run
// over one subdirectory cannot tell).
func warnUnmatched(res *report.Result, cfg *config.Config, ex *config.Exclusions, paths []string) {
	if cfg.Path == "" || !scansDir(paths, cfg.Dir) {
		return
	}
	for _, p := range ex.Unmatched() {
		res.Warnings = append(res.Warnings, report.InputError{
			File: displayPath(cfg.Path), Line: p.Pos.Line, Column: p.Pos.Col,
			Message: fmt.Sprintf("exclude: %q matches no file (patterns are relative to the configuration's directory; ** matches any number of directories)", p.Glob),
		})
	}
	res.Sort()
}

// scansDir reports whether one of the scanned paths is dir or above it.
func scansDir(paths []string, dir string) bool {
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(abs, dir); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// displayPath renders a path the way findings show paths: relative to the
// working directory when inside it.
func displayPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(abs)
}
