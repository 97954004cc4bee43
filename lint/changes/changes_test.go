package changes_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/lint/changes"
	"github.com/releasegate/releasegate/lint/linttest"
)

func newRepo(t *testing.T) *linttest.GitRepo { return linttest.NewGitRepo(t) }

func lines(n int, prefix string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(prefix)
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("\n")
	}
	return b.String()
}

func TestSince(t *testing.T) {
	r := newRepo(t)
	r.Write("a.yml", lines(20, "a"))
	r.Write("b.yml", lines(5, "b"))
	r.Write("docs/x.md", "x\n")
	r.Write("gone.md", "bye\n")
	r.Commit("base")
	base := r.Git("rev-parse", "HEAD")

	// Committed: two lines inserted at the top of a.yml and line 10
	// changed; gone.md deleted.
	a := strings.Split(lines(20, "a"), "\n")
	a[9] = "changed"
	r.Write("a.yml", "new1\nnew2\n"+strings.Join(a, "\n"))
	if err := os.Remove(filepath.Join(r.Dir, "gone.md")); err != nil {
		t.Fatal(err)
	}
	r.Commit("change")
	// Not committed: b.yml line 3 edited, a new untracked file.
	b := strings.Split(lines(5, "b"), "\n")
	b[2] = "edited"
	r.Write("b.yml", strings.Join(b, "\n"))
	r.Write("new.yml", "n\nn\n")

	s, err := changes.Since(r.Dir, base)
	if err != nil {
		t.Fatal(err)
	}
	p := func(name string) string { return filepath.Join(r.Dir, name) }
	for _, tt := range []struct {
		file     string
		from, to int
		want     bool
	}{
		{"a.yml", 1, 1, true},   // inserted
		{"a.yml", 3, 3, false},  // old line 1, moved down
		{"a.yml", 12, 12, true}, // old line 10, changed
		{"a.yml", 11, 11, false},
		{"a.yml", 10, 12, true}, // a span reaching a changed line
		{"b.yml", 3, 3, true},   // not committed yet
		{"b.yml", 4, 4, false},
		{"new.yml", 2, 2, true}, // untracked: every line
		{"docs/x.md", 1, 1, false},
	} {
		if got := s.Lines(p(tt.file), tt.from, tt.to); got != tt.want {
			t.Errorf("Lines(%s, %d, %d) = %v, want %v", tt.file, tt.from, tt.to, got, tt.want)
		}
	}
	for name, want := range map[string]bool{"a.yml": true, "gone.md": true, "new.yml": true, "docs/x.md": false, "docs/": false, "./": true} {
		path := p(name)
		if strings.HasSuffix(name, "/") {
			path += "/"
		}
		if got := s.Changed(path); got != want {
			t.Errorf("Changed(%s) = %v, want %v", name, got, want)
		}
	}
	if s.Lines("/elsewhere/x.yml", 1, 1) != true {
		t.Error("a file outside the repository must count as changed")
	}
}

func TestSinceMergeBase(t *testing.T) {
	r := newRepo(t)
	r.Write("w.yml", lines(6, "w"))
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "topic")
	r.Write("w.yml", "topic\n"+lines(6, "w"))
	r.Commit("topic")
	r.Git("checkout", "-q", "main")
	r.Write("other.yml", "main moved on\n")
	r.Commit("main")
	r.Git("checkout", "-q", "topic")

	s, err := changes.SinceMergeBase(r.Dir, "main")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Lines(filepath.Join(r.Dir, "w.yml"), 1, 1) || s.Lines(filepath.Join(r.Dir, "w.yml"), 2, 7) {
		t.Error("the topic branch's change is not the only one seen")
	}
	if s.Changed(filepath.Join(r.Dir, "other.yml")) {
		t.Error("a change on main after the branch point counts as the branch's")
	}
	if _, err := changes.SinceMergeBase(r.Dir, "no-such-branch"); err == nil || !strings.Contains(err.Error(), "fetch it first") {
		t.Errorf("unknown ref: %v", err)
	}
	if _, err := changes.Since(r.Dir, "no-such-rev"); err == nil || !strings.Contains(err.Error(), "not a commit") {
		t.Errorf("unknown rev: %v", err)
	}
	if _, err := changes.Since(t.TempDir(), "HEAD"); err == nil || !strings.Contains(err.Error(), "not inside a git repository") {
		t.Errorf("outside a repository: %v", err)
	}
}

