package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// run invokes the CLI in dir and returns exit code, stdout and stderr.
func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errOut bytes.Buffer
	code := runMain(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

type jsonResult struct {
	Version  int `json:"version"`
	Findings []struct {
		Rule, Severity, File, Message string
		Line, Column                  int
		Suppressed                    bool
	} `json:"findings"`
	Scanned map[string]int `json:"scanned"`
	Errors  []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

func decode(t *testing.T, s string) jsonResult {
	t.Helper()
	var r jsonResult
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return r
}

var tokenRules = map[string]bool{"secret-scope": true, "secret-required": true, "secret-variant": true, "secret-bulk": true, "delete-scope": true}

func TestLintTokenFixture(t *testing.T) {
	fixture, _ := filepath.Abs("../../../fixtures/testdata/tokens/violations")
	code, out, stderr := run(t, fixture, "lint", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	res := decode(t, out)
	want := []string{
		"delete-scope .github/actions/prune-tag/action.yml:20",
		"delete-scope .github/workflows/publish.yml:40",
		"delete-scope docs/runbooks/registry-recovery.md:24", // the command's own line
		"delete-scope docs/runbooks/registry-recovery.md:41", // in a block quote
		"delete-scope docs/runbooks/registry-recovery.md:53", // in a list item
		"secret-bulk .github/workflows/hub-metadata-sync.yml:22",
		"secret-bulk .github/workflows/verify-published.yml:15",
		"secret-required .github/workflows/hub-metadata-sync.yml:1",
		"secret-required .github/workflows/verify-published.yml:1",
		"secret-required .releasegate.yaml:13",
		"secret-scope .github/workflows/hub-metadata-sync.yml:14",
		"secret-scope .github/workflows/publish.yml:21",
		"secret-scope .github/workflows/tag-cleanup.yml:15",
		"secret-variant .github/workflows/hub-metadata-sync.yml:18",
		"secret-variant .github/workflows/hub-metadata-sync.yml:18",
	}
	var got, suppressed []string
	for _, f := range res.Findings {
		if !tokenRules[f.Rule] {
			continue
		}
		entry := fmt.Sprintf("%s %s:%d", f.Rule, f.File, f.Line)
		if f.Suppressed {
			suppressed = append(suppressed, entry)
			continue
		}
		got = append(got, entry)
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if len(suppressed) != 1 || !strings.HasPrefix(suppressed[0], "delete-scope docs/runbooks/registry-recovery.md:") {
		t.Errorf("suppressed = %v, want the historical runbook snippet", suppressed)
	}
	if res.Scanned["workflows"] != 4 || res.Scanned["actions"] != 1 || res.Scanned["markdown"] != 1 || res.Scanned["fences"] != 5 {
		t.Errorf("scanned = %v", res.Scanned)
	}
}

func TestLintCleanTwin(t *testing.T) {
	fixture, _ := filepath.Abs("../../../fixtures/testdata/tokens/clean")
	code, out, stderr := run(t, fixture, "lint", "--format", "json")
	res := decode(t, out)
	if code != 0 {
		t.Errorf("exit %d, want 0; stderr: %s", code, stderr)
	}
	for _, f := range res.Findings {
		if !f.Suppressed {
			t.Errorf("unexpected finding %+v", f)
		}
	}
	if res.Scanned["workflows"] != 5 {
		t.Errorf("scanned = %v", res.Scanned)
	}
}

func TestLintBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  string // in the one stderr/stdout error line
	}{
		{"nothing to scan", map[string]string{"notes.txt": "hello"}, nil, "nothing to scan"},
		{"malformed YAML", map[string]string{".github/workflows/x.yml": "on: push\njobs:\n  a: [\n"}, nil, ".github/workflows/x.yml:3: could not check: invalid YAML"},
		{"binary workflow", map[string]string{".github/workflows/x.yml": "\x7fELF\x02\x01\x00\x00garbage"}, nil, ".github/workflows/x.yml: could not check: binary file"},
		{"unknown config key", map[string]string{".releasegate.yaml": "version: 1\nsecrtes: {}\n", "README.md": "# x\n"}, nil, `.releasegate.yaml:2:1: configuration: unknown key "secrtes"`},
		{"unknown rule in config", map[string]string{".releasegate.yaml": "version: 1\nrules: {no-such-rule: off}\n", "README.md": "# x\n"}, nil, `unknown rule "no-such-rule"`},
		{"bad format", map[string]string{"README.md": "# x\n"}, []string{"--format", "xml"}, `unknown format "xml"`},
		{"bad fail-on", map[string]string{"README.md": "# x\n"}, []string{"--fail-on", "fatal"}, `--fail-on`},
		{"unknown disable", map[string]string{"README.md": "# x\n"}, []string{"--disable", "nope"}, `--disable: unknown rule "nope"`},
		{"unknown flag", map[string]string{"README.md": "# x\n"}, []string{"--frobnicate"}, "unknown flag"},
		{"missing path", map[string]string{"README.md": "# x\n"}, []string{"does-not-exist"}, "does-not-exist: no such file or directory"},
		{"missing --config", map[string]string{"README.md": "# x\n"}, []string{"--config", "nope.yaml"}, "nope.yaml: cannot read configuration"},
		{"binary --config", map[string]string{"README.md": "# x\n", "c.yaml": "\x00\x01"}, []string{"--config", "c.yaml"}, "c.yaml: not a text file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			code, out, stderr := run(t, dir, append([]string{"lint"}, tt.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, stderr)
			}
			all := out + stderr
			if !strings.Contains(all, tt.want) {
				t.Errorf("output does not contain %q:\nstdout: %s\nstderr: %s", tt.want, out, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("stderr is more than one line: %q", stderr)
			}
		})
	}
}

func TestLintGitHubAndText(t *testing.T) {
	fixture, _ := filepath.Abs("../../../fixtures/testdata/tokens/violations")
	_, out, _ := run(t, fixture, "lint", "--format", "github", "--enable-only", "secret-scope")
	want := "::error file=.github/workflows/publish.yml,line=21,col=25,title=secret-scope::secret DOCKERHUB_TOKEN_DELETE is referenced in publish.yml job push"
	if !strings.Contains(out, want) {
		t.Errorf("github output lacks %q:\n%s", want, out)
	}
	_, out, _ = run(t, fixture, "lint", "--enable-only", "secret-scope")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], ".github/workflows/hub-metadata-sync.yml:14:25: error: ") || !strings.HasSuffix(lines[0], "[secret-scope]") {
		t.Errorf("text line %q is not FILE:LINE:COL: SEVERITY: MESSAGE [RULE]", lines[0])
	}
	if !strings.Contains(lines[len(lines)-1], "in 4 workflows, 1 action, 1 Markdown file") {
		t.Errorf("summary line %q lacks scanned counts", lines[len(lines)-1])
	}
}

