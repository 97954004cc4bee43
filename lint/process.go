package lint

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// After the checks, a run's findings go through processors, in the order
// of run.processors, as golangci-lint's results go through its result
// processors: the steps that decide what the user sees are here, in one
// list, rather than in each check or in the command line.
type processor func(*report.Result)

// run is what the processors know of a run.
type run struct {
	ws         *workspace.Workspace
	cfg        *config.Config
	sel        *selection
	cwd        string             // what display paths are relative to
	paths      []string           // the paths scanned, as given
	exclusions *config.Exclusions // nil when the workspace was given, not loaded
	adoption   *adoption
	// lines holds the first line of each finding, by file and number,
	// read by readSources for fingerprint: files are read once.
	lines map[string]map[int]string
}

// processors are the steps, in order. There is one sort; fingerprints
// need its order (repeats of a line count in it), and the steps after it
// only leave findings out, so its order is the report's.
func (r *run) processors() []processor {
	return []processor{
		r.selectRules,
		r.locate,
		r.readSources,
		r.warnUnmatched,
		(*report.Result).Sort,
		r.fingerprint,
		r.keepNew,
		r.applyBaseline,
	}
}

// selectRules drops the findings of rules turned off (--disable,
// --enable-only, the configuration) and gives the others their severity:
// the configured one, or the finding's cap (Diagnostic.AtMost) when that
// is lower.
func (r *run) selectRules(res *report.Result) {
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if !r.sel.enabled(f.Rule) {
			continue
		}
		if sev := r.sel.severity(f.Rule); f.Severity.Rank() == 0 || f.Severity.Rank() > sev.Rank() {
			f.Severity = sev
		}
		kept = append(kept, f)
	}
	res.Findings = kept
}

// locate gives each finding, and each edit of its fix, the absolute path
// of its file, from the display path the check named it by.
func (r *run) locate(res *report.Result) {
	for i := range res.Findings {
		f := &res.Findings[i]
		f.Abs = r.ws.Resolve(f.File)
		if f.Fix == nil {
			continue
		}
		for j := range f.Fix.Edits {
			if e := &f.Fix.Edits[j]; e.Abs == "" {
				e.Abs = r.ws.Resolve(e.File)
			}
		}
	}
}

// readSources finishes the findings with what their files' text tells:
// the span of findings reported at a position, and inline suppressions;
// it keeps each finding's line for fingerprint. It reads each file with
// findings once and lets go of it before the next: a workflow the
// workspace released is read again, so memory does not grow with the
// number of files that have findings.
func (r *run) readSources(res *report.Result) {
	src := newSourceCache(r.ws)
	byFile := map[string][]int{}
	for i, f := range res.Findings {
		byFile[f.File] = append(byFile[f.File], i)
	}
	r.lines = make(map[string]map[int]string, len(byFile))
	for path, idx := range byFile {
		file := src.file(path)
		lines := map[int]string{}
		for _, i := range idx {
			f := &res.Findings[i]
			completeSpan(f, file)
			applySuppression(f, file, src.markdown[path])
			lines[f.Line] = lineOf(file, f.Line)
		}
		r.lines[path] = lines
	}
}

// warnUnmatched warns about exclude patterns that matched no file, when
// the run loaded the files itself and scanned the whole directory the
// configuration governs (a run over one subdirectory cannot tell).
func (r *run) warnUnmatched(res *report.Result) {
	if r.exclusions == nil || r.cfg.Path == "" || !r.scansDir(r.cfg.Dir) {
		return
	}
	for _, p := range r.exclusions.Unmatched() {
		res.Warnings = append(res.Warnings, report.InputError{
			File: r.ws.Display(r.cfg.Path), Line: p.Pos.Line, Column: p.Pos.Col,
			Message: fmt.Sprintf("exclude: %q matches no file (patterns are relative to the configuration's directory; ** matches any number of directories)", p.Glob),
		})
	}
}

// scansDir reports whether one of the scanned paths is dir or above it.
func (r *run) scansDir(dir string) bool {
	for _, p := range scanPaths(r.paths) {
		if rel, err := filepath.Rel(absIn(r.cwd, p), dir); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// fingerprint sets each finding's fingerprint from its rule, file and the
// text of its line (see report.Fingerprint), in the sorted order.
func (r *run) fingerprint(res *report.Result) {
	report.Fingerprint(res.Findings, func(file string, n int) string { return r.lines[file][n] })
}

// scanPaths are the paths a run scans: "." when none are given.
func scanPaths(paths []string) []string {
	if len(paths) == 0 {
		return []string{"."}
	}
	return paths
}

// absIn makes a path absolute, relative to dir.
func absIn(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}