// TestRepositoryCommandsNotRun: nothing the repository's own
// configuration names runs while lint reads what changed (the checkout is
// untrusted). Each case arms a command that writes a marker file, checks
// that Since leaves no marker, then that plain git does run it: the trap
// is real.
func TestRepositoryCommandsNotRun(t *testing.T) {
	for _, tt := range []struct {
		name   string
		attrs  string   // .gitattributes
		config []string // key, value pairs; "$CMD" is the marker command
		plain  []string // a git command that runs it
	}{
		{name: "clean filter", attrs: "*.yml filter=mark\n", config: []string{"filter.mark.clean", "$CMD"}, plain: []string{"diff", "HEAD"}},
		{name: "process filter", attrs: "*.yml filter=mark\n", config: []string{"filter.mark.process", "$CMD"}, plain: []string{"diff", "HEAD"}},
		{name: "textconv", attrs: "*.yml diff=mark\n", config: []string{"diff.mark.textconv", "$CMD"}, plain: []string{"diff", "HEAD"}},
		{name: "diff driver", attrs: "*.yml diff=mark\n", config: []string{"diff.mark.command", "$CMD"}, plain: []string{"diff", "HEAD"}},
		{name: "external diff", config: []string{"diff.external", "$CMD"}, plain: []string{"diff", "HEAD"}},
		{name: "fsmonitor", config: []string{"core.fsmonitor", "$CMD"}, plain: []string{"status", "--porcelain"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t)
			r.Write("w.yml", "a\nb\n")
			r.Write(".gitattributes", tt.attrs)
			r.Commit("base")
			marker := filepath.Join(t.TempDir(), "ran")
			cmd := markerScript(t, marker)
			for i := 0; i+1 < len(tt.config); i += 2 {
				r.Git("config", tt.config[i], strings.ReplaceAll(tt.config[i+1], "$CMD", cmd))
			}
			r.Write("w.yml", "a\nc\n")
			s, err := changes.Since(r.Dir, "HEAD")
			if err != nil {
				t.Fatal(err)
			}
			if !s.Lines(filepath.Join(r.Dir, "w.yml"), 2, 2) || s.Lines(filepath.Join(r.Dir, "w.yml"), 1, 1) {
				t.Error("the changed line is not the one found")
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("a program named by the repository's configuration ran")
			}
			plain := exec.Command("git", tt.plain...)
			plain.Dir = r.Dir
			_ = plain.Run() // some traps make git fail; the marker tells
			if _, err := os.Stat(marker); err != nil {
				t.Fatalf("plain git %v does not run the trap either: the test proves nothing", tt.plain)
			}
		})
	}
}

// markerScript writes a shell script that creates marker and passes its
// input through (as a clean filter or textconv must), and returns its
// path.
func markerScript(t *testing.T, marker string) string {
	return trapScript(t, marker, "if [ -f \"$1\" ]; then cat \"$1\"; else cat; fi\n")
}