func TestFailOnThreshold(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".releasegate.yaml":       "version: 1\nsecrets:\n  T_RW: {scopes: [read], allowed: [a.yml]}\nrules:\n  secret-scope: warning\n",
		".github/workflows/b.yml": "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.T_RW }}\n",
	})
	for _, tc := range []struct {
		failOn string
		code   int
	}{{"error", 0}, {"warning", 1}, {"note", 1}} {
		code, out, _ := run(t, dir, "lint", "--fail-on", tc.failOn)
		if code != tc.code {
			t.Errorf("--fail-on %s: exit %d, want %d\n%s", tc.failOn, code, tc.code, out)
		}
	}
	if code, _, _ := run(t, dir, "lint", "--disable", "secret-scope"); code != 0 {
		t.Errorf("--disable secret-scope: exit %d", code)
	}
}

func TestRulesAndExplain(t *testing.T) {
	code, out, _ := run(t, "", "rules")
	if code != 0 {
		t.Fatal(code)
	}
	for id := range tokenRules {
		if !strings.Contains(out, id) {
			t.Errorf("rules lacks %s", id)
		}
	}
	code, out, _ = run(t, "", "explain", "delete-scope")
	for _, part := range []string{"Why it matters:", "Reported:", "Not reported:", "How to fix:"} {
		if code != 0 || !strings.Contains(out, part) {
			t.Errorf("explain delete-scope lacks %q (exit %d)", part, code)
		}
	}
	if code, _, stderr := run(t, "", "explain", "nope"); code != 2 || !strings.Contains(stderr, `unknown rule "nope"`) {
		t.Errorf("explain nope: exit %d, %s", code, stderr)
	}
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	return linttest.Write(t, files)
}

