//go:build unix

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The secret a hostile repository tries to get printed: it lives next to
// the checkout, as a token file on a CI runner would.
const outsideSecret = "ghs_0utside-the-repository-secret"

// hostileRepo writes files into a fresh repository and returns it; the
// directory "../outside" next to it holds the secret and a runbook.
func hostileRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{repo, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "token"), outsideSecret+"\n")
	write(filepath.Join(outside, "runbook.md"), "# Causes\n\n- **"+outsideSecret+"** is the cause.\n")
	for name, content := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		switch {
		case strings.HasPrefix(content, "->"):
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(strings.TrimPrefix(content, "->"), p); err != nil {
				t.Fatal(err)
			}
		case content == "|fifo":
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		default:
			write(p, content)
		}
	}
	return repo
}

const okWorkflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n"

// aliasBombWorkflow nests levels of ten aliases in a matrix: 549 bytes at
// nine levels, a billion nodes once expanded.
func aliasBombWorkflow(levels int) string {
	var b strings.Builder
	b.WriteString("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n")
	b.WriteString("        l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n")
	for i := 1; i < levels; i++ {
		p := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "        l%d: &l%d [%s]\n", i, i, strings.Repeat(p+", ", 9)+p)
	}
	b.WriteString("    steps:\n      - run: echo ${{ matrix.l0 }}\n")
	return b.String()
}

