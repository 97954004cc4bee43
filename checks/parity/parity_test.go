package parity_test

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/checks/parity"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

const fixtures = "../../fixtures/testdata/parity"

const (
	runbook = "docs/runbooks/registry-recovery.md"
	release = ".github/workflows/release.yml"
	hubSync = ".github/workflows/hub-sync.yml"
	cfgFile = ".releasegate.yaml"
)

// want is one expected finding; contains are substrings of its message
// (always including where the source item is).
type want struct {
	rule     string
	file     string
	line     int
	contains []string
}

func TestFixtures(t *testing.T) {
	src1, src2, src3 := runbook+":21", runbook+":25", runbook+":28"
	tests := []struct {
		variant string
		want    []want
	}{
		{"clean", nil},
		{"clean-exact", nil},
		{"explicit-anchor", nil},
		// Rewording keeps every fact, so facts mode accepts it ...
		{"reworded", nil},
		// ... and exact mode does not.
		{"reworded-exact", []want{{parity.Drift.ID, release, 32, []string{src2, "owner part of", "must match the namespace"}}}},
		{"changed-url", []want{{parity.Drift.ID, release, 29, []string{
			src1, "missing https://hub.docker.com/settings/security", "added https://hub.docker.com/account/tokens"}}}},
		{"renamed-token", []want{{parity.Drift.ID, hubSync, 28, []string{
			src1, "missing `gh secret set DOCKERHUB_TOKEN_DELETE`", "added `gh secret set DOCKERHUB_TOKEN`"}}}},
		{"dropped-item", []want{{parity.Drift.ID, release, 32, []string{src2, "Wrong account name.", "missing from this copy"}}}},
		{"reordered-item", []want{{parity.Drift.ID, release, 34, []string{src2, "out of order", "Wrong account name."}}}},
		{"extra-item", []want{{parity.Drift.ID, release, 36, []string{src1, "Rate limit.", "extra-items: allow"}}}},
		{"missing-anchor", []want{{parity.Missing.ID, cfgFile, 4, []string{"#frequent-docker-hub-failures", runbook, "#known-docker-hub-failures"}}}},
		{"missing-marker", []want{{parity.Missing.ID, cfgFile, 7, []string{"## Common Docker Hub causes", release}}}},
	}
	_ = src3
	for _, tt := range tests {
		t.Run(tt.variant, func(t *testing.T) {
			dir := filepath.Join(fixtures, tt.variant)
			res := lintDir(t, dir)
			if len(res.Errors) > 0 {
				t.Fatalf("input errors: %v", res.Errors)
			}
			if len(res.Findings) != len(tt.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(res.Findings), len(tt.want), dump(res.Findings))
			}
			for i, w := range tt.want {
				f := res.Findings[i]
				if f.Rule != w.rule || rel(t, dir, f.File) != w.file || f.Line != w.line {
					t.Errorf("finding %d = %s %s:%d, want %s %s:%d\n%s", i, f.Rule, rel(t, dir, f.File), f.Line, w.rule, w.file, w.line, f.Message)
				}
				for _, s := range w.contains {
					if !strings.Contains(f.Message, s) {
						t.Errorf("message lacks %q:\n%s", s, f.Message)
					}
				}
			}
		})
	}
}

// TestSourceDrift changes the runbook instead of a copy: both copies are
// then out of date and both are reported, each naming the source line.
func TestSourceDrift(t *testing.T) {
	dir := copyFixture(t, "clean")
	edit(t, filepath.Join(dir, runbook), "after 3 identical", "after 5 identical")
	res := lintDir(t, dir)
	if len(res.Findings) != 2 {
		t.Fatalf("got %d findings, want 2:\n%s", len(res.Findings), dump(res.Findings))
	}
	for i, file := range []string{hubSync, release} {
		f := res.Findings[i]
		if rel(t, dir, f.File) != file || !strings.Contains(f.Message, runbook+":28") ||
			!strings.Contains(f.Message, "missing 5") || !strings.Contains(f.Message, "added 3") {
			t.Errorf("finding %d: %s:%d %s", i, f.File, f.Line, f.Message)
		}
	}
}

// TestMissingSourceFile: a source file that does not exist is a finding,
// not a silent pass.
func TestMissingSourceFile(t *testing.T) {
	dir := copyFixture(t, "clean")
	if err := os.Remove(filepath.Join(dir, runbook)); err != nil {
		t.Fatal(err)
	}
	res := lintDir(t, dir)
	if len(res.Findings) != 1 || res.Findings[0].Rule != parity.Missing.ID || res.Findings[0].Line != 4 ||
		!strings.Contains(res.Findings[0].Message, "does not exist") {
		t.Fatalf("got:\n%s", dump(res.Findings))
	}
}

