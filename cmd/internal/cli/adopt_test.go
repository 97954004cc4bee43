package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// Adopting releasegate on a repository that already has findings: a
// pull-request check that adds none passes, one that adds one fails —
// with --new-from-merge-base and with a baseline file.

// The old repository's main branch has two findings: a failure handler
// the implicit success() skips, and a dispatch input read on a schedule
// where it is empty. A required secret and a runbook link hold there, so
// a change can break them from another line or another file.
const (
	oldScan = `on:
  schedule:
    - cron: '0 4 * * *'
  workflow_dispatch:
    inputs:
      tag: {type: string, default: nightly}
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - id: trivy
        run: trivy image app
      - if: steps.trivy.outcome == 'failure'
        run: ./open-issue.sh
      - run: docker push "ghcr.io/acme/app:${{ inputs.tag }}"
`
	oldPublish = `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: ./login.sh
        env:
          T: ${{ secrets.REGISTRY_TOKEN_RW }}
`
	oldConfig = `version: 1
secrets:
  REGISTRY_TOKEN_RW:
    scopes: [read, write]
    required: [publish.yml]
`
	oldRunbook = "# Recovery\n\nSee [the token runbook](token.md).\n"
	tokenDoc   = "# Token\n"
)

type gitRepo = linttest.GitRepo

func newGitRepo(t *testing.T, files map[string]string) *gitRepo {
	t.Helper()
	r := linttest.NewGitRepo(t)
	for name, content := range files {
		r.Write(name, content)
	}
	r.Commit("main with old findings")
	return r
}

func oldFiles() map[string]string {
	return map[string]string{
		".github/workflows/scan.yml":    oldScan,
		".github/workflows/publish.yml": oldPublish,
		".releasegate.yaml":             oldConfig,
		"docs/runbooks/recovery.md":     oldRunbook,
		"docs/runbooks/token.md":        tokenDoc,
	}
}

// prs are pull requests against the old repository: what they change
// and whether they add a finding.
var prs = []struct {
	name   string
	change func(r *gitRepo)
	adds   string // the rule of the finding it adds, "" for none
}{
	{name: "lines added above the old findings, another file edited", change: func(r *gitRepo) {
		r.Write(".github/workflows/scan.yml", "# Nightly scan of the released image.\n"+oldScan)
		r.Write("docs/runbooks/recovery.md", oldRunbook+"\nMore words.\n")
	}},
	{name: "a new failure handler", adds: "failure-step-unreachable", change: func(r *gitRepo) {
		r.Write(".github/workflows/scan.yml", oldScan+"      - if: job.status == 'failure'\n        run: ./page.sh\n")
	}},
	{name: "the required reference removed in another line", adds: "secret-required", change: func(r *gitRepo) {
		r.Write(".github/workflows/publish.yml", strings.Replace(oldPublish, "${{ secrets.REGISTRY_TOKEN_RW }}", "x", 1))
	}},
	{name: "a link target deleted", adds: "runbook-link", change: func(r *gitRepo) {
		r.Git("rm", "-q", "docs/runbooks/token.md")
	}},
}

// prCheck lints the checkout the way the action does, with extra flags,
// and returns the exit code and the rules reported.
func prCheck(t *testing.T, dir string, flags ...string) (int, []string, string) {
	t.Helper()
	code, out, stderr := run(t, dir, append([]string{"lint", "--format", "json"}, flags...)...)
	var res struct {
		Findings []struct{ Rule string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON (%v): %s\n%s", err, out, stderr)
	}
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.Rule)
	}
	return code, rules, out
}

func TestAdoptWithMergeBase(t *testing.T) {
	for _, pr := range prs {
		t.Run(pr.name, func(t *testing.T) {
			r := newGitRepo(t, oldFiles())
			if code, _, _ := prCheck(t, r.Dir); code != 1 {
				t.Fatalf("main itself: exit %d, want 1 (it has findings)", code)
			}
			r.Git("checkout", "-q", "-b", "pr")
			pr.change(r)
			r.Commit(pr.name)
			checkPR(t, r.Dir, pr.adds, "--new-from-merge-base", "main")
		})
	}
}

func TestAdoptWithBaseline(t *testing.T) {
	for _, pr := range prs {
		t.Run(pr.name, func(t *testing.T) {
			r := newGitRepo(t, oldFiles())
			code, out, stderr := run(t, r.Dir, "lint", "--baseline-write", "releasegate-baseline.json")
			if code != 0 || !strings.Contains(stderr, "recorded 2 findings in releasegate-baseline.json") {
				t.Fatalf("--baseline-write: exit %d\n%s\n%s", code, out, stderr)
			}
			r.Commit("adopt releasegate")
			pr.change(r)
			checkPR(t, r.Dir, pr.adds, "--baseline", "releasegate-baseline.json")
		})
	}
}

func checkPR(t *testing.T, dir, adds string, flags ...string) {
	t.Helper()
	code, rules, out := prCheck(t, dir, append(flags, "--fail-on", "warning")...) // runbook-link is a warning
	switch {
	case adds == "" && (code != 0 || len(rules) != 0):
		t.Errorf("a change adding no finding: exit %d, findings %v\n%s", code, rules, out)
	case adds != "" && (code != 1 || strings.Join(rules, ",") != adds):
		t.Errorf("a change adding a %s finding: exit %d, findings %v\n%s", adds, code, rules, out)
	}
}

