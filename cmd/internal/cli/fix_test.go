package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/fix"
	"github.com/releasegate/releasegate/report"
)

// A fix is right when: it turns the file into what a person would write
// (the golden "after" files), byte for byte outside the edited spans —
// comments, quoting, indentation and CRLF line breaks included; a second
// --fix changes nothing; and the lint of the result has no finding that
// had a fix, and no finding that was not there before.

// copyTree copies dir to a new temporary directory; with crlf, YAML files
// get CRLF line breaks.
func copyTree(t *testing.T, dir string, crlf bool) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if crlf && isYAML(p) {
			b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func isYAML(p string) bool { return strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml") }

// readTree maps every file below dir (slash paths) to its content.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// lintJSON lints dir and returns the findings with their fixes.
func lintJSON(t *testing.T, dir string, args ...string) []report.Finding {
	t.Helper()
	code, out, stderr := run(t, dir, append([]string{"lint", "--format", "json"}, args...)...)
	if code == 2 {
		t.Fatalf("lint could not run: %s\n%s", stderr, out)
	}
	var res struct {
		Findings []report.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return res.Findings
}

// fixTwice runs --fix on dir twice and checks the properties: the
// second run changes nothing, no finding that had a fix is left, no
// (rule, file) has more findings than before. It returns the findings
// from before the first run.
func fixTwice(t *testing.T, dir string) []report.Finding {
	t.Helper()
	before := lintJSON(t, dir)
	if code, _, stderr := run(t, dir, "lint", "--fix", "--quiet"); code == 2 {
		t.Fatalf("lint --fix could not run: %s", stderr)
	}
	once := readTree(t, dir)
	if code, _, stderr := run(t, dir, "lint", "--fix", "--quiet"); code == 2 {
		t.Fatalf("second lint --fix could not run: %s", stderr)
	}
	for name, content := range readTree(t, dir) {
		if once[name] != content {
			t.Errorf("the second --fix changed %s:\n%s", name, content)
		}
	}
	after := lintJSON(t, dir)
	count := func(fs []report.Finding, fixed bool) map[string]int {
		n := map[string]int{}
		for _, f := range fs {
			if !f.Suppressed && (!fixed || f.Fix != nil) {
				n[f.Rule+" "+f.File]++
			}
		}
		return n
	}
	was, fixedBefore := count(before, false), count(before, true)
	for key, n := range count(after, false) {
		if n > was[key]-fixedBefore[key] {
			t.Errorf("%s: %d findings after --fix, %d before of which %d had a fix", key, n, was[key], fixedBefore[key])
		}
	}
	for _, f := range after {
		if f.Fix != nil {
			t.Errorf("%s:%d [%s] still has a fix after --fix: %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
	return before
}

// TestFixGolden: every case under testdata/fix, with LF and with CRLF
// line breaks, fixed in place and shown by --diff.
func TestFixGolden(t *testing.T) {
	cases, err := os.ReadDir("testdata/fix")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, crlf := range []bool{false, true} {
			name := c.Name()
			if crlf {
				name += "/crlf"
			}
			t.Run(name, func(t *testing.T) {
				base, _ := filepath.Abs(filepath.Join("testdata/fix", c.Name()))
				want := readTree(t, copyTree(t, filepath.Join(base, "after"), crlf))
				dir := copyTree(t, filepath.Join(base, "before"), crlf)
				fixTwice(t, dir)
				got := readTree(t, dir)
				for file, w := range want {
					if got[file] != w {
						t.Errorf("%s:\n%s\nwant:\n%s", file, got[file], w)
					}
				}
				checkDiff(t, copyTree(t, filepath.Join(base, "before"), crlf), want)
			})
		}
	}
}

// checkDiff: --diff writes nothing, and its output, applied with git
// apply, gives the fixed files.
func checkDiff(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	orig := readTree(t, dir)
	_, diff, stderr := run(t, dir, "lint", "--diff")
	for file, content := range readTree(t, dir) {
		if orig[file] != content {
			t.Fatalf("--diff wrote %s", file)
		}
	}
	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	cmd := exec.Command("git", "apply", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s\ndiff:\n%s\n%s", err, out, diff, stderr)
	}
	for file, w := range want {
		if got := readTree(t, dir)[file]; got != w {
			t.Errorf("%s after git apply of --diff:\n%s\nwant:\n%s", file, got, w)
		}
	}
}

// TestFixEveryFixture is the promise on the bundled fixtures: --fix on a
// copy of each removes every finding whose fix it claimed, changes the
// files only where the fixes' edits say (Go files also as gofmt lays
// them out), and a second run is a no-op.
func TestFixEveryFixture(t *testing.T) {
	root, _ := filepath.Abs("../../../fixtures/testdata")
	var repos []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if _, err := os.Stat(filepath.Join(p, ".github")); err == nil {
			repos = append(repos, p)
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(p, ".releasegate.yaml")); err == nil {
			repos = append(repos, p)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil || len(repos) < 20 {
		t.Fatalf("found %d fixture repositories (%v)", len(repos), err)
	}
	fixed := 0
	for _, repo := range repos {
		rel, _ := filepath.Rel(root, repo)
		t.Run(rel, func(t *testing.T) {
			dir := copyTree(t, repo, false)
			orig := readTree(t, dir)
			before := fixTwice(t, dir)
			expected := expectedFiles(t, orig, before)
			for file, content := range readTree(t, dir) {
				if content != expected[file] {
					t.Errorf("%s differs from the original with the fixes' edits applied:\n%s\nwant:\n%s", file, content, expected[file])
				}
			}
			for _, f := range before {
				if f.Fix != nil {
					fixed++
				}
			}
		})
	}
	if fixed < 20 {
		t.Errorf("only %d findings of the fixtures had a fix: the test is not exercising the fixes", fixed)
	}
}

// expectedFiles applies the edits the findings carried to the original
// files, as JSON reported them.
func expectedFiles(t *testing.T, orig map[string]string, findings []report.Finding) map[string]string {
	t.Helper()
	byFile := map[string][]report.Edit{}
	for _, f := range findings {
		if f.Fix == nil || f.Suppressed {
			continue
		}
		for _, e := range f.Fix.Edits {
			if !containsEdit(byFile[e.File], e) {
				byFile[e.File] = append(byFile[e.File], e)
			}
		}
	}
	out := map[string]string{}
	for file, content := range orig {
		edits := byFile[file]
		if len(edits) == 0 {
			out[file] = content
			continue
		}
		b, err := fix.Apply([]byte(content), edits)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if strings.HasSuffix(file, ".go") {
			if formatted, err := format.Source(b); err == nil {
				b = formatted
			}
		}
		out[file] = string(b)
	}
	return out
}

func containsEdit(edits []report.Edit, e report.Edit) bool {
	for _, x := range edits {
		if x == e {
			return true
		}
	}
	return false
}

// TestExplainSaysWhetherFixable: explain names what --fix does for an
// auto-fixable rule, and says there is no fix for the others.
func TestExplainSaysWhetherFixable(t *testing.T) {
	for id, want := range map[string]string{
		"failure-step-unreachable": "Automatic fix (lint --fix",
		"empty-expression":         "Automatic fix (lint --fix",
		"secret-variant":           "Automatic fix (lint --fix",
		"go-json-interpolation":    "Automatic fix (lint --fix",
		"secret-scope":             "Automatic fix:\n  none",
	} {
		_, out, _ := run(t, "", "explain", id)
		if !strings.Contains(out, want) {
			t.Errorf("explain %s does not say %q:\n%s", id, want, out)
		}
	}
	_, out, _ := run(t, "", "rules", "--format", "json")
	var rows []struct {
		ID      string `json:"id"`
		Fixable bool   `json:"fixable"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Fixable {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d rules are fixable in rules --format json, want 4", n)
	}
}

// TestFixFlags: contradictory flags are refused before anything runs.
func TestFixFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--fix", "--diff"},
		{"--new-from-rev", "HEAD", "--new-from-merge-base", "main"},
		{"--baseline-write", "b.json", "--fix"},
		{"--baseline-write", "b.json", "--baseline", "a.json"},
	} {
		code, _, stderr := run(t, "", append([]string{"lint"}, args...)...)
		if code != 2 || !strings.Contains(stderr, "--") {
			t.Errorf("lint %v: exit %d, %s", args, code, stderr)
		}
	}
}

func ExampleMain_diff() {
	dir, _ := os.MkdirTemp("", "example")
	defer func() { _ = os.RemoveAll(dir) }()
	_ = os.MkdirAll(filepath.Join(dir, ".github/workflows"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, ".github/workflows/scan.yml"), []byte(
		"on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - id: trivy\n        run: trivy image app\n"+
			"      - if: steps.trivy.outcome == 'failure'\n        run: ./notify.sh\n"), 0o644)
	var out bytes.Buffer
	runMain([]string{"lint", "--diff", "--enable-only", "failure-step-unreachable", dir}, strings.NewReader(""), &out, &bytes.Buffer{})
	fmt.Print(strings.ReplaceAll(out.String(), filepath.ToSlash(dir)+"/", ""))
	// Output:
	// --- a/.github/workflows/scan.yml
	// +++ b/.github/workflows/scan.yml
	// @@ -5,5 +5,5 @@
	//      steps:
	//        - id: trivy
	//          run: trivy image app
	// -      - if: steps.trivy.outcome == 'failure'
	// +      - if: steps.trivy.outcome == 'failure' && !cancelled()
	//          run: ./notify.sh
}
