// Package fix applies the fixes that lint findings carry: text edits at
// the positions the parsers gave, applied in place (`lint --fix`) or shown
// as a unified diff (`lint --diff`). Nothing is re-serialised: bytes
// outside the edits, line endings, comments and quoting stay as they were.
//
// A file is changed only if every edit of it applies and the result still
// parses (YAML, Go); edits of two findings that touch the same bytes are
// never merged by guesswork — the later finding keeps its fix for the
// next run and says so.
package fix

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/releasegate/releasegate/report"
)

// Plan is what applying the fixes of one lint run would change.
type Plan struct {
	Files []File // in path order
	// Unfixed are the findings of auto-fixable rules left as they are,
	// each with the reason.
	Unfixed []Unfixed
}

// File is one file the fixes change.
type File struct {
	Path     string // display path, as findings name it
	Old, New []byte
	Fixed    int // findings whose fix is in New
}

// Unfixed is a finding whose fix is not applied, and why.
type Unfixed struct {
	Finding report.Finding
	Why     string
}

// Options say where files are read and which rules can be fixed.
type Options struct {
	// Read returns a file's content by display path.
	Read func(path string) ([]byte, error)
	// Fixable reports whether a rule has automatic fixes: its findings
	// without a fix are listed in Unfixed.
	Fixable func(ruleID string) bool
}

// NewPlan collects the fixes of the unsuppressed findings, file by file.
func NewPlan(findings []report.Finding, opts Options) (*Plan, error) {
	p := &Plan{}
	byFile := map[string][]report.Edit{}
	owners := map[string][]*report.Finding{}
	var accepted []report.Edit
	for i := range findings {
		f := &findings[i]
		switch {
		case f.Suppressed:
			continue
		case f.Fix == nil || len(f.Fix.Edits) == 0:
			if f.NoFix != "" || (opts.Fixable != nil && opts.Fixable(f.Rule)) {
				p.Unfixed = append(p.Unfixed, Unfixed{*f, cmp.Or(f.NoFix, "no safe automatic fix for this finding")})
			}
			continue
		}
		fresh, clash := merge(accepted, f.Fix.Edits)
		if clash != nil {
			p.Unfixed = append(p.Unfixed, Unfixed{*f, fmt.Sprintf("its fix overlaps another fix at %s:%d:%d; run --fix again to apply it",
				clash.File, clash.Line, clash.Column)})
			continue
		}
		accepted = append(accepted, fresh...)
		for _, e := range fresh {
			byFile[e.File] = append(byFile[e.File], e)
		}
		for _, file := range editedFiles(f.Fix.Edits) {
			owners[file] = append(owners[file], f)
		}
	}
	paths := make([]string, 0, len(byFile))
	for path := range byFile {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		if err := p.addFile(path, byFile[path], owners[path], opts); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// merge returns the edits of a fix that are not already accepted (an
// identical edit, such as the same import added by two fixes, is applied
// once), or the accepted edit one of them overlaps.
func merge(accepted, edits []report.Edit) ([]report.Edit, *report.Edit) {
	var fresh []report.Edit
	for _, e := range edits {
		dup := false
		for k := range accepted {
			a := &accepted[k]
			switch {
			case a.File == e.File && a.Start == e.Start && a.End == e.End && a.Text == e.Text:
				dup = true
			case a.Overlaps(e):
				return nil, a
			}
		}
		for k := range fresh {
			if fresh[k].Overlaps(e) {
				return nil, &fresh[k]
			}
		}
		if !dup {
			fresh = append(fresh, e)
		}
	}
	return fresh, nil
}

func editedFiles(edits []report.Edit) []string {
	var out []string
	for _, e := range edits {
		if !slices.Contains(out, e.File) {
			out = append(out, e.File)
		}
	}
	return out
}

// addFile applies the edits of one file and checks the result. A file
// whose result does not parse is left alone, and its findings say so.
func (p *Plan) addFile(path string, edits []report.Edit, owners []*report.Finding, opts Options) error {
	old, err := opts.Read(path)
	if err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	updated, err := Apply(old, edits)
	if err == nil {
		updated, err = check(path, old, updated)
	}
	if err != nil {
		for _, f := range owners {
			p.Unfixed = append(p.Unfixed, Unfixed{*f, "not applied: " + err.Error()})
		}
		return nil
	}
	if !bytes.Equal(old, updated) {
		p.Files = append(p.Files, File{Path: path, Old: old, New: updated, Fixed: len(owners)})
	}
	return nil
}

// Apply returns src with the edits applied. The edits must not overlap
// and must lie inside src.
func Apply(src []byte, edits []report.Edit) ([]byte, error) {
	sorted := slices.Clone(edits)
	report.SortEdits(sorted)
	var out bytes.Buffer
	at := 0
	for _, e := range sorted {
		if e.Start < at || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("edit %d:%d of %s does not fit the file as it is now (changed since the lint?)", e.Line, e.Column, e.File)
		}
		out.Write(src[at:e.Start])
		out.WriteString(e.Text)
		at = e.End
	}
	out.Write(src[at:])
	return out.Bytes(), nil
}

// Fixed counts the findings the plan fixes.
func (p *Plan) Fixed() int {
	n := 0
	for _, f := range p.Files {
		n += f.Fixed
	}
	return n
}

// Write applies the plan: each file is replaced through a temporary file
// next to it (a symbolic link is followed, and stays a link), keeping its
// permissions. resolve turns a display path into a file system path.
func (p *Plan) Write(resolve func(string) string) error {
	for _, f := range p.Files {
		if err := replace(resolve(f.Path), f.Old, f.New); err != nil {
			return fmt.Errorf("fix %s: %w", f.Path, err)
		}
	}
	return nil
}

func replace(path string, old, content []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(target)
	if err != nil {
		return err
	}
	cur, err := os.ReadFile(target)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, old) {
		return fmt.Errorf("changed on disk while releasegate ran; not written")
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".releasegate-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // a no-op once renamed
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(st.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// Diff writes the plan as a unified diff that `git apply` and `patch -p1`
// accept, after a comment line for each finding left unfixed (patch tools
// skip text before the first file header).
func (p *Plan) Diff(w io.Writer) error {
	var b strings.Builder
	for _, u := range p.Unfixed {
		f := u.Finding
		fmt.Fprintf(&b, "# releasegate: no fix for %s:%d:%d [%s]: %s\n", f.File, f.Line, f.Column, f.Rule, u.Why)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, f := range p.Files {
		if err := unified(w, f.Path, f.Old, f.New); err != nil {
			return err
		}
	}
	return nil
}
