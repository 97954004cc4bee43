//go:build unix

package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const secret = "s3cr3t-token-value"

// tree makes a repository and, next to it, a directory it must not read.
func tree(t *testing.T) (repo, outside string) {
	t.Helper()
	base := t.TempDir()
	repo, outside = filepath.Join(base, "repo"), filepath.Join(base, "outside")
	for _, d := range []string{repo + "/docs", outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(repo+"/docs/runbook.md", "# Runbook\n")
	write(outside+"/token", secret+"\n")
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(repo, name)); err != nil {
			t.Fatal(err)
		}
	}
	link("docs/runbook.md", "inside-link.md")
	link("../outside/token", "escape.md")
	link(outside+"/token", "absolute-escape.md")
	link("/dev/zero", "zero.md")
	link("docs/missing.md", "dangling.md")
	link("../outside/missing", "dangling-out.md")
	link("/nonexistent-dir/x", "dangling-absolute.md")
	link("../outside", "outdir")
	if err := syscall.Mkfifo(filepath.Join(repo, "fifo.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, MaxBytes+1)
	write(repo+"/big.md", string(big))
	return repo, outside
}

func TestReadFile(t *testing.T) {
	repo, _ := tree(t)
	root, err := NewRoot(repo)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want error // nil: reads "# Runbook"
	}{
		{"docs/runbook.md", nil},
		{"inside-link.md", nil},
		{filepath.Join(repo, "docs/runbook.md"), nil},
		{"escape.md", ErrOutside},
		{"absolute-escape.md", ErrOutside},
		{"zero.md", ErrOutside},
		{"outdir/token", ErrOutside},
		{"../outside/token", ErrOutside},
		{"dangling.md", fs.ErrNotExist},
		// A link out of the repository to nothing is outside, not missing:
		// whether something exists out there is not the repository's.
		{"dangling-out.md", ErrOutside},
		{"dangling-absolute.md", ErrOutside},
		{"outdir/missing", ErrOutside},
		{"fifo.md", ErrNotRegular},
		{"docs", ErrNotRegular},
		{"big.md", ErrTooLarge},
	}
	// Twice: the second round reads through the cache of directories
	// the first one resolved.
	for _, tt := range append(tests, tests...) {
		t.Run(tt.name, func(t *testing.T) {
			data, err := root.ReadFile(tt.name, 0)
			if tt.want == nil {
				if err != nil || string(data) != "# Runbook\n" {
					t.Fatalf("got %q, %v", data, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) || !strings.HasPrefix(err.Error(), tt.name+": ") {
				t.Errorf("message %q must name the path and nothing it holds", err)
			}
		})
	}
}

// Without a boundary (a file named on the command line outside any
// repository) files are still regular and bounded.
func TestNoBoundary(t *testing.T) {
	repo, outside := tree(t)
	root, _ := NewRoot("")
	if _, err := root.ReadFile(filepath.Join(outside, "token"), 0); err != nil {
		t.Errorf("an explicit file outside any repository: %v", err)
	}
	for _, p := range []string{"/dev/zero", filepath.Join(repo, "fifo.md")} {
		if _, err := root.ReadFile(p, 0); !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := root.ReadFile(filepath.Join(repo, "docs/runbook.md"), 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit 4: %v", err)
	}
}

func TestWithin(t *testing.T) {
	for _, tt := range []struct {
		dir, path string
		want      bool
	}{
		{"/r", "/r", true}, {"/r", "/r/a", true}, {"/r", "/r/..a", true},
		{"/r", "/ra", false}, {"/r", "/", false}, {"/r", "/r/../x", false},
	} {
		if got := Within(tt.dir, filepath.Clean(tt.path)); got != tt.want {
			t.Errorf("Within(%q, %q) = %v", tt.dir, tt.path, got)
		}
	}
}
