package linttest

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// caseFiles is a case directory: a workflow with two findings on line 4
// (the second with its end marked) and one on line 6, and its want file.
var caseFiles = map[string]string{
	".github/workflows/w.yml": "on: push\njobs:\n  a:\n    runs-on: »${{ vars.A }} »${{ vars.B }}«\n    steps:\n      - run: »make\n",
	wantFile: "# two on a line, paired in column order\n" +
		".github/workflows/w.yml:4 empty-expression error \"vars.A is empty\"\n" +
		".github/workflows/w.yml:4 empty-expression `vars\\.B`\n" +
		"\n.github/workflows/w.yml:6 other-rule warning\n",
}

func finding(id string, sev rule.Severity, line, col, endLine, endCol int, msg string) report.Finding {
	return report.Finding{Rule: id, Severity: sev, File: ".github/workflows/w.yml", Line: line, Column: col, EndLine: endLine, EndColumn: endCol, Message: msg}
}

// exact is what the case wants, finding for finding.
func exact() []report.Finding {
	return []report.Finding{
		finding("empty-expression", rule.Error, 4, 14, 4, 27, "vars.A is empty wherever it is not set"),
		finding("empty-expression", rule.Note, 4, 28, 4, 41, "vars.B is empty"),
		finding("other-rule", rule.Warning, 6, 14, 6, 18, "anything"),
	}
}

// TestJudge: the driver fails on every way a run can differ from its
// case: a missing finding, an unexpected one, another rule, severity,
// message or end, an input error; a suppressed finding counts as absent.
func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(r *report.Result)
		want []string // a fragment of each problem, in order
	}{
		{"as wanted", func(*report.Result) {}, nil},
		{"suppressed extra is absent", func(r *report.Result) {
			f := finding("x", rule.Error, 1, 1, 1, 3, "m")
			f.Suppressed = true
			r.Findings = append(r.Findings, f)
		}, nil},
		{"missing", func(r *report.Result) { r.Findings = r.Findings[1:] }, []string{"w.yml:4:14: missing finding empty-expression error \"vars.A is empty\" (/"}},
		{"unexpected", func(r *report.Result) {
			r.Findings = append(r.Findings, finding("empty-expression", rule.Error, 5, 5, 5, 10, "extra"))
		}, []string{"w.yml:5:5-5:10: unexpected finding empty-expression error \"extra\""}},
		{"another column", func(r *report.Result) { r.Findings[2].Column = 13 }, []string{"unexpected finding other-rule", "missing finding other-rule"}},
		{"another rule", func(r *report.Result) { r.Findings[2].Rule = "third" }, []string{"does not match the one wanted at its start: other-rule warning", "missing finding other-rule"}},
		{"another severity", func(r *report.Result) { r.Findings[0].Severity = rule.Warning }, []string{"does not match", "missing finding empty-expression error"}},
		{"message does not match", func(r *report.Result) { r.Findings[1].Message = "vars_B" }, []string{"does not match", "missing finding"}},
		{"another end where the markers give one", func(r *report.Result) { r.Findings[1].EndColumn = 40 }, []string{"does not match the one wanted at its start: ending at 4:41", "missing finding ending at 4:41"}},
		{"end not asserted without an end marker", func(r *report.Result) { r.Findings[0].EndColumn = 99 }, nil},
		{"input error", func(r *report.Result) {
			r.Errors = append(r.Errors, report.InputError{File: "x.yml", Message: "broken"})
		}, []string{"input error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := Write(t, caseFiles)
			_, wants, err := loadCase(dir)
			if err != nil {
				t.Fatal(err)
			}
			res := &report.Result{Findings: exact()}
			tc.edit(res)
			got := judge("testdata-case", wants, res)
			if len(got) != len(tc.want) {
				t.Fatalf("problems:\n%s\nwant %d", strings.Join(got, "\n"), len(tc.want))
			}
			for i, frag := range tc.want {
				if !strings.Contains(got[i], frag) {
					t.Errorf("problem %d = %s, want it to contain %s", i, got[i], frag)
				}
			}
		})
	}
}

// TestMalformedCases: a case whose markers and want lines do not pair up,
// or whose want line does not parse, is an error, not a silent pass.
func TestMalformedCases(t *testing.T) {
	const wf = ".github/workflows/w.yml"
	for _, tc := range []struct {
		name, body, want, err string
	}{
		{"marker without want line", "a: »b\n", "", "marker at .github/workflows/w.yml:1 has no line in want"},
		{"want line without marker", "a: b\n", wf + ":1 r\n", "1 want line(s) for .github/workflows/w.yml:1, which has 0"},
		{"fewer want lines than markers", "a: »b »c\n", wf + ":1 r\n", "which has 2"},
		{"no line number", "a: »b\n", wf + " r\n", "does not start with file:line"},
		{"no rule", "a: »b\n", wf + ":1\n", "names no rule"},
		{"unquoted message", "a: »b\n", wf + ":1 r error some text\n", "one quoted regular expression"},
		{"text after the message", "a: »b\n", wf + ":1 r \"x\" y\n", "one quoted regular expression"},
		{"bad regexp", "a: »b\n", wf + ":1 r \"(\"\n", "missing closing )"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := Write(t, map[string]string{wf: tc.body, wantFile: tc.want})
			_, _, err := loadCase(dir)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}

// TestCaseDirs: directories with a want file are cases, others group
// them, fuzz corpora are skipped, and a directory that is neither is an
// error.
func TestCaseDirs(t *testing.T) {
	dir := Write(t, map[string]string{
		"b/one/want":          "",
		"b/one/action.yml":    "name: x\n",
		"a/two/want":          "",
		"a/deeper/three/want": "",
		"fuzz/FuzzX/abc":      "go test fuzz v1\n",
		"src/p/p.go":          "package p\n",
	})
	got, err := caseDirs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, strings.TrimPrefix(c, dir+"/"))
	}
	if strings.Join(names, " ") != "a/deeper/three a/two b/one" {
		t.Errorf("cases %v", names)
	}
	bad := Write(t, map[string]string{"c/stray.yml": "on: push\n"})
	if _, err := caseDirs(bad); err == nil || !strings.Contains(err.Error(), "neither a case") {
		t.Errorf("a directory with files but no want file: error %v", err)
	}
}
