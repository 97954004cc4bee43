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
//
// The checkout is untrusted, so git is asked only for what it stores: the
// files of the revision (ls-tree), of the index and the untracked ones
// (ls-files) and old file contents (cat-file), none of which runs a
// filter, a textconv or diff driver, an external diff or a hook. The
// working tree is read and compared here, in Go, rather than by `git
// diff`, which runs the clean filter a repository's .gitattributes and
// .git/config name on every file whose stat data changed.
package changes

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/releasegate/releasegate/lint/workspace"
)

// Set is what changed in the working tree of a repository since a commit.
// What a file's change is, is worked out when first asked.
type Set struct {
	Root string // the repository's top level
	Rev  string // the commit compared with

	files *fileSet
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
	s := &Set{Root: root, Rev: strings.TrimSpace(sha)}
	if s.files, err = listFiles(root, s.Rev); err != nil {
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
		if msg := strings.TrimSpace(stderr.String()); errors.As(err, &ee) && msg != "" {
			return "", fmt.Errorf("git %s: %s", args[0], msg)
		}
		return "", fmt.Errorf("git %s: %w", args[0], err)
	}
	return string(out), nil
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
	for _, c := range s.files.change(r).lines {
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
		return s.files.change(r).changed
	}
	return s.files.anyChanged(func(p string) bool { return r == "." || strings.HasPrefix(p, r+"/") })
}

// Compare works out in one go what changed in the files at the absolute
// paths abs (old contents come from one git process), before Lines and
// Changed ask about them one at a time.
func (s *Set) Compare(abs []string) {
	var rels []string
	for _, p := range abs {
		if r, ok := s.rel(p); ok {
			rels = append(rels, r)
		}
	}
	s.files.compare(rels)
}
