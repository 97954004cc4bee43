package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/lint/fix"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// fixes applies (--fix) or shows (--diff) the safe fixes of a run's
// findings. After applying them it lints again, so the report and the
// exit code say what is left.
func (c *common) fixes(res *report.Result, l lintFlags, again func() (*report.Result, error), adopt *adoption) (*report.Result, error) {
	plan, err := fix.NewPlan(res.Findings, fix.Options{
		Read:    func(p string) ([]byte, error) { return os.ReadFile(absPath(p)) },
		Fixable: c.fixable,
	})
	if err != nil {
		return nil, err
	}
	if l.diff {
		out, closeOut, err := c.OpenOutput()
		if err != nil {
			return nil, err
		}
		werr := plan.Diff(out)
		if err := closeOut(); werr == nil {
			werr = err
		}
		return res, werr
	}
	for _, u := range plan.Unfixed {
		f := u.Finding
		c.note("no fix for %s:%d:%d [%s]: %s", report.Text(f.File), f.Line, f.Column, f.Rule, report.Text(u.Why))
	}
	if len(plan.Files) == 0 {
		c.note("nothing to fix")
		return res, nil
	}
	if err := plan.Write(absPath); err != nil {
		return nil, err
	}
	names := make([]string, len(plan.Files))
	for i, f := range plan.Files {
		names[i] = report.Text(f.Path)
	}
	c.note("fixed %s in %s", report.Plural(plan.Fixed(), "finding"), strings.Join(names, ", "))
	after, err := again()
	if err != nil {
		return nil, err
	}
	adopt.apply(after)
	return after, nil
}

// fixable reports whether a rule has automatic fixes.
func (c *common) fixable(id string) bool {
	r, ok := c.Rules.Get(id)
	return ok && r.AutoFix != ""
}

// recordBaseline writes the baseline of --baseline-write and reports the
// run as usual. The findings it recorded are accepted: the run exits 0
// unless something could not be checked.
func (c *common) recordBaseline(res *report.Result, l lintFlags, threshold rule.Severity) error {
	if err := writeBaseline(res, l.baselineWrite); err != nil {
		return undecided(err)
	}
	n := 0
	for _, f := range res.Findings {
		if !f.Suppressed {
			n++
		}
	}
	if err := c.writeLint(res, l.sarif, threshold); err != nil {
		return undecided(err)
	}
	c.note("recorded %s in %s; lint with --baseline %s (or lint.baseline in the configuration) hides them", report.Plural(n, "finding"), l.baselineWrite, l.baselineWrite)
	return withOutcome(report.Holds, nil)
}

// writeSARIF writes --sarif FILE, when asked for.
func (c *common) writeSARIF(res *report.Result, file string, threshold rule.Severity) error {
	if file == "" {
		return nil
	}
	opt := report.Options{Color: false, Quiet: c.Quiet, Rules: c.Rules, Tool: c.Build.Tool(), FailOn: threshold}
	if err := command.CreateFile(file, func(w io.Writer) error { return report.Write(w, "sarif", res, opt) }); err != nil {
		return fmt.Errorf("--sarif: %w", err)
	}
	return nil
}