// TestBadCopies: unreadable copies stop the run (exit 2) with file:line;
// a missing copy file or an empty copy is a parity-missing finding.
func TestBadCopies(t *testing.T) {
	tests := []struct {
		name, file, content string
		rule                string // finding expected, or "" for an input error
		line                int
		contains            string
	}{
		{"bad-yaml", "ci/notify.yml", "a: b\n  c: [d\n", "", 2, "invalid YAML"},
		{"binary", "ci/notify.md", "## Common Docker Hub causes\x00\n", "", 0, "binary file"},
		{"absent", "", "", parity.Missing.ID, 6, "copy file ci/notify.md does not exist"},
		{"empty", "ci/notify.md", "## Common Docker Hub causes\n\nNothing listed yet.\n", parity.Missing.ID, 1, "no list items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyFixture(t, "clean")
			target := "ci/notify.md"
			if tt.file != "" {
				target = tt.file
				write(t, filepath.Join(dir, tt.file), tt.content)
			}
			write(t, filepath.Join(dir, cfgFile), "version: 1\nparity:\n  - name: p\n    source: "+runbook+
				"#frequent-docker-hub-failures\n    copies:\n      - file: "+target+"\n        section: \"## Common Docker Hub causes\"\n")
			res := lintDir(t, dir)
			if tt.rule == "" {
				if len(res.Errors) != 1 || res.Errors[0].Line != tt.line || !strings.Contains(res.Errors[0].Message, tt.contains) ||
					rel(t, dir, res.Errors[0].File) != tt.file {
					t.Fatalf("errors %+v, findings:\n%s", res.Errors, dump(res.Findings))
				}
				if res.Outcome(rule.Error).ExitCode() != 2 {
					t.Errorf("exit code %d, want 2", res.Outcome(rule.Error).ExitCode())
				}
				return
			}
			if len(res.Findings) != 1 || res.Findings[0].Rule != tt.rule || res.Findings[0].Line != tt.line ||
				!strings.Contains(res.Findings[0].Message, tt.contains) {
				t.Fatalf("got errors %+v findings:\n%s", res.Errors, dump(res.Findings))
			}
		})
	}
}

// TestSuppression: an HTML comment above a copy item, which a rendered
// issue body hides, suppresses the drift with its reason.
func TestSuppression(t *testing.T) {
	dir := copyFixture(t, "changed-url")
	edit(t, filepath.Join(dir, release), "            - **Expired or revoked token.**",
		"            <!-- releasegate:ignore[parity-drift] the new settings page is correct -->\n            - **Expired or revoked token.**")
	res := lintDir(t, dir)
	if len(res.Findings) != 1 || !res.Findings[0].Suppressed || res.Findings[0].SuppressReason != "the new settings page is correct" {
		t.Fatalf("got:\n%s", dump(res.Findings))
	}
}

// TestCopyShapes puts the same copy in the other places workflows carry
// text: a run: here-document, an env: value, a Markdown file.
func TestCopyShapes(t *testing.T) {
	body := "- **Expired or revoked token.** Make a new `DOCKERHUB_TOKEN_RW` at https://hub.docker.com/settings/security, then run `gh secret set DOCKERHUB_TOKEN_RW`.\n" +
		"- **Wrong account name.** `DOCKERHUB_USERNAME` must match the namespace of `acme/widget`.\n" +
		"- **Hub outage.** Re-run with `workflow_dispatch`; after 4 identical failures check https://status.docker.com.\n"
	indent := func(s, pre string) string {
		return pre + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+pre) + "\n"
	}
	tests := []struct {
		name, file, section, content string
		line                         int // of the drifting "Hub outage" item
	}{
		{"heredoc", ".github/workflows/release.yml", "## Common Docker Hub causes",
			"on: push\njobs:\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n" +
				"          cat > body.md <<'EOF'\n          ## Common Docker Hub causes\n\n" + indent(body, "          ") +
				"          EOF\n          # a shell comment, not a heading\n          gh issue create --body-file body.md\n", 12},
		{"env", ".github/workflows/release.yml", "Common causes:",
			"on: push\nenv:\n  CAUSES: |\n    Common causes:\n" + indent(body, "    ") + "    Trailing prose ends the list.\njobs: {}\n", 7},
		{"markdown", "docs/copy.md", "## Common Docker Hub causes",
			"# Copy\n\n## Common Docker Hub causes\n\n" + body + "\n## Next\n\n- not part of it\n", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyFixture(t, "clean")
			write(t, filepath.Join(dir, tt.file), tt.content)
			write(t, filepath.Join(dir, cfgFile), "version: 1\nparity:\n  - name: p\n    source: "+runbook+
				"#frequent-docker-hub-failures\n    copies:\n      - file: "+tt.file+"\n        section: \""+tt.section+"\"\n")
			res := lintDir(t, dir)
			if len(res.Findings) != 1 {
				t.Fatalf("got %d findings:\n%s", len(res.Findings), dump(res.Findings))
			}
			f := res.Findings[0]
			if f.Rule != parity.Drift.ID || rel(t, dir, f.File) != tt.file || f.Line != tt.line ||
				!strings.Contains(f.Message, "missing 3; added 4") || !strings.Contains(f.Message, runbook+":28") {
				t.Errorf("got %s %s:%d %s", f.Rule, f.File, f.Line, f.Message)
			}
		})
	}
}

// BenchmarkCheck times the parity check on the fixture repository and
// reports it as a ratio against a named baseline: decoding the same two
// workflows with yaml.v3 (which the check must do at least once).
func BenchmarkCheck(b *testing.B) {
	benchDir(b, filepath.Join(fixtures, "changed-url"))
}

