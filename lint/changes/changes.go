// Package changes tells which lines of a repository changed since a
// revision, according to git, so that `lint --new-from-rev` (and
// --new-from-merge-base) can report only the findings a change brought
// in: a repository with old findings can make releasegate a required
// check today and work the old ones off later.
//
// A finding is new when a line of its span changed (or its file is new),
// when a file it depends on changed (findings name those: a required
// consumer in another file, a parity source, a link target), or when the
// configuration changed, which can turn any rule on or any file back in.
// A finding caused by a change elsewhere in its own file, on lines that
// did not change (a continue-on-error removed from the step a handler
// tests), is not new by this measure, as with golangci-lint; a baseline
// does not have that blind spot.
package changes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// Set is what changed in the working tree of a repository since a commit.
type Set struct {
	Root string // the repository's top level
	Rev  string // the commit compared with

	lines   map[string][]lineRange // repository-relative path -> changed lines of the current file
	changed map[string]bool        // every path added, modified, deleted or untracked
}

type lineRange struct{ from, to int } // inclusive

// Since compares the working tree of the repository holding dir (tracked
// files, staged or not, and untracked files that are not ignored) with
// rev.
func Since(dir, rev string) (*Set, error) {
	root, err := topLevel(dir)
	if err != nil {
		return nil, err
	}
	sha, err := git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("%q is not a commit of the repository at %s", rev, root)
	}
	s := &Set{Root: root, Rev: strings.TrimSpace(sha), lines: map[string][]lineRange{}, changed: map[string]bool{}}
	if err := s.read(); err != nil {
		return nil, err
	}
	return s, nil
}

// SinceMergeBase compares with the best common ancestor of ref and HEAD:
// the commit a pull request branched from (or, on a merge commit that
// GitHub checked out for a pull request, the base branch's head).
func SinceMergeBase(dir, ref string) (*Set, error) {
	root, err := topLevel(dir)
	if err != nil {
		return nil, err
	}
	if _, err := git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%q is not a commit or branch of the repository at %s (fetch it first: a shallow clone has only HEAD)", ref, root)
	}
	base, err := git(root, "merge-base", "--end-of-options", ref, "HEAD")
	if err != nil {
		return nil, fmt.Errorf("%s and HEAD have no common ancestor in the repository at %s (a shallow clone? fetch with fetch-depth: 0)", ref, root)
	}
	return Since(root, strings.TrimSpace(base))
}

func topLevel(dir string) (string, error) {
	out, err := git(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("%s is not inside a git repository: --new-from-rev needs one", dir)
	}
	return strings.TrimSpace(out), nil
}

// git runs a git command through workspace.Git (no repository-configured
// programs) and returns its output; the error carries git's message.
func git(dir string, args ...string) (string, error) {
	cmd := workspace.Git(dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(stderr.String()))
		}
		return "", fmt.Errorf("git %s: %w", args[0], err)
	}
	return string(out), nil
}

// read fills the set: the changed paths, the changed lines of each, and
// the untracked files.
func (s *Set) read() error {
	names, err := git(s.Root, "diff", "--name-only", "-z", "--no-renames", "--no-relative", s.Rev, "--")
	if err != nil {
		return err
	}
	for _, p := range strings.Split(names, "\x00") {
		if p != "" {
			s.changed[p] = true
		}
	}
	untracked, err := git(s.Root, "ls-files", "-z", "--others", "--exclude-standard", "--full-name")
	if err != nil {
		return err
	}
	for _, p := range strings.Split(untracked, "\x00") {
		if p != "" {
			s.changed[p] = true
			s.lines[p] = []lineRange{{1, math.MaxInt}}
		}
	}
	patch, err := git(s.Root, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--no-relative",
		"--src-prefix=a/", "--dst-prefix=b/", "-U0", s.Rev, "--")
	if err != nil {
		return err
	}
	return s.parse(patch)
}