// TestLintHostileRepository: a repository trying to crash the lint, hang
// it, or make it print a file from outside the checkout gets exit 2 with
// a one-line error naming the path, or a warning when a file is skipped,
// and nothing from outside ever reaches the output.
func TestLintHostileRepository(t *testing.T) {
	parity := "version: 1\nparity:\n  - name: causes\n    source: %s\n    copies:\n      - {file: .github/workflows/w.yml, section: 'Causes:'}\n"
	tests := []struct {
		name    string
		files   map[string]string
		args    []string
		code    int
		want    string // in stdout or stderr
		warning string // in the JSON warnings
		scanned int    // workflows scanned, when code is not 2
	}{
		{name: "alias bomb in a workflow", code: 2, want: ".github/workflows/bomb.yml:11: alias expansion exceeds 100000 nodes",
			files: map[string]string{".github/workflows/bomb.yml": aliasBombWorkflow(9)}},
		{name: "alias bomb in action metadata", code: 2, want: "action.yml:4:", files: map[string]string{
			".github/workflows/w.yml": okWorkflow,
			"act/action.yml":          "name: x\nruns:\n  using: composite\n" + strings.TrimPrefix(aliasBombWorkflow(9)[len("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n"):], "")}},
		{name: "alias bomb in the config", code: 2, want: ".releasegate.yaml:", files: map[string]string{
			".github/workflows/w.yml": okWorkflow,
			".releasegate.yaml":       "version: 1\nexclude:\n" + strings.TrimPrefix(aliasBombWorkflow(9)[strings.Index(aliasBombWorkflow(9), "        l0"):strings.Index(aliasBombWorkflow(9), "    steps")], "")}},
		{name: "config symlink to a token outside", code: 2, want: ".releasegate.yaml: cannot read configuration: leads outside the repository",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, ".releasegate.yaml": "->../outside/token"}},
		{name: "config symlink to /dev/zero", code: 2, want: "leads outside the repository",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, ".releasegate.yaml": "->/dev/zero"}},
		{name: "config FIFO", code: 2, want: "not a regular file (a FIFO)",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, ".releasegate.yaml": "|fifo"}},
		{name: "--config /dev/zero", code: 2, want: "/dev/zero: cannot read configuration: is not a regular file (a device)",
			args: []string{"--config", "/dev/zero"}, files: map[string]string{".github/workflows/w.yml": okWorkflow}},
		{name: "config with a second document", code: 2, want: ".releasegate.yaml:2:1: more than one YAML document",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, ".releasegate.yaml": "version: 1\n---\nrules: {actionlint: off}\n"}},
		{name: "parity source outside the repository", code: 2, want: "/outside/runbook.md: parity: cannot read: leads outside the repository",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, ".releasegate.yaml": fmt.Sprintf(parity, "../outside/runbook.md#causes")}},
		{name: "parity source through a symlink", code: 2, want: "docs/runbook.md: parity: cannot read: leads outside the repository",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, "docs/runbook.md": "->../../outside/runbook.md",
				".releasegate.yaml": fmt.Sprintf(parity, "docs/runbook.md#causes")}},
		{name: "runbook link through a symlink", code: 2, want: "docs/runbooks/index.md:1:", files: map[string]string{
			".github/workflows/w.yml": okWorkflow, "docs/runbooks/index.md": "[causes](../runbook.md#causes)\n", "docs/runbook.md": "->../../outside/runbook.md"}},
		{name: "local action symlinked to /dev/zero", code: 2, want: "act/action.yml: not read: leads outside the repository", files: map[string]string{
			".github/workflows/w.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./act\n",
			"act/action.yml":          "->/dev/zero"}},
		{name: "reusable workflow that is a FIFO", code: 2, want: "not read: is not a regular file (a FIFO)", files: map[string]string{
			".github/workflows/w.yml":      "on: push\njobs:\n  a:\n    uses: ./.github/workflows/called.yml\n",
			".github/workflows/called.yml": "|fifo"}},
		{name: "actionlint configuration symlinked out", code: 2, want: ".github/actionlint.yaml: not read: leads outside", files: map[string]string{
			".github/workflows/w.yml": okWorkflow, ".github/actionlint.yaml": "->../../outside/token"}},
		// Skipped workflows are said out loud; a symlink that stays inside
		// the repository is followed.
		{name: "workflow symlinks", code: 0, scanned: 2, warning: ".github/workflows/out.yml: skipped, not checked: a symbolic link that leads outside the repository",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, "ci/shared.yml": okWorkflow,
				".github/workflows/shared.yml": "->../../ci/shared.yml", ".github/workflows/out.yml": "->../../../outside/token"}},
		{name: "workflow FIFO", code: 0, scanned: 1, warning: ".github/workflows/pipe.yml: skipped, not checked: not a regular file",
			files: map[string]string{".github/workflows/w.yml": okWorkflow, ".github/workflows/pipe.yml": "|fifo"}},
		{name: "only symlinked workflows", code: 2, args: []string{"--format", "text"}, want: "nothing to scan: found no workflows, actions, Markdown files or Go packages; 1 input skipped",
			files: map[string]string{".github/workflows/out.yml": "->../../../outside/token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := hostileRepo(t, tt.files)
			args := append([]string{"lint", "--format", "json"}, tt.args...)
			code, out, stderr := runBounded(t, repo, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, stderr)
			}
			if strings.Contains(out+stderr, outsideSecret) || strings.Contains(out+stderr, "is the cause") {
				t.Fatalf("output quotes a file outside the repository:\n%s\n%s", out, stderr)
			}
			if all := out + stderr + errorLines(out); tt.want != "" && !strings.Contains(all, tt.want) {
				t.Errorf("output does not contain %q\nstdout: %s\nstderr: %s", tt.want, out, stderr)
			}
			if tt.warning != "" {
				file, msg, _ := strings.Cut(tt.warning, ": ")
				//releasegate:ignore[go-json-interpolation] a fragment to search the JSON output for, not JSON sent anywhere
				if !strings.Contains(out, `"file": "`+file+`"`) || !strings.Contains(out, `"message": "`+msg+`"`) {
					t.Errorf("no warning %q in %s", tt.warning, out)
				}
			}
			if tt.code != 2 {
				if res := decode(t, out); res.Scanned["workflows"] != tt.scanned {
					t.Errorf("scanned %d workflows, want %d", res.Scanned["workflows"], tt.scanned)
				}
			}
		})
	}
}

