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
