package runbooklink_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/checks/runbooklink"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

const fixture = "../../fixtures/testdata/runbooklink/broken"

func TestFixture(t *testing.T) {
	const (
		wf    = ".github/workflows/release.yml"
		index = "docs/runbooks/index.md"
	)
	want := []struct {
		file     string
		line     int
		contains string
	}{
		// ${{ github.repository }} is always this repository.
		{wf, 27, "has no heading or anchor #token-rotation"},
		// github.com/acme/widget is this repository per the configuration.
		{wf, 28, "docs/runbooks/dockerhub.md does not exist"},
		{index, 5, "docs/runbooks/tag-cleanup.md does not exist"},
		{index, 6, "has no heading or anchor #token-rotation"},
		{index, 7, "has 28 lines, so #L400 points past its end"},
		{index, 18, "docs/runbooks/missing-ref.md does not exist"},
	}
	res := lintDir(t, fixture, nil)
	if len(res.Findings) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%s", len(res.Findings), len(want), dump(res.Findings))
	}
	for i, w := range want {
		f := res.Findings[i]
		if f.Rule != runbooklink.Rule.ID || rel(fixture, f.File) != w.file || f.Line != w.line || !strings.Contains(f.Message, w.contains) {
			t.Errorf("finding %d = %s %s:%d %q, want %s:%d containing %q", i, f.Rule, rel(fixture, f.File), f.Line, f.Message, w.file, w.line, w.contains)
		}
		if f.Severity != rule.Warning {
			t.Errorf("severity %s, want warning by default", f.Severity)
		}
	}
}

// TestGitOrigin: without configuration, the git remote origin says which
// github.com URLs belong to this repository.
func TestGitOrigin(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q"}, {"remote", "add", "origin", "git@github.com:Acme/Widget.git"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	write(t, filepath.Join(dir, "docs/ok.md"), "# Ok\n\n## Steps\n")
	write(t, filepath.Join(dir, "docs/runbooks/README.md"),
		"- https://github.com/acme/widget/blob/main/docs/ok.md#steps\n"+
			"- https://github.com/acme/widget/tree/main/docs\n"+
			"- https://github.com/acme/widget/blob/main/docs/ok.md#stepz\n"+
			"- https://github.com/someone/else/blob/main/docs/nope.md\n")
	res := lintDir(t, dir, config.Default(dir))
	if len(res.Findings) != 1 || res.Findings[0].Line != 3 || !strings.Contains(res.Findings[0].Message, "#stepz") {
		t.Fatalf("got:\n%s", dump(res.Findings))
	}
}