// trapScript writes a shell script that creates marker, then runs rest.
func trapScript(t *testing.T, marker, rest string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "trap.sh")
	script := "#!/bin/sh\ntouch '" + marker + "'\n" + rest
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNoLazyFetch: in a partial clone, reading an object the clone lacks
// makes git fetch it from the promisor remote, and the repository's own
// config names that remote: ext::<any command>, allowed by
// protocol.ext.allow in the same file. Since must not fetch: the old
// side of the file counts as changed throughout instead.
func TestNoLazyFetch(t *testing.T) {
	src := newRepo(t)
	src.Write("w.yml", "a\nb\n")
	src.Commit("base")
	src.Git("config", "uploadpack.allowFilter", "true")
	dst := filepath.Join(t.TempDir(), "clone")
	src.Git("clone", "-q", "--no-checkout", "--filter=blob:none", "file://"+src.Dir, dst)
	marker := filepath.Join(t.TempDir(), "ran")
	for _, args := range [][]string{
		{"reset", "-q"}, // the index from HEAD's trees, without its blobs
		{"config", "remote.origin.url", "ext::" + trapScript(t, marker, "exit 1\n")},
		{"config", "protocol.ext.allow", "always"},
	} {
		gitIn(t, dst, args...)
	}
	if err := os.WriteFile(filepath.Join(dst, "w.yml"), []byte("a\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := changes.Since(dst, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Lines(filepath.Join(dst, "w.yml"), 1, 1) {
		t.Error("a file whose old content could not be read does not count as changed")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("reading the old side fetched from the repository's remote, running its command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	plain := exec.CommandContext(ctx, "git", "cat-file", "-p", "HEAD:w.yml")
	plain.Dir = dst
	_ = plain.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("plain git does not fetch either: the test proves nothing")
	}
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestSinceFileKinds: the working tree is compared as git stores files:
// symbolic links by their target, ignored files not at all, line ends
// aside (a checkout with core.autocrlf), and what is on disk rather than
// what is staged.
func TestSinceFileKinds(t *testing.T) {
	r := newRepo(t)
	r.Write(".gitignore", "*.log\n")
	for _, name := range []string{"same.yml", "staged.yml", "crlf.yml", "untracked-now.yml", "to-link.yml"} {
		r.Write(name, "a\nb\n")
	}
	for link, target := range map[string]string{"link-same": "same.yml", "link-moved": "same.yml"} {
		if err := os.Symlink(target, filepath.Join(r.Dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	r.Commit("base")

	r.Write("staged.yml", "a\nX\n")
	r.Git("add", "staged.yml")
	r.Write("staged.yml", "a\nb\n") // staged, then undone on disk
	r.Write("crlf.yml", "a\r\nb\r\n")
	r.Write("ignored.log", "x\n")
	r.Git("rm", "-q", "--cached", "untracked-now.yml")
	r.Write(".gitignore", "*.log\nuntracked-now.yml\n")
	must(t, os.Remove(filepath.Join(r.Dir, "link-moved")))
	must(t, os.Symlink("crlf.yml", filepath.Join(r.Dir, "link-moved")))
	must(t, os.Remove(filepath.Join(r.Dir, "to-link.yml")))
	must(t, os.Symlink("same.yml", filepath.Join(r.Dir, "to-link.yml")))

	s, err := changes.Since(r.Dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file         string
		changed, any bool // Changed; Lines(1, 2)
	}{
		{"same.yml", false, false},
		{"staged.yml", false, false},
		{"crlf.yml", false, false},
		{"ignored.log", false, false},
		{"untracked-now.yml", true, false}, // gone from git's view
		{"link-same", false, false},
		{"link-moved", true, true},
		{"to-link.yml", true, true},
	} {
		p := filepath.Join(r.Dir, tt.file)
		if got := s.Changed(p); got != tt.changed {
			t.Errorf("Changed(%s) = %v, want %v", tt.file, got, tt.changed)
		}
		if got := s.Lines(p, 1, 2); got != tt.any {
			t.Errorf("Lines(%s, 1, 2) = %v, want %v", tt.file, got, tt.any)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSinceSHA256: a repository with SHA-256 object ids is read as well
// (64-digit ids in ls-tree, ls-files and cat-file answers).
func TestSinceSHA256(t *testing.T) {
	r := newRepo(t)
	dir := filepath.Join(t.TempDir(), "sha256")
	cmd := exec.Command("git", "init", "-q", "--object-format=sha256", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("this git cannot make a SHA-256 repository: %v\n%s", err, out)
	}
	r.Dir = dir
	r.Write("a.yml", "a\nb\n")
	r.Write("b.yml", "a\nb\n")
	r.Commit("base")
	r.Write("b.yml", "a\nc\n")
	s, err := changes.Since(dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rev) != 64 || s.Changed(filepath.Join(dir, "a.yml")) || !s.Lines(filepath.Join(dir, "b.yml"), 2, 2) || s.Lines(filepath.Join(dir, "b.yml"), 1, 1) {
		t.Errorf("rev %s: a.yml changed %v; b.yml lines 1 %v, 2 %v", s.Rev, s.Changed(filepath.Join(dir, "a.yml")),
			s.Lines(filepath.Join(dir, "b.yml"), 1, 1), s.Lines(filepath.Join(dir, "b.yml"), 2, 2))
	}
}