// parse reads the hunks of a unified diff with no context: each "+c,d"
// names lines c to c+d-1 of the current file.
func (s *Set) parse(patch string) error {
	file := ""
	sc := bufio.NewScanner(strings.NewReader(patch))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "+++ "):
			file = diffPath(strings.TrimPrefix(line, "+++ "), "b/")
		case strings.HasPrefix(line, "@@ ") && file != "":
			r, ok := hunkLines(line)
			if !ok {
				return fmt.Errorf("git diff: cannot read hunk header %q", line)
			}
			if r.to >= r.from {
				s.lines[file] = append(s.lines[file], r)
			}
		}
	}
	return sc.Err()
}

// diffPath reads a file header path: "b/x", a C-quoted "\"b/x\"", or
// /dev/null ("").
func diffPath(p, prefix string) string {
	if p == "/dev/null" {
		return ""
	}
	if strings.HasPrefix(p, `"`) {
		if u, err := strconv.Unquote(p); err == nil {
			p = u
		}
	}
	return strings.TrimPrefix(p, prefix)
}

// hunkLines reads "@@ -a,b +c,d @@ ..." into the new-side line range.
func hunkLines(h string) (lineRange, bool) {
	fields := strings.Fields(h)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return lineRange{}, false
	}
	start, count, hasCount := strings.Cut(strings.TrimPrefix(fields[2], "+"), ",")
	c, err := strconv.Atoi(start)
	if err != nil {
		return lineRange{}, false
	}
	d := 1
	if hasCount {
		if d, err = strconv.Atoi(count); err != nil {
			return lineRange{}, false
		}
	}
	return lineRange{c, c + d - 1}, true
}

// rel turns an absolute path into a repository-relative one, following
// symbolic links the way git's top level does.
func (s *Set) rel(abs string) (string, bool) {
	root := s.Root
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	dir, base := filepath.Split(filepath.Clean(abs))
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		abs = filepath.Join(d, base)
	}
	r, err := filepath.Rel(root, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// Lines reports whether any of the lines from to to (inclusive) of a file
// changed, or the file is outside the repository (nothing can be told
// about it, so it counts as changed).
func (s *Set) Lines(abs string, from, to int) bool {
	r, ok := s.rel(abs)
	if !ok {
		return true
	}
	for _, c := range s.lines[r] {
		if c.from <= to && from <= c.to {
			return true
		}
	}
	return false
}

// Changed reports whether a file changed at all (added, modified, deleted,
// untracked) — or, for a path ending in "/", anything below that folder.
func (s *Set) Changed(abs string) bool {
	dir := strings.HasSuffix(abs, "/") || strings.HasSuffix(abs, string(filepath.Separator))
	r, ok := s.rel(strings.TrimRight(abs, `/\`))
	if !ok {
		return true
	}
	if !dir {
		return s.changed[r]
	}
	for p := range s.changed {
		if r == "." || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// Filter removes from res the findings that are not new and records what
// it did in res.NewFrom. abs turns a display path into an absolute one;
// config is the configuration file ("" for none): when it changed, every
// finding counts as new. ref is what the user named.
func (s *Set) Filter(res *report.Result, abs func(string) string, config, ref string) {
	out := &report.NewFromOutcome{Rev: s.Rev, Ref: ref}
	res.NewFrom = out
	if config != "" && s.Changed(config) {
		return
	}
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if s.isNew(f, abs) {
			kept = append(kept, f)
			continue
		}
		out.Hidden++
	}
	res.Findings = kept
}

func (s *Set) isNew(f report.Finding, abs func(string) string) bool {
	if s.Lines(abs(f.File), f.Line, max(f.Line, f.EndLine)) {
		return true
	}
	for _, d := range f.DependsOn {
		p := abs(d)
		if strings.HasSuffix(d, "/") {
			p += "/"
		}
		if s.Changed(p) {
			return true
		}
	}
	return false
}