// TestBaselineLifecycle: the configuration's lint.baseline is used
// without a flag, fixed findings are listed so the file can shrink, and a
// missing baseline stops the check instead of passing it.
func TestBaselineLifecycle(t *testing.T) {
	files := oldFiles()
	files[".releasegate.yaml"] = oldConfig + "lint:\n  baseline: .github/releasegate-baseline.json\n"
	r := newGitRepo(t, files)
	if code, _, stderr := run(t, r.Dir, "lint", "--format", "json", "--baseline", ".github/releasegate-baseline.json"); code != 2 ||
		!strings.Contains(stderr, "does not exist; record one with releasegate lint --baseline-write") {
		t.Errorf("a missing baseline: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, r.Dir, "lint"); code != 2 || !strings.Contains(stderr, "lint.baseline") {
		t.Errorf("a missing configured baseline: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, r.Dir, "lint", "--baseline-write", ".github/releasegate-baseline.json"); code != 0 {
		t.Fatalf("--baseline-write: exit %d, %s", code, stderr)
	}
	code, out, _ := run(t, r.Dir, "lint")
	if code != 0 || !strings.Contains(out, "2 findings hidden by the baseline .github/releasegate-baseline.json") {
		t.Errorf("lint with lint.baseline: exit %d\n%s", code, out)
	}
	// The failure handler is fixed: the baseline lists it as fixed.
	r.Write(".github/workflows/scan.yml", strings.Replace(oldScan, "steps.trivy.outcome == 'failure'", "failure() && steps.trivy.outcome == 'failure'", 1))
	code, out, _ = run(t, r.Dir, "lint")
	if code != 0 || !strings.Contains(out, "fixed since the baseline: workflows/scan.yml:13: if: steps.trivy.outcome == 'failure'") ||
		!strings.Contains(out, "(1 recorded finding no longer found: shrink it with --baseline-write)") {
		t.Errorf("a fixed baseline finding:\n%s", out)
	}
	_, _, jsonOut := prCheck(t, r.Dir)
	ValidateJSON(t, LintSchema, jsonOut)
	var res struct {
		Baseline struct {
			Hidden int `json:"hidden"`
			Fixed  []struct {
				Rule string `json:"rule"`
				File string `json:"file"`
			} `json:"fixed"`
		} `json:"baseline"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &res); err != nil {
		t.Fatal(err)
	}
	if res.Baseline.Hidden != 1 || len(res.Baseline.Fixed) != 1 || res.Baseline.Fixed[0].Rule != "failure-step-unreachable" ||
		res.Baseline.Fixed[0].File != "workflows/scan.yml" {
		t.Errorf("JSON baseline outcome: %+v", res.Baseline)
	}
}

// TestBaselineOutsideRepository: a configured baseline is read like the
// rest of the checkout: a symbolic link out of the repository is refused,
// not followed.
func TestBaselineOutsideRepository(t *testing.T) {
	files := oldFiles()
	files[".releasegate.yaml"] = oldConfig + "lint:\n  baseline: baseline.json\n"
	r := newGitRepo(t, files)
	outside := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(outside, []byte(`{"version":1,"findings":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(r.Dir, "baseline.json")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, r.Dir, "lint")
	if code != 2 || !strings.Contains(stderr, "lint.baseline") || !strings.Contains(stderr, "outside") {
		t.Errorf("a baseline linking out of the repository: exit %d, %s", code, stderr)
	}
}

// TestNewFromRevUncommitted: --new-from-rev sees the working tree, so a
// pre-commit hook reports what the commit is about to add; a changed
// configuration makes every finding new.
func TestNewFromRevUncommitted(t *testing.T) {
	r := newGitRepo(t, oldFiles())
	if code, rules, _ := prCheck(t, r.Dir, "--new-from-rev", "HEAD"); code != 0 || len(rules) != 0 {
		t.Errorf("nothing changed: exit %d, %v", code, rules)
	}
	r.Write(".github/workflows/scan.yml", oldScan+"      - if: job.status == 'failure'\n        run: ./page.sh\n")
	code, rules, jsonOut := prCheck(t, r.Dir, "--new-from-rev", "HEAD")
	if code != 1 || strings.Join(rules, ",") != "failure-step-unreachable" {
		t.Errorf("an uncommitted handler: exit %d, %v", code, rules)
	}
	ValidateJSON(t, LintSchema, jsonOut)
	code, out, _ := run(t, r.Dir, "lint", "--new-from-rev", "HEAD")
	if !strings.Contains(out, "2 findings on lines unchanged since HEAD not reported") {
		t.Errorf("the summary does not say what was left out:\n%s (exit %d)", out, code)
	}
	r.Write(".releasegate.yaml", oldConfig+"# a comment\n")
	if _, rules, _ := prCheck(t, r.Dir, "--new-from-rev", "HEAD"); len(rules) != 3 {
		t.Errorf("with the configuration changed, %d findings reported, want all 3: %v", len(rules), rules)
	}
	if code, _, stderr := run(t, r.Dir, "lint", "--new-from-rev", "no-such-rev"); code != 2 || !strings.Contains(stderr, "not a commit") {
		t.Errorf("an unknown revision: exit %d, %s", code, stderr)
	}
}
