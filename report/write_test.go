package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/rule"
)

func sample() *Result {
	return &Result{
		Findings: []Finding{
			{Rule: "delete-scope", Severity: rule.Error, File: "docs/a,b.md", Line: 3, Column: 1, Message: "line one\nline two: 100%"},
			{Rule: "secret-variant", Severity: rule.Warning, File: "w.yml", Line: 9, Column: 5, Message: "legacy name"},
			{Rule: "secret-scope", Severity: rule.Error, File: "w.yml", Line: 2, Column: 3, Message: "hidden", Suppressed: true, SuppressReason: "ok"},
		},
		Scanned: Scanned{Workflows: 1, Markdown: 1, Fences: 2},
	}
}

func TestGitHubEscaping(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "github", sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	want := "::error file=docs/a%2Cb.md,line=3,col=1,title=delete-scope::line one%0Aline two: 100%25\n" +
		"::warning file=w.yml,line=9,col=5,title=secret-variant::legacy name\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestTextSkipsSuppressedAndCounts(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "text", sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "hidden") {
		t.Error("suppressed finding printed")
	}
	if !strings.Contains(out, "2 findings (1 error, 1 warning, 0 notes, 1 suppressed) in 1 workflow, 0 actions, 1 Markdown file (2 shell fences)") {
		t.Errorf("summary wrong:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour without a terminal")
	}
}

func TestExitCode(t *testing.T) {
	r := sample()
	for _, tc := range []struct {
		threshold rule.Severity
		want      int
	}{{rule.Error, 1}, {rule.Warning, 1}, {rule.Note, 1}} {
		if got := r.Outcome(tc.threshold).ExitCode(); got != tc.want {
			t.Errorf("ExitCode(%s) = %d, want %d", tc.threshold, got, tc.want)
		}
	}
	onlyWarn := &Result{Findings: r.Findings[1:2], Scanned: r.Scanned}
	if onlyWarn.Outcome(rule.Error).ExitCode() != 0 || onlyWarn.Outcome(rule.Warning).ExitCode() != 1 {
		t.Error("warning threshold not applied")
	}
	if (&Result{}).Outcome(rule.Error).ExitCode() != 2 {
		t.Error("nothing scanned must exit 2")
	}
	withErr := &Result{Scanned: r.Scanned, Errors: []InputError{{File: "x.yml", Message: "bad"}}}
	if withErr.Outcome(rule.Error).ExitCode() != 2 {
		t.Error("an input error must exit 2")
	}
}

// TestWarningsAreShownButDoNotFail: an input checked only in part is
// visible in every format and leaves the exit code to the findings.
func TestWarningsAreShownButDoNotFail(t *testing.T) {
	r := &Result{
		Scanned:  Scanned{Workflows: 1, GoPackages: 1},
		Warnings: []InputError{{File: "tool/main.go", Line: 3, Column: 2, Message: "package example.com/tool did not fully type-check"}},
	}
	if got := r.Outcome(rule.Error).ExitCode(); got != 0 {
		t.Errorf("exit code %d with only a warning, want 0", got)
	}
	for format, want := range map[string]string{
		"text":   "tool/main.go:3:2: checked in part: package example.com/tool",
		"json":   `"warnings": [`,
		"github": "::warning file=tool/main.go,line=3,col=2,title=releasegate::checked in part: package",
		"sarif":  `"level": "warning"`,
	} {
		var b bytes.Buffer
		if err := Write(&b, format, r, Options{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s output lacks %q:\n%s", format, want, b.String())
		}
	}
	var b bytes.Buffer
	if err := Write(&b, "json", &Result{Scanned: Scanned{Workflows: 1}}, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"warnings": []`) {
		t.Errorf("json without warnings must say [], got %s", b.String())
	}
}

// TestQuiet: --quiet prints nothing when nothing is reported, suppressed
// findings included, and still explains a run that could not decide.
func TestQuiet(t *testing.T) {
	suppressedOnly := &Result{Scanned: Scanned{Workflows: 1}, Findings: []Finding{
		{Rule: "secret-scope", Severity: rule.Error, File: "w.yml", Line: 2, Column: 3, Message: "hidden", Suppressed: true, SuppressReason: "ok"},
	}}
	for _, tt := range []struct {
		name string
		res  *Result
		want string // "" for no output
	}{
		{"clean", &Result{Scanned: Scanned{Workflows: 1}}, ""},
		{"suppressed only", suppressedOnly, ""},
		{"a finding", sample(), "legacy name"},
		{"nothing scanned", &Result{}, "nothing to scan"},
	} {
		var b bytes.Buffer
		if err := Write(&b, "text", tt.res, Options{Quiet: true}); err != nil {
			t.Fatal(err)
		}
		if (tt.want == "") != (b.Len() == 0) || !strings.Contains(b.String(), tt.want) {
			t.Errorf("%s: quiet output %q, want %q", tt.name, b.String(), tt.want)
		}
	}
}