// BenchmarkCheckLarge is the same with a 200-item section and a copy of it.
func BenchmarkCheckLarge(b *testing.B) {
	dir := b.TempDir()
	var src, cpy strings.Builder
	src.WriteString("# Runbook\n\n## Causes\n\n")
	cpy.WriteString("on: push\njobs:\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/issue@v1\n        with:\n          body: |\n            ## Causes\n\n")
	for i := range 200 {
		item := fmt.Sprintf("**Cause %d.** Rotate `TOKEN_%d` at https://example.com/settings/%d within %d hours.", i, i, i, i%24)
		src.WriteString(item + "\n\n")
		if i == 150 {
			item = strings.Replace(item, "hours", "hours; see https://example.com/x", 1)
		}
		cpy.WriteString("            - " + item + "\n")
	}
	write(b, filepath.Join(dir, "docs/runbook.md"), src.String())
	write(b, filepath.Join(dir, release), cpy.String())
	write(b, filepath.Join(dir, cfgFile), "version: 1\nparity:\n  - name: big\n    source: docs/runbook.md#causes\n    copies:\n      - file: "+release+"\n        section: \"## Causes\"\n")
	benchDir(b, dir)
}

// benchDir benchmarks a fixture whose copy has exactly one drift.
func benchDir(b *testing.B, dir string) {
	ws, cfg := load(b, dir)
	set := rule.NewSet(parity.Check.Rules)
	base := yamlBaseline(b, ws)
	b.ResetTimer()
	for b.Loop() {
		res, err := lint.Run(lint.Options{Workspace: ws, Config: cfg, Checks: []lint.Check{parity.Check}, Rules: set})
		if err != nil || len(res.Findings) != 1 {
			b.Fatalf("unexpected result: %v %s", err, dump(res.Findings))
		}
	}
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/base, "x-yaml.v3-decode")
}

// yamlBaseline is the time, in ns, to decode the workspace's workflows
// into yaml.v3 nodes once.
func yamlBaseline(b *testing.B, ws *workspace.Workspace) float64 {
	const rounds = 200
	start := time.Now()
	for range rounds {
		for _, wf := range ws.Workflows {
			var n yaml.Node
			if err := yaml.Unmarshal(wf.Src, &n); err != nil {
				b.Fatal(err)
			}
		}
	}
	return float64(time.Since(start).Nanoseconds()) / rounds
}

func load(tb testing.TB, dir string) (*workspace.Workspace, *config.Config) {
	tb.Helper()
	ws, err := workspace.Load(workspace.Options{Paths: []string{dir}})
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, cfgFile))
	if err != nil {
		tb.Fatal(err)
	}
	return ws, cfg
}

func lintDir(t *testing.T, dir string) *report.Result {
	t.Helper()
	ws, cfg := load(t, dir)
	res, err := lint.Run(lint.Options{
		Workspace: ws, Config: cfg, Checks: []lint.Check{parity.Check}, Rules: rule.NewSet(parity.Check.Rules),
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rel(t *testing.T, dir, file string) string {
	t.Helper()
	absDir, _ := filepath.Abs(dir)
	absFile, _ := filepath.Abs(filepath.FromSlash(file))
	r, err := filepath.Rel(absDir, absFile)
	if err != nil {
		return file
	}
	return filepath.ToSlash(r)
}

func dump(fs []report.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(report.Position(f.File, f.Line, f.Column) + f.Message + " [" + f.Rule + "]\n")
	}
	return b.String()
}

// copyFixture copies a fixture into a temporary directory the test may edit.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(fixtures, name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

func edit(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(b, []byte(old)) {
		t.Fatalf("edit %s: %v (or %q not found)", file, err, old)
	}
	write(t, file, strings.Replace(string(b), old, new, 1))
}

func write(t testing.TB, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWorkingDir: paths in findings are relative to the run's working
// directory (lint.Options.Load.WorkingDir), not to the process's: a
// finding at the configuration and its dependencies alike.
func TestWorkingDir(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join(fixtures, "missing-anchor"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, cfgFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, wd := range []string{dir, filepath.Dir(dir)} {
		res, err := lint.Run(lint.Options{
			Load:   workspace.Options{Paths: []string{dir}, WorkingDir: wd},
			Config: cfg, Checks: []lint.Check{parity.Check}, Rules: rule.NewSet(parity.Check.Rules),
		})
		if err != nil {
			t.Fatal(err)
		}
		prefix, _ := filepath.Rel(wd, dir)
		want := path.Join(filepath.ToSlash(prefix), cfgFile)
		if len(res.Findings) != 1 || res.Findings[0].File != want {
			t.Fatalf("working directory %s: findings\n%s want one at %s", wd, dump(res.Findings), want)
		}
		for _, d := range res.Findings[0].DependsOn {
			if path.IsAbs(d) || (prefix != "." && !strings.HasPrefix(d, filepath.ToSlash(prefix)+"/")) {
				t.Errorf("working directory %s: depends on %q, not relative to it", wd, d)
			}
		}
	}
}
