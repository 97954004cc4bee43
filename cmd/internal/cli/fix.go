package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/fix"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// fixes applies (--fix) or shows (--diff) the safe fixes of a run's
// findings. After applying them it runs lint again with the same options,
// so the report and the exit code say what is left.
func (c *common) fixes(res *report.Result, l lintFlags, opts lint.Options) (*report.Result, error) {
	files := editedFiles(res.Findings)
	plan, err := fix.NewPlan(res.Findings, fix.Options{
		Read:    func(p string) ([]byte, error) { return os.ReadFile(files[p]) },
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
	if err := plan.Write(func(p string) string { return files[p] }); err != nil {
		return nil, err
	}
	names := make([]string, len(plan.Files))
	for i, f := range plan.Files {
		names[i] = report.Text(f.Path)
	}
	c.note("fixed %s in %s", report.Plural(plan.Fixed(), "finding"), strings.Join(names, ", "))
	return lint.Run(opts)
}

// editedFiles maps the display path of each file the findings' fixes
// edit to its absolute path.
func editedFiles(findings []report.Finding) map[string]string {
	files := map[string]string{}
	for _, f := range findings {
		if f.Fix == nil {
			continue
		}
		for _, e := range f.Fix.Edits {
			files[e.File] = e.Abs
		}
	}
	return files
}

// fixable reports whether a rule has automatic fixes.
func (c *common) fixable(id string) bool {
	r, ok := c.Rules.Get(id)
	return ok && r.AutoFix != ""
}

// writeBaseline records every unsuppressed finding of res in file. A run
// that could not check everything records nothing: its baseline would
// miss the findings of what it could not read.
func writeBaseline(res *report.Result, file string) error {
	if len(res.Errors) > 0 {
		return fmt.Errorf("--baseline-write: not written: %s could not be checked, and a baseline must cover the whole repository", report.Plural(len(res.Errors), "input"))
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("--baseline-write: %w", err)
	}
	b := report.NewBaseline(res.Findings, report.RelTo(filepath.Dir(abs)))
	if err := command.CreateFile(file, b.Write); err != nil {
		return fmt.Errorf("--baseline-write: %w", err)
	}
	return nil
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
