package action

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lint.sh is the action's lint step. A stand-in releasegate records the
// arguments it was run with; the checkouts are real git repositories,
// cloned from a local "origin" the way actions/checkout clones a pull
// request (shallow, the base branch absent).

// fakeLint records its arguments, one per line, in $RG_ARGS_FILE.
const fakeLint = "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$RG_ARGS_FILE\"\n"

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.test", "-c", "commit.gpgsign=false",
		"-c", "protocol.file.allow=always"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// origin is a repository with a main branch and a pull request branch
// made of two commits on top of it, while main moved on.
func origin(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	for i, msg := range []string{"one", "two", "three"} {
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(strings.Repeat("x\n", i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		gitIn(t, dir, "add", "-A")
		gitIn(t, dir, "commit", "-q", "-m", msg)
	}
	gitIn(t, dir, "checkout", "-q", "-b", "pr")
	for _, msg := range []string{"pr one", "pr two"} {
		if err := os.WriteFile(filepath.Join(dir, msg+".txt"), []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
		gitIn(t, dir, "add", "-A")
		gitIn(t, dir, "commit", "-q", "-m", msg)
	}
	gitIn(t, dir, "checkout", "-q", "main")
	if err := os.WriteFile(filepath.Join(dir, "g.txt"), []byte("main moved on"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "main moved on")
	return dir
}

// runLint runs lint.sh in checkout with the action's variables and
// returns its exit code, output and the arguments releasegate got.
func runLint(t *testing.T, checkout string, vars ...string) (int, string, []string) {
	t.Helper()
	script, err := filepath.Abs("lint.sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(script); err != nil { // so go test's cache notices changes
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "releasegate")
	if err := os.WriteFile(bin, []byte(fakeLint), 0o755); err != nil {
		t.Fatal(err)
	}
	argsFile := filepath.Join(t.TempDir(), "args")
	cmd := exec.Command("bash", script)
	cmd.Dir = checkout
	for _, kv := range os.Environ() {
		// Not the runner's own files, when the tests run in Actions.
		if !strings.HasPrefix(kv, "RG_") && !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "GITHUB_") && !strings.HasPrefix(kv, "RUNNER_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "RG_BIN="+bin, "RG_ARGS_FILE="+argsFile, "RG_PATHS=.", "RG_FAIL_ON=error", "RG_SARIF=out.sarif",
		"GITHUB_OUTPUT="+filepath.Join(t.TempDir(), "output"),
		"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=protocol.file.allow", "GIT_CONFIG_VALUE_0=always")
	cmd.Env = append(cmd.Env, vars...)
	out, err := cmd.CombinedOutput()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(argsFile)
	return code, string(out), strings.Fields(string(b))
}

func flagValue(args []string, flag string) (string, bool) {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// TestLintOnPullRequest: the default new-from-merge-base (the pull
// request's base) works on a shallow checkout of the pull request: the
// base is fetched, the history deepened, and releasegate gets a ref
// whose merge base with HEAD is where the pull request branched.
func TestLintOnPullRequest(t *testing.T) {
	remote := origin(t)
	checkout := filepath.Join(t.TempDir(), "checkout")
	gitIn(t, filepath.Dir(checkout), "clone", "-q", "--depth", "1", "--branch", "pr", "file://"+remote, checkout)

	code, out, args := runLint(t, checkout, "RG_NEW_FROM_MERGE_BASE=main", "RG_BASELINE=.github/baseline.json")
	if code != 0 {
		t.Fatalf("lint.sh: exit %d\n%s", code, out)
	}
	ref, ok := flagValue(args, "--new-from-merge-base")
	if !ok || ref != "origin/main" {
		t.Fatalf("releasegate got %v, want --new-from-merge-base origin/main", args)
	}
	if b, _ := flagValue(args, "--baseline"); b != ".github/baseline.json" {
		t.Errorf("releasegate got %v, want --baseline .github/baseline.json", args)
	}
	want := gitIn(t, remote, "rev-parse", "main~1") // where pr branched
	if got := gitIn(t, checkout, "merge-base", ref, "HEAD"); got != want {
		t.Errorf("merge base in the checkout is %s, want %s", got, want)
	}
}

// TestLintWithoutMergeBase: off a pull request (empty) or with "none",
// every finding is reported; a base that cannot be fetched stops the
// check (exit 2) instead of reporting everything or nothing.
func TestLintWithoutMergeBase(t *testing.T) {
	remote := origin(t)
	checkout := filepath.Join(t.TempDir(), "checkout")
	gitIn(t, filepath.Dir(checkout), "clone", "-q", "--branch", "pr", "file://"+remote, checkout)
	for _, v := range []string{"", "none"} {
		code, out, args := runLint(t, checkout, "RG_NEW_FROM_MERGE_BASE="+v)
		if _, ok := flagValue(args, "--new-from-merge-base"); code != 0 || ok || len(args) == 0 {
			t.Errorf("new-from-merge-base=%q: exit %d, args %v\n%s", v, code, args, out)
		}
	}
	code, out, args := runLint(t, checkout, "RG_NEW_FROM_MERGE_BASE=no-such-branch")
	if code != 2 || len(args) != 0 || !strings.Contains(out, "::error title=releasegate::new-from-merge-base: cannot fetch no-such-branch") {
		t.Errorf("an unknown base: exit %d, args %v\n%s", code, args, out)
	}
	// A local branch is used as it is.
	if _, _, args := runLint(t, checkout, "RG_NEW_FROM_MERGE_BASE=pr"); len(args) == 0 || args[len(args)-2] != "pr" {
		t.Errorf("a local branch: args %v", args)
	}
}

// TestActionPassesTheInputs keeps action.yml and lint.sh in step: every
// variable lint.sh reads is set by the step, from the inputs, and
// new-from-merge-base defaults to the pull request's base.
func TestActionPassesTheInputs(t *testing.T) {
	b, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{
		"RG_BASELINE: ${{ inputs.baseline }}",
		"RG_NEW_FROM_MERGE_BASE: ${{ inputs.new-from-merge-base }}",
		"default: ${{ github.base_ref }}",
		"RG_SARIF: ${{ inputs.sarif-file }}",
		"value: ${{ steps.lint.outputs.sarif-file }}",
		"id: lint",
		`run: bash "$RG_ACTION_PATH/action/lint.sh"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("action.yml does not say %q", want)
		}
	}
}

// TestLintSARIFPath: by default the SARIF report goes under RUNNER_TEMP,
// outside the checkout where a pull request could commit a symbolic link
// at the path, and the step's sarif-file output names where it went.
func TestLintSARIFPath(t *testing.T) {
	temp := t.TempDir()
	tests := []struct {
		name, sarif, runnerTemp string
		code                    int
		want                    string // the --sarif releasegate gets, and the output
	}{
		{name: "default", runnerTemp: temp, want: filepath.Join(temp, "releasegate.sarif")},
		{name: "chosen by the workflow", sarif: "reports/lint.sarif", runnerTemp: temp, want: "reports/lint.sarif"},
		{name: "nowhere to put it", code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			output := filepath.Join(t.TempDir(), "output")
			code, out, args := runLint(t, t.TempDir(), "RG_SARIF="+tt.sarif, "RUNNER_TEMP="+tt.runnerTemp, "GITHUB_OUTPUT="+output)
			b, _ := os.ReadFile(output)
			if tt.code != 0 {
				if code != tt.code || len(args) != 0 || !strings.Contains(out, "::error title=releasegate::sarif-file: empty") || len(b) != 0 {
					t.Fatalf("exit %d, args %v, output %q\n%s", code, args, b, out)
				}
				return
			}
			if got, _ := flagValue(args, "--sarif"); code != 0 || got != tt.want {
				t.Fatalf("exit %d, releasegate got --sarif %q, want %q\n%s", code, got, tt.want, out)
			}
			if string(b) != "sarif-file="+tt.want+"\n" {
				t.Errorf("GITHUB_OUTPUT holds %q", b)
			}
		})
	}
}
