package fix

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

func edit(f *workspace.File, start, end int, text string) report.Edit {
	return f.Edit(start, end, text)
}

func finding(rule string, edits ...report.Edit) report.Finding {
	f := report.Finding{Rule: rule, File: edits[0].File, Line: edits[0].Line, Column: edits[0].Column}
	f.Fix = &report.Fix{Description: "d", Edits: edits}
	return f
}

func reader(files map[string]string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		s, ok := files[p]
		if !ok {
			return nil, os.ErrNotExist
		}
		return []byte(s), nil
	}
}

func TestPlan(t *testing.T) {
	src := "on: push\njobs:\n  a:\n    if: x == 'failure'\n    runs-on: ubuntu-latest\n"
	f := &workspace.File{Path: "w.yml", Src: []byte(src)}
	at := strings.Index(src, "x ==")
	tests := []struct {
		name     string
		findings []report.Finding
		want     string
		unfixed  []string // why, per finding left unfixed
	}{
		{name: "one edit", findings: []report.Finding{finding("r", edit(f, at, at, "always() && "))},
			want: strings.Replace(src, "x ==", "always() && x ==", 1)},
		{name: "a plain value starting with ! is a YAML tag: refused",
			findings: []report.Finding{finding("r", edit(f, at, at, "!cancelled() && "))}, want: src, unfixed: []string{"would not parse"}},
		{name: "identical edits of two findings are applied once",
			findings: []report.Finding{finding("r", edit(f, at, at, "always() && ")), finding("r", edit(f, at, at, "always() && "))},
			want:     strings.Replace(src, "x ==", "always() && x ==", 1)},
		{name: "an overlapping fix waits for the next run",
			findings: []report.Finding{finding("r", edit(f, at, at, "always() && ")), finding("r", edit(f, at, at, "!cancelled() && "))},
			want:     strings.Replace(src, "x ==", "always() && x ==", 1), unfixed: []string{"overlaps another fix at w.yml:4:9"}},
		{name: "a result that does not parse is not written",
			findings: []report.Finding{finding("r", edit(f, at, at, "{"))}, want: src, unfixed: []string{"would not parse"}},
		{name: "a suppressed finding is not fixed",
			findings: func() []report.Finding {
				x := finding("r", edit(f, at, at, "always() && "))
				x.Suppressed = true
				return []report.Finding{x}
			}(), want: src},
		{name: "a fixable rule's finding without a fix says why",
			findings: []report.Finding{{Rule: "r", File: "w.yml", Line: 1, NoFix: "because"}, {Rule: "fixable", File: "w.yml", Line: 2}, {Rule: "other", File: "w.yml"}},
			want:     src, unfixed: []string{"because", "no safe automatic fix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(tt.findings, Options{Read: reader(map[string]string{"w.yml": src}), Fixable: func(id string) bool { return id == "fixable" }})
			if err != nil {
				t.Fatal(err)
			}
			got := src
			if len(p.Files) == 1 {
				got = string(p.Files[0].New)
			}
			if got != tt.want {
				t.Errorf("result:\n%s\nwant:\n%s", got, tt.want)
			}
			if len(p.Unfixed) != len(tt.unfixed) {
				t.Fatalf("unfixed: %+v, want %d", p.Unfixed, len(tt.unfixed))
			}
			for i, u := range p.Unfixed {
				if !strings.Contains(u.Why, tt.unfixed[i]) {
					t.Errorf("unfixed %d: %q, want %q", i, u.Why, tt.unfixed[i])
				}
			}
		})
	}
}

// TestTidyGo: fixes made one by one can leave an import unused; the file
// is tidied so it still compiles, and a gofmt-clean file stays clean.
func TestTidyGo(t *testing.T) {
	old := "package a\n\nimport (\n\t\"encoding/json\"\n\t\"fmt\"\n)\n\nvar _ = json.Valid\n\nfunc f(s string) string { return fmt.Sprint(s) + fmt.Sprint(s) }\n"
	updated := strings.ReplaceAll(old, "fmt.Sprint(s)", "s")
	got, err := check("a.go", []byte(old), []byte(updated))
	if err != nil {
		t.Fatal(err)
	}
	want := "package a\n\nimport (\n\t\"encoding/json\"\n)\n\nvar _ = json.Valid\n\nfunc f(s string) string { return s + s }\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := check("a.go", []byte(old), []byte("package a\nfunc (")); err == nil {
		t.Error("a Go file that does not parse was accepted")
	}
}

// TestDiffApplies: the unified diff of random edits applies with git
// apply and gives the fixed file, LF or CRLF, with or without a final
// line break.
func TestDiffApplies(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		eol := []string{"\n", "\r\n"}[i%2]
		var lines []string
		for k := range 5 + r.IntN(60) {
			lines = append(lines, fmt.Sprintf("line %d: %s", k, strings.Repeat("x", r.IntN(5))))
		}
		old := strings.Join(lines, eol)
		if i%3 != 0 {
			old += eol
		}
		f := &workspace.File{Path: "dir/f.yml", Src: []byte(old)}
		var edits []report.Edit
		at := 0
		for at < len(old) {
			at += r.IntN(len(old)/3 + 1)
			if at >= len(old) {
				break
			}
			end := min(len(old), at+r.IntN(12))
			edits = append(edits, edit(f, at, end, []string{"", "NEW", "ins" + eol + "erted", eol}[r.IntN(4)]))
			at = end + 1
		}
		if len(edits) == 0 {
			continue
		}
		updated, err := Apply([]byte(old), edits)
		if err != nil {
			t.Fatal(err)
		}
		p := &Plan{Files: []File{{Path: "dir/f.yml", Old: []byte(old), New: updated}}}
		var diff bytes.Buffer
		if err := p.Diff(&diff); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "dir"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "dir/f.yml"), []byte(old), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("git", "apply", "-")
		cmd.Dir, cmd.Stdin = dir, &diff
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git apply: %v\n%s\ndiff:\n%s", err, out, diff.String())
		}
		got, _ := os.ReadFile(filepath.Join(dir, "dir/f.yml"))
		if !bytes.Equal(got, updated) {
			t.Fatalf("applied diff gives\n%q\nwant\n%q\ndiff:\n%s", got, updated, diff.String())
		}
	}
}

// TestWrite: files are replaced in place, keeping their mode, through a
// symbolic link; a file changed since the lint is not written.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.yml")
	if err := os.WriteFile(real, []byte("a: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yml")
	if err := os.Symlink("real.yml", link); err != nil {
		t.Fatal(err)
	}
	p := &Plan{Files: []File{{Path: "link.yml", Old: []byte("a: 1\n"), New: []byte("a: 2\n")}}}
	resolve := func(p string) string { return filepath.Join(dir, p) }
	if err := p.Write(resolve); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(real); string(b) != "a: 2\n" {
		t.Errorf("real.yml = %q", b)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	stale := &Plan{Files: []File{{Path: "real.yml", Old: []byte("a: 1\n"), New: []byte("a: 3\n")}}}
	if err := stale.Write(resolve); err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Errorf("a file changed since the lint was written over: %v", err)
	}
}
