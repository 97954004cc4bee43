//go:build unix

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintNotAWorkflow: a file under .github/workflows that is not a
// mapping with "on" and "jobs" is bad input (exit 2, one line with its
// position) whatever rules run; with actionlint disabled it used to pass
// as one workflow scanned.
func TestLintNotAWorkflow(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
	}{
		{"empty", "", "bad.yml:1:1: could not check: workflow is empty"},
		{"comment", "# to do: release job\n", "bad.yml:1:1: could not check: workflow is empty"},
		{"scalar", "\nrelease\n", "bad.yml:2:1: could not check: workflow is a scalar"},
		{"list", "- on: push\n", "bad.yml:1:1: could not check: workflow is a list"},
		{"no on", "jobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n", `bad.yml:1:1: could not check: workflow has no "on" section`},
		{"no jobs", "on: push\nname: x\n", `bad.yml:1:1: could not check: workflow has no "jobs" section`},
	} {
		for _, disable := range []bool{false, true} {
			args := []string{"lint", "--format", "text"}
			name := tt.name
			if disable {
				args = append(args, "--disable", "actionlint")
				name += " with actionlint disabled"
			}
			t.Run(name, func(t *testing.T) {
				repo := hostileRepo(t, map[string]string{".github/workflows/bad.yml": tt.src, ".github/workflows/ok.yml": okWorkflow})
				code, out, stderr := runBounded(t, repo, args...)
				if code != 2 {
					t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, stderr)
				}
				var hits []string
				for _, line := range strings.Split(out+stderr, "\n") {
					if strings.Contains(line, "bad.yml") {
						hits = append(hits, line)
					}
				}
				if len(hits) != 1 || !strings.HasPrefix(hits[0], ".github/workflows/"+tt.want) {
					t.Errorf("want one line with %q, got %q\nstdout: %s\nstderr: %s", tt.want, hits, out, stderr)
				}
			})
		}
	}
}

// TestLintConfigGlobBound: an exclude glob whose {...} groups multiply
// past the bound is a configuration error at its line, at once; matched,
// 43 groups of three alternatives against a file they nearly name would
// try 3^43 patterns.
func TestLintConfigGlobBound(t *testing.T) {
	glob := strings.Repeat("{a,a,a}", 43) + "b"
	repo := hostileRepo(t, map[string]string{
		".github/workflows/w.yml":        okWorkflow,
		strings.Repeat("a", 43) + "c.md": "# A\n",
		".releasegate.yaml":              "version: 1\nexclude:\n  - '" + glob + "'\n",
	})
	code, out, stderr := runBounded(t, repo, "lint", "--format", "text")
	want := `.releasegate.yaml:3:5: exclude: glob "{a,a,a}{a,a,a}`
	if code != 2 || !strings.Contains(out+stderr, want) || !strings.Contains(out+stderr, "expands to more than 64 patterns") {
		t.Fatalf("exit %d, want 2 and %q\nstdout: %s\nstderr: %s", code, want, out, stderr)
	}
}

// TestLintNewFromRevRunsNoFilter: --new-from-rev compares the working
// tree with a revision without running the clean filter (or textconv) a
// checkout's .gitattributes selects and its .git/config names.
func TestLintNewFromRevRunsNoFilter(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := hostileRepo(t, map[string]string{".github/workflows/w.yml": okWorkflow, ".gitattributes": "*.yml filter=trap diff=trap\n"})
	marker := filepath.Join(t.TempDir(), "ran")
	trap := filepath.Join(t.TempDir(), "trap.sh")
	if err := os.WriteFile(trap, []byte("#!/bin/sh\ntouch "+marker+"\ncat\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.test", "-c", "commit.gpgsign=false", "-C", repo}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	git("config", "filter.trap.clean", trap)
	git("config", "diff.trap.textconv", trap)
	if err := os.WriteFile(filepath.Join(repo, ".github/workflows/w.yml"), []byte(okWorkflow+"      - run: echo more\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"--new-from-rev=HEAD", "--new-from-merge-base=HEAD"} {
		code, out, stderr := runBounded(t, repo, "lint", "--format", "json", flag)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", flag, code, out, stderr)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("%s ran the repository's filter", flag)
		}
	}
	git("diff", "HEAD")
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("plain git diff does not run the filter either: the test proves nothing")
	}
}
