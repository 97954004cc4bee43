package lint

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/lint/changes"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// adoption is how a repository with old findings makes lint a required
// check: a baseline of findings to hide (Options.Baseline), and/or only
// the findings on lines changed since a revision (Options.NewFrom).
type adoption struct {
	baseline     *report.Baseline
	baselineName string // as findings show paths, for the outcome
	baselineDir  string // baseline paths are relative to it
	changes      *changes.Set
	ref          string // what the user named for the change set
	config       string // the configuration file, absolute ("" for none)
}

// newAdoption reads the baseline and asks git what changed. Anything it
// cannot read is an error: a check must never pass because its baseline
// went missing.
func newAdoption(opts Options) (*adoption, error) {
	a, cwd := &adoption{}, opts.Load.WorkingDir
	if opts.Config.Path != "" {
		a.config = absIn(cwd, opts.Config.Path)
	}
	if opts.Baseline != "" {
		if err := a.readBaseline(opts.Baseline, opts.BaselineSetting, cwd); err != nil {
			return nil, err
		}
	}
	if opts.NewFrom == "" {
		return a, nil
	}
	dir := scanDir(scanPaths(opts.Load.Paths)[0], cwd)
	var err error
	a.ref = opts.NewFrom
	if opts.NewFromMergeBase {
		a.changes, err = changes.SinceMergeBase(dir, opts.NewFrom)
		return a, wrapSetting("--new-from-merge-base", err)
	}
	a.changes, err = changes.Since(dir, opts.NewFrom)
	return a, wrapSetting("--new-from-rev", err)
}

func wrapSetting(name string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readBaseline reads a baseline file: a regular file inside its
// repository (a baseline named in a checkout's configuration is as
// untrusted as the rest of it), at most 16 MiB. setting names where the
// file was set, for errors.
func (a *adoption) readBaseline(file, setting, cwd string) error {
	root, err := config.RepositoryRoot(file)
	if err != nil {
		return fmt.Errorf("%s: %w", setting, err)
	}
	r, err := inputfile.NewRoot(root)
	if err != nil {
		return fmt.Errorf("%s: %w", setting, err)
	}
	abs := absIn(cwd, file)
	name := workspace.DisplayPath(abs, cwd)
	data, err := r.ReadFile(file, 0)
	if err != nil {
		var ie *inputfile.Error
		if errors.As(err, &ie) && errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: %s does not exist; record one with releasegate lint --baseline-write %s", setting, name, name)
		}
		return fmt.Errorf("%s: %w", setting, err)
	}
	b, err := report.ReadBaseline(bytes.NewReader(data), name)
	if err != nil {
		return fmt.Errorf("%s: %w", setting, err)
	}
	a.baseline, a.baselineName, a.baselineDir = &b, name, filepath.Dir(abs)
	return nil
}

// scanDir is the directory of the first path scanned: the repository git
// is asked about.
func scanDir(path, cwd string) string {
	p := absIn(cwd, path)
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return filepath.Dir(p)
	}
	return p
}

// keepNew leaves out the findings that are not new since Options.NewFrom
// and records what it did in res.NewFrom. A finding is new when a line of
// its span changed, or a file it depends on; when the configuration
// changed, every finding is.
func (r *run) keepNew(res *report.Result) {
	s := r.adoption.changes
	if s == nil {
		return
	}
	out := &report.NewFromOutcome{Rev: s.Rev, Ref: r.adoption.ref}
	res.NewFrom = out
	if c := r.adoption.config; c != "" && s.Changed(c) {
		return
	}
	var files []string
	for _, f := range res.Findings {
		files = append(files, f.Abs)
		for _, d := range f.DependsOn {
			if !strings.HasSuffix(d, "/") {
				files = append(files, r.ws.Resolve(d))
			}
		}
	}
	s.Compare(files)
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if r.isNew(s, f) {
			kept = append(kept, f)
			continue
		}
		out.Hidden++
	}
	res.Findings = kept
}

func (r *run) isNew(s *changes.Set, f report.Finding) bool {
	if s.Lines(f.Abs, f.Line, max(f.Line, f.EndLine)) {
		return true
	}
	for _, d := range f.DependsOn {
		p := r.ws.Resolve(d)
		if strings.HasSuffix(d, "/") {
			p += "/"
		}
		if s.Changed(p) {
			return true
		}
	}
	return false
}

// applyBaseline hides the findings the baseline records (see
// report.Baseline.Apply).
func (r *run) applyBaseline(res *report.Result) {
	if a := r.adoption; a.baseline != nil {
		a.baseline.Apply(res, a.baselineName, report.RelTo(a.baselineDir))
	}
}
