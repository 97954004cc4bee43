package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/lint/changes"
	"github.com/releasegate/releasegate/report"
)

// adoption is how a repository with old findings makes lint a required
// check: a baseline of findings to hide, and/or only the findings on lines
// changed since a revision.
type adoption struct {
	baseline     *report.Baseline
	baselineName string // as the user named it, for messages
	baselineDir  string // baseline paths are relative to it
	changes      *changes.Set
	ref          string // what the user named for the change set
	config       string // the configuration file, absolute ("" for none)
}

// newAdoption reads the baseline (--baseline, or lint.baseline in the
// configuration) and asks git what changed (--new-from-rev,
// --new-from-merge-base). Anything it cannot read is an error: a check
// must never pass because its baseline went missing.
func newAdoption(l lintFlags, cfg *config.Config, paths []string) (*adoption, error) {
	a := &adoption{}
	if cfg.Path != "" {
		a.config = absPath(cfg.Path)
	}
	file := l.baseline
	if file == "" && cfg.Lint.Baseline != "" {
		file = cfg.BaselinePath()
	}
	if file != "" && l.baselineWrite == "" {
		if err := a.readBaseline(file, l.baseline != ""); err != nil {
			return nil, err
		}
	}
	var err error
	dir := scanDir(paths)
	switch {
	case l.newFromRev != "":
		a.ref = l.newFromRev
		a.changes, err = changes.Since(dir, l.newFromRev)
		err = wrapFlag("--new-from-rev", err)
	case l.newFromMergeBase != "":
		a.ref = l.newFromMergeBase
		a.changes, err = changes.SinceMergeBase(dir, l.newFromMergeBase)
		err = wrapFlag("--new-from-merge-base", err)
	}
	return a, err
}

func wrapFlag(flag string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	return nil
}

// readBaseline reads a baseline file: a regular file inside its
// repository (a baseline named in a checkout's configuration is as
// untrusted as the rest of it), at most 16 MiB.
func (a *adoption) readBaseline(file string, fromFlag bool) error {
	what := "lint.baseline"
	if fromFlag {
		what = "--baseline"
	}
	root, err := config.RepositoryRoot(file)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	r, err := inputfile.NewRoot(root)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	data, err := r.ReadFile(file, 0)
	if err != nil {
		var ie *inputfile.Error
		if errors.As(err, &ie) && errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: %s does not exist; record one with releasegate lint --baseline-write %s", what, displayPath(file), displayPath(file))
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	b, err := report.ReadBaseline(bytes.NewReader(data), displayPath(file))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	a.baseline, a.baselineName, a.baselineDir = &b, displayPath(file), filepath.Dir(absPath(file))
	return nil
}

// apply hides the findings that are not new.
func (a *adoption) apply(res *report.Result) {
	if a.changes != nil {
		a.changes.Filter(res, absPath, a.config, a.ref)
	}
	if a.baseline != nil {
		a.baseline.Apply(res, a.baselineName, relTo(a.baselineDir))
	}
}

// writeBaseline records every unsuppressed finding of res in file. A run
// that could not check everything records nothing: its baseline would
// miss the findings of what it could not read.
func writeBaseline(res *report.Result, file string) error {
	if len(res.Errors) > 0 {
		return fmt.Errorf("--baseline-write: not written: %s could not be checked, and a baseline must cover the whole repository", report.Plural(len(res.Errors), "input"))
	}
	b := report.NewBaseline(res.Findings, relTo(filepath.Dir(absPath(file))))
	if err := command.CreateFile(file, b.Write); err != nil {
		return fmt.Errorf("--baseline-write: %w", err)
	}
	return nil
}

// relTo renders display paths relative to dir, slash-separated.
func relTo(dir string) func(string) string {
	return func(p string) string {
		if r, err := filepath.Rel(dir, absPath(p)); err == nil {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(p)
	}
}

// absPath turns a display path (relative to the working directory) into
// an absolute one.
func absPath(p string) string {
	if a, err := filepath.Abs(filepath.FromSlash(p)); err == nil {
		return a
	}
	return p
}

// scanDir is the directory of the first PATH: the repository git is
// asked about.
func scanDir(paths []string) string {
	p := absPath(paths[0])
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return filepath.Dir(p)
	}
	return p
}

// checkAdoptionFlags refuses combinations that have no sensible meaning.
func checkAdoptionFlags(l lintFlags) error {
	switch {
	case l.fix && l.diff:
		return errors.New("--fix and --diff: choose one (--diff shows what --fix would write)")
	case l.newFromRev != "" && l.newFromMergeBase != "":
		return errors.New("--new-from-rev and --new-from-merge-base: choose one")
	case l.baselineWrite != "" && (l.fix || l.diff || l.newFromRev != "" || l.newFromMergeBase != "" || l.baseline != ""):
		return errors.New("--baseline-write records every current finding: it takes none of --baseline, --fix, --diff, --new-from-rev, --new-from-merge-base")
	}
	return nil
}

// note writes one line to stderr, for what --fix and --baseline-write did.
func (c *common) note(format string, args ...any) {
	if c.Quiet {
		return
	}
	fmt.Fprintf(c.Stderr, "releasegate: "+format+"\n", args...)
}