func TestLintExclude(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".releasegate.yaml":                  "version: 1\nexclude: [examples, '**/*.draft.md', 'old-docs/**']\n",
		".github/workflows/ok.yml":           "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n",
		"examples/.github/workflows/bad.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-lastest\n    steps:\n      - run: echo\n",
		"notes.draft.md":                     "```sh\ncurl -X DELETE https://example.com/x\n```\n",
		"docs/deep/er/plan.draft.md":         "[x](nope.md)\n",
		"README.md":                          "# kept\n",
	})
	code, out, stderr := run(t, dir, "lint", "--format", "json")
	res := decode(t, out)
	if code != 0 || len(res.Findings) != 0 {
		t.Errorf("exit %d, findings %+v (stderr %s): excluded files were linted", code, res.Findings, stderr)
	}
	if res.Scanned["workflows"] != 1 || res.Scanned["markdown"] != 1 {
		t.Errorf("scanned %v, want the one workflow and README.md", res.Scanned)
	}
	// The pattern that matches nothing is a warning at its line; the
	// exit code stays 0.
	var warnings struct {
		Warnings []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &warnings); err != nil {
		t.Fatal(err)
	}
	w := warnings.Warnings
	if len(w) != 1 || w[0].File != ".releasegate.yaml" || w[0].Line != 2 || !strings.Contains(w[0].Message, `"old-docs/**" matches no file`) {
		t.Errorf("warnings %+v, want one for old-docs/** at .releasegate.yaml:2", w)
	}
	// Linting a subdirectory cannot tell whether a pattern matches.
	if _, out, _ := run(t, filepath.Join(dir, "docs"), "lint", "--config", filepath.Join(dir, ".releasegate.yaml"), "--format", "json", "."); strings.Contains(out, "matches no file") {
		t.Errorf("a partial scan warned about patterns:\n%s", out)
	}
}

// TestLintOneRunManyOutputs: the pull-request check lints once and gets
// annotations (stdout), SARIF (--sarif) and a step summary listing every
// finding, beyond the ten annotations per level GitHub shows.
func TestLintOneRunManyOutputs(t *testing.T) {
	fixture, _ := filepath.Abs("../../../fixtures/testdata/tokens/violations")
	_, js, _ := run(t, fixture, "lint", "--format", "json")
	var want []string
	for _, f := range decode(t, js).Findings {
		if !f.Suppressed {
			want = append(want, fmt.Sprintf("`%s` | `%s:%d:%d`", f.Rule, f.File, f.Line, f.Column))
		}
	}
	if len(want) <= 10 {
		t.Fatalf("the fixture has %d findings; the test needs more than GitHub's 10 annotations", len(want))
	}

	tmp := t.TempDir()
	summary, sarif := filepath.Join(tmp, "summary.md"), filepath.Join(tmp, "out.sarif")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	code, out, stderr := run(t, fixture, "lint", "--format", "github", "--sarif", sarif)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	if got := strings.Count(out, "::error ") + strings.Count(out, "::warning ") + strings.Count(out, "::notice "); got != len(want) {
		t.Errorf("%d annotations, want %d", got, len(want))
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatalf("no step summary: %v", err)
	}
	for _, w := range want {
		if !strings.Contains(string(md), w) {
			t.Errorf("step summary lacks %s", w)
		}
	}
	var log struct {
		Runs []struct {
			Results []struct{ Suppressions []any }
		}
	}
	b, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatalf("--sarif: %v", err)
	}
	if err := json.Unmarshal(b, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("--sarif file is not SARIF: %v", err)
	}
	shown := 0
	for _, r := range log.Runs[0].Results {
		if len(r.Suppressions) == 0 {
			shown++
		}
	}
	if shown != len(want) {
		t.Errorf("SARIF has %d unsuppressed results, want %d", shown, len(want))
	}

	// Other formats leave the step summary alone: the gate and other
	// tools' steps own theirs.
	if err := os.Remove(summary); err != nil {
		t.Fatal(err)
	}
	run(t, fixture, "lint", "--format", "text")
	if _, err := os.Stat(summary); !os.IsNotExist(err) {
		t.Errorf("--format text wrote the step summary (%v)", err)
	}
}

func TestLintSARIFFileUnwritable(t *testing.T) {
	fixture, _ := filepath.Abs("../../../fixtures/testdata/tokens/clean")
	code, _, stderr := run(t, fixture, "lint", "--sarif", filepath.Join(t.TempDir(), "missing", "x.sarif"))
	if code != 2 || !strings.Contains(stderr, "--sarif") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming --sarif", code, stderr)
	}
}