// BenchmarkCheck reports the check's time as a ratio against a named
// baseline: workspace.Load of the same fixture (discovery and parsing,
// which every lint run pays once).
func BenchmarkCheck(b *testing.B) {
	ws, cfg := load(b, fixture, nil)
	set := rule.NewSet(runbooklink.Check.Rules)
	const rounds = 20
	start := time.Now()
	for range rounds {
		load(b, fixture, cfg)
	}
	base := float64(time.Since(start).Nanoseconds()) / rounds
	b.ResetTimer()
	for b.Loop() {
		if _, err := lint.Run(lint.Options{Workspace: ws, Config: cfg, Checks: []lint.Check{runbooklink.Check}, Rules: set}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/base, "x-workspace-load")
}

func load(tb testing.TB, dir string, cfg *config.Config) (*workspace.Workspace, *config.Config) {
	tb.Helper()
	ws, err := workspace.Load(workspace.Options{Paths: []string{dir}})
	if err != nil {
		tb.Fatal(err)
	}
	if cfg == nil {
		if cfg, err = config.Load(filepath.Join(dir, ".releasegate.yaml")); err != nil {
			tb.Fatal(err)
		}
	}
	return ws, cfg
}

func lintDir(t *testing.T, dir string, cfg *config.Config) *report.Result {
	t.Helper()
	ws, cfg := load(t, dir, cfg)
	res, err := lint.Run(lint.Options{Workspace: ws, Config: cfg, Checks: []lint.Check{runbooklink.Check}, Rules: rule.NewSet(runbooklink.Check.Rules)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rel(dir, file string) string {
	absDir, _ := filepath.Abs(dir)
	absFile, _ := filepath.Abs(filepath.FromSlash(file))
	if r, err := filepath.Rel(absDir, absFile); err == nil {
		return filepath.ToSlash(r)
	}
	return file
}

func dump(fs []report.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(report.Position(f.File, f.Line, f.Column) + f.Message + "\n")
	}
	return b.String()
}

func write(t *testing.T, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSpansFromTheSyntaxTree: links are found by the Markdown parser, at
// any nesting, and each finding covers the link's destination (» starts,
// « ends it); text in code is not a link.
func TestSpansFromTheSyntaxTree(t *testing.T) {
	repo := func(md string) map[string]string {
		return map[string]string{
			".releasegate.yaml":      "version: 1\ngate:\n  attestations:\n    identity:\n      source-repository: acme/widget\n",
			"docs/runbooks/ok.md":    "# Ok\n\n## Steps <a name=\"old-steps\"></a>\n\nTokens and steps\n----------------\n",
			"docs/runbooks/index.md": md,
		}
	}
	linttest.RunCases(t, runbooklink.Rule.ID, runbooklink.Check, []linttest.Case{
		{Name: "inline links, images and anchors", Files: repo("[a](ok.md#steps) [b](»ok.md#nope«) ![c](»img/x.png«)\n[d](ok.md#old-steps) [e](ok.md#tokens-and-steps) [f](<»no such.md«>)\n")},
		{Name: "in a block quote inside a list item", Files: repo("1. First\n2. Then:\n\n   > See [the steps](»ok.md#step«)\n   > and [this](ok.md).\n")},
		{Name: "reference definitions, used or not", Files: repo("See [the steps][s] and [again][s].\n\n[s]: »gone.md#x«\n  [t]: »other.md« \"unused\"\n")},
		{Name: "links in code are not links", Files: repo("`[x](nope.md)`\n\n```md\n[y](nope.md)\n```\n\n- item\n\n      [z](nope.md)\n")},
		{Name: "links to this repository as URLs", Files: repo("Bare »https://github.com/acme/widget/blob/main/docs/nope.md«.\n" +
			"<»https://github.com/acme/widget/blob/main/docs/ok.md#nope«>\n" +
			"[x](»https://github.com/acme/widget/blob/main/gone.md«)\n" +
			"<a href=\"»https://github.com/acme/widget/tree/main/nowhere«\">x</a>\n" +
			"https://github.com/someone/else/blob/main/nope.md\n")},
		{Name: "heading anchors are GitHub's", Files: repo("# Été 2026: notes!\n\n## Notes\n\n## Notes\n\n[a](#été-2026-notes) [b](#notes-1) [c](»#notes-2«)\n")},
	})
}

// TestOnlyRunbooksAreRead: links in product documentation (often site
// routes or generated pages) are not judged; runbooks are, whichever way
// they are known.
func TestOnlyRunbooksAreRead(t *testing.T) {
	const broken = "# Page\n\nSee [setup](»missing.md«).\n"
	const brokenIgnored = "# Page\n\nSee [setup](missing.md) and [api](/docs/api/).\n"
	linktoRunbook := "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - run: echo \"see https://github.com/acme/widget/blob/main/docs/recovery.md\"\n"
	linttest.RunCases(t, runbooklink.Rule.ID, runbooklink.Check, []linttest.Case{
		{Name: "product docs are not runbooks", Files: map[string]string{"docs/guide/install.md": brokenIgnored, "README.md": brokenIgnored}},
		{Name: "a folder named runbooks", Files: map[string]string{"ops/Runbooks/tags.md": broken}},
		{Name: "a file named as a runbook", Files: map[string]string{"docs/release-runbook.md": broken}},
		{Name: "a file a workflow links to", Files: map[string]string{
			".releasegate.yaml":             "version: 1\ngate:\n  attestations:\n    identity:\n      source-repository: acme/widget\n",
			".github/workflows/release.yml": linktoRunbook,
			"docs/recovery.md":              broken,
			"docs/other.md":                 brokenIgnored,
		}},
		{Name: "a parity source", Files: map[string]string{
			".releasegate.yaml":             "version: 1\nparity:\n  - name: p\n    source: docs/causes.md#causes\n    copies:\n      - file: .github/workflows/release.yml\n        section: Causes\n",
			"docs/causes.md":                "# Causes\n\n- See [setup](»missing.md«).\n",
			".github/workflows/release.yml": "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n",
		}},
		{Name: "configured runbooks globs", Files: map[string]string{
			".releasegate.yaml":           "version: 1\nrunbooks: [\"handbook/**\"]\n",
			"handbook/oncall/registry.md": broken,
			"docs/guide.md":               brokenIgnored,
		}},
	})
}

// TestWorkflowLinks: links in a workflow's string values are found from
// its syntax tree, descriptions included; a link in a comment is not a
// link, and an anchored value used through aliases is one link. The last
// three make the text and the tree disagree, and the workflow is read
// again as YAML.
func TestWorkflowLinks(t *testing.T) {
	const base = "https://github.com/acme/widget/blob/main/docs/runbooks/"
	repo := func(wf string) map[string]string {
		return map[string]string{
			".releasegate.yaml":            "version: 1\ngate:\n  attestations:\n    identity:\n      source-repository: acme/widget\n",
			"docs/runbooks/ok.md":          "# Ok\n\n## Steps\n",
			".github/workflows/notify.yml": wf,
		}
	}
	linttest.RunCases(t, runbooklink.Rule.ID, runbooklink.Check, []linttest.Case{
		{Name: "values and descriptions", Files: repo("on:\n  workflow_dispatch:\n    inputs:\n      why:\n        description: see »" + base + "gone.md«\n" +
			"jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"»" + base + "ok.md#nope«\"\n      - run: echo " + base + "ok.md#steps\n" +
			"        env:\n          DOC: '»${{ github.server_url }}/${{ github.repository }}/blob/main/docs/runbooks/missing.md«'\n")},
		{Name: "a comment is not a link", Files: repo("on: push\n# " + base + "gone.md\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
			"      - run: echo »" + base + "also-gone.md« # " + base + "gone-too.md\n")},
		{Name: "an expression across lines", Files: repo("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n" +
			"          echo \"»${{\n            github.server_url }}/${{ github.repository }}/blob/main/docs/runbooks/gone.md«\"\n")},
		{Name: "a key the syntax tree does not keep", Files: repo("on: push\nx-runbook: »" + base + "gone.md«\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n")},
		{Name: "an alias repeats one link", Files: repo("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      DOC: &doc »" + base + "gone.md«\n" +
			"    steps:\n      - run: echo hi\n        env:\n          AGAIN: *doc\n")},
	})
}
