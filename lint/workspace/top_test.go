package workspace

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepositoryTopAgreesWithGit: the top level found without starting
// git is the one `git rev-parse --show-toplevel` prints, from the top,
// from below, through a symbolic link, past an empty .git directory, and
// in a linked worktree (a .git file).
func TestRepositoryTopAgreesWithGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	gitIn := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.test"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for _, d := range []string{"docs/deep", "empty-git/.git"} {
		if err := os.MkdirAll(filepath.Join(repo, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gitIn(repo, "init", "-q")
	gitIn(repo, "commit", "-q", "--allow-empty", "-m", "x")
	gitIn(repo, "worktree", "add", "-q", filepath.Join(base, "linked"))
	link := filepath.Join(base, "via-link")
	if err := os.Symlink(filepath.Join(repo, "docs"), link); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{
		repo,
		filepath.Join(repo, "docs", "deep"),
		filepath.Join(link, "deep"),
		filepath.Join(repo, "empty-git"),
		filepath.Join(base, "linked"),
	} {
		t.Run(strings.TrimPrefix(dir, base), func(t *testing.T) {
			want := gitTopLevel(dir)
			if want == "" {
				t.Fatalf("git found no repository at %s", dir)
			}
			if got := repositoryTop(dir); got != want {
				t.Errorf("repositoryTop(%s) = %q, git says %q", dir, got, want)
			}
		})
	}
}