// errorLines renders the input errors of a JSON lint result as the text
// format does: "file:line: message", one per line.
func errorLines(out string) string {
	var res jsonResult
	if json.Unmarshal([]byte(out), &res) != nil {
		return ""
	}
	var b strings.Builder
	for _, e := range res.Errors {
		if e.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s\n", e.File, e.Line, e.Message)
		} else {
			fmt.Fprintf(&b, "%s: %s\n", e.File, e.Message)
		}
	}
	return b.String()
}

// runBounded runs the CLI and fails the test instead of hanging when a
// hostile file blocks it.
func runBounded(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code        int
		out, stderr string
	}
	done := make(chan result, 1)
	t.Chdir(dir)
	go func() {
		code, out, stderr := run(t, "", args...)
		done <- result{code, out, stderr}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.stderr
	case <-time.After(time.Minute):
		t.Fatal("lint hung on a hostile repository")
	}
	return 0, "", ""
}

// The 549-byte workflow that used to take 20 s and gigabytes before the
// process died is refused at once, allocating little.
func TestAliasBombIsCheap(t *testing.T) {
	repo := hostileRepo(t, map[string]string{".github/workflows/bomb.yml": aliasBombWorkflow(9)})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	code, out, stderr := runBounded(t, repo, "lint", "--format", "json")
	runtime.ReadMemStats(&after)
	if code != 2 || !strings.Contains(out+stderr, "alias expansion exceeds") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("refusing the bomb allocated %d MiB", alloc>>20)
	}
}

// Scanning an untrusted checkout runs nothing its .git/config names.
func TestLintRunsNoRepositoryCommand(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := hostileRepo(t, map[string]string{".github/workflows/w.yml": okWorkflow})
	marker := filepath.Join(t.TempDir(), "ran")
	hook := filepath.Join(t.TempDir(), "fsmonitor.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"config", "core.fsmonitor", hook}, {"add", "."}} {
		cmd := exec.Command("git", append([]string{"-c", "core.fsmonitor=false", "-C", repo}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	code, out, stderr := runBounded(t, repo, "lint", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("lint ran the repository's core.fsmonitor command")
	}
	// The hook is real: plain git runs it.
	if err := exec.Command("git", "-C", repo, "status", "--porcelain").Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Skip("this git does not run core.fsmonitor hooks; nothing proven")
	}
}

// TestGateHostileRepository: the gate reads the same repository (its
// configuration, the policies it names) and keeps the same boundary.
func TestGateHostileRepository(t *testing.T) {
	cfg := "version: 1\ngate:\n  images: [127.0.0.1:1/acme/app]\n  policies: [%s]\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"policy file symlinked out", map[string]string{".releasegate.yaml": fmt.Sprintf(cfg, "p.rego"), "p.rego": "->../outside/token"},
			"gate.policies: "},
		{"policy in a directory symlinked out", map[string]string{".releasegate.yaml": fmt.Sprintf(cfg, "policies/"),
			"policies/ok.rego": "package releasegate.gate.x\n", "policies/evil.rego": "->../../outside/token"}, "leads outside the repository"},
		{"policy outside by path", map[string]string{".releasegate.yaml": fmt.Sprintf(cfg, "../outside")}, "gate.policies: "},
		{"policy that is a FIFO", map[string]string{".releasegate.yaml": fmt.Sprintf(cfg, "p.rego"), "p.rego": "|fifo"}, "not a regular file"},
		{"config symlinked out", map[string]string{".releasegate.yaml": "->../outside/token"}, "leads outside the repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := hostileRepo(t, tt.files)
			if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := runBounded(t, repo, "gate", "verify", "--version", "1.0.0", "--timeout", "5s")
			if code != 2 || !strings.Contains(out+stderr, tt.want) {
				t.Fatalf("exit %d, want 2 with %q\n%s\n%s", code, tt.want, out, stderr)
			}
			if strings.Contains(out+stderr, outsideSecret) {
				t.Fatalf("output quotes a file outside the repository: %s %s", out, stderr)
			}
		})
	}
}
