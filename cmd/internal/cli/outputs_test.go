//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/report/reporttest"
	"github.com/releasegate/releasegate/scenario"
)

// outputCase is one file a command writes: its flags or environment
// name the path as OUT.
type outputCase struct {
	name string
	args []string // with OUT for the path
	env  string   // a variable set to the path, or ""
}

// withPath replaces OUT in args by path.
func (c outputCase) withPath(path string) []string {
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = strings.ReplaceAll(a, "OUT", path)
	}
	return args
}

// checkOutputs runs each case twice: with OUT a new file in the
// checkout, which must be written, then with OUT a symbolic link a pull
// request committed, pointing at a file outside (a cached tool binary),
// which must be refused with exit 2, the link and its target untouched.
func checkOutputs(t *testing.T, repo string, cases []outputCase, run func(args ...string) (int, string)) {
	t.Helper()
	target := filepath.Join(filepath.Dir(repo), "outside", "tool-binary")
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(target, []byte("precious"), 0o755); err != nil {
				t.Fatal(err)
			}
			plain := filepath.Join(repo, "plain-"+string(rune('a'+i)))
			if c.env != "" {
				t.Setenv(c.env, plain)
			}
			if code, stderr := run(c.withPath(plain)...); code == 2 {
				t.Fatalf("writing a new file: exit 2: %s", stderr)
			}
			if b, err := os.ReadFile(plain); err != nil || len(b) == 0 {
				t.Fatalf("nothing written to a new file: %v", err)
			}

			link := filepath.Join(repo, "link-"+string(rune('a'+i)))
			if err := os.Symlink("../outside/tool-binary", link); err != nil {
				t.Fatal(err)
			}
			if c.env != "" {
				t.Setenv(c.env, link)
			}
			code, stderr := run(c.withPath(link)...)
			if code != 2 || !strings.Contains(stderr, link+" is a symbolic link") {
				t.Errorf("exit %d, want 2 and the link refused; stderr: %s", code, stderr)
			}
			if b, _ := os.ReadFile(target); string(b) != "precious" {
				t.Errorf("the link's target was overwritten: %q...", b[:min(len(b), 60)])
			}
			if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link was replaced: %v %v", st, err)
			}
		})
	}
}

// TestLintOutputsRefuseLinks: no lint output is written through a
// symbolic link in the checkout (the action's default SARIF path used to
// be releasegate.sarif in the workspace).
func TestLintOutputsRefuseLinks(t *testing.T) {
	repo := hostileRepo(t, map[string]string{".github/workflows/w.yml": okWorkflow})
	cases := []outputCase{
		{name: "--sarif", args: []string{"--sarif", "OUT"}},
		{name: "--output", args: []string{"--format", "json", "--output", "OUT"}},
		{name: "--baseline-write", args: []string{"--baseline-write", "OUT"}},
		{name: "GITHUB_STEP_SUMMARY", args: []string{"--format", "github"}, env: "GITHUB_STEP_SUMMARY"},
	}
	checkOutputs(t, repo, cases, func(args ...string) (int, string) {
		code, _, stderr := runBounded(t, repo, append([]string{"lint"}, args...)...)
		return code, stderr
	})
}

// TestGateOutputsRefuseLinks: the same for every file a gate command
// writes.
func TestGateOutputsRefuseLinks(t *testing.T) {
	s, _ := scenario.Lookup("clean")
	g := startScenario(t, s)
	repo := hostileRepo(t, nil)
	cases := []outputCase{
		{name: "--output", args: []string{"preflight", "--on-existing", "skip", "--output", "OUT"}},
		{name: "GITHUB_OUTPUT", args: []string{"preflight", "--on-existing", "skip"}, env: "GITHUB_OUTPUT"},
		{name: "GITHUB_STEP_SUMMARY", args: []string{"preflight", "--on-existing", "skip"}, env: "GITHUB_STEP_SUMMARY"},
		{name: "record --ledger", args: []string{"record", "--ledger", "OUT"}},
		{name: "probe --metrics-file", args: []string{"probe", "--metrics-file", "OUT"}},
	}
	checkOutputs(t, repo, cases, func(args ...string) (int, string) {
		full := append([]string{"gate", args[0], "--config", g.cfg, "--version", scenario.Version,
			"--insecure-registry", g.env.Registries[0].Host, "--insecure-registry", g.env.Registries[1].Host}, args[1:]...)
		var stdout, stderr bytes.Buffer
		code := runMain(full, strings.NewReader(""), &stdout, &stderr)
		return code, stderr.String()
	})
}

// TestLintTextForgesNoCommand: a pull request that adds a file whose name
// holds a line break and a workflow command gets a finding on it, and the
// default text format prints the name without starting a command line
// (GitHub's runner reads both stdout and stderr for them).
func TestLintTextForgesNoCommand(t *testing.T) {
	name := "runbooks/n\n::error file=README.md::forged ##[add-mask]x.md"
	repo := hostileRepo(t, map[string]string{
		".github/workflows/w.yml": okWorkflow,
		name:                      "# Runbook\n\nSee [the steps](missing.md).\n",
	})
	code, out, stderr := runBounded(t, repo, "lint", "--format", "text", "--fail-on", "warning")
	if code != 1 || !strings.Contains(out, `"runbooks/n\n::error file=README.md::forged ##\x5badd-mask]x.md":3:`) {
		t.Fatalf("exit %d, want 1 and a finding on the file, quoted\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	if cmds := reporttest.Commands(out + stderr); len(cmds) > 0 {
		t.Errorf("workflow commands in the output: %q\n%s", cmds, out)
	}
}
