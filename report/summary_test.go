package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/rule"
)

func TestStepSummaryListsEveryUnsuppressedFinding(t *testing.T) {
	res := sample()
	res.Errors = []InputError{{File: "bad.yml", Line: 4, Column: 2, Message: "could not parse | here"}}
	res.Warnings = []InputError{{File: "go/pkg", Message: "did not type-check"}}
	var b bytes.Buffer
	if err := WriteStepSummary(&b, res, Options{Tool: Tool{Name: "releasegate", Version: "1.2.3", Commit: "abc1234"}}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"### releasegate lint\n",
		"| severity | rule | where | message |\n",
		"| ❌ error | `delete-scope` | `docs/a,b.md:3:1` | line one line two: 100% |\n",
		"| ⚠️ warning | `secret-variant` | `w.yml:9:5` | legacy name |\n",
		"| ⛔ could not check |  | `bad.yml:4:2` | could not parse \\| here |\n",
		"| ◐ checked in part |  | `go/pkg` | did not type-check |\n",
		"releasegate: 2 findings (1 error, 1 warning, 0 notes, 1 suppressed)",
		"<sub>releasegate 1.2.3 (abc1234)</sub>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hidden") {
		t.Errorf("suppressed finding listed:\n%s", out)
	}
}

func TestStepSummaryWithoutFindingsHasNoTable(t *testing.T) {
	var b bytes.Buffer
	res := &Result{Scanned: Scanned{Workflows: 3}}
	if err := WriteStepSummary(&b, res, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "| severity |") || !strings.Contains(b.String(), "0 findings") {
		t.Errorf("summary of a clean run:\n%s", b.String())
	}
}

// TestStepSummaryStaysUnderGitHubLimit: GitHub drops a step summary above
// 1 MiB entirely, so a huge run lists what fits and counts the rest.
func TestStepSummaryStaysUnderGitHubLimit(t *testing.T) {
	res := &Result{Scanned: Scanned{Workflows: 1}}
	const n = 5000
	for i := range n {
		res.Findings = append(res.Findings, Finding{Rule: "empty-expression", Severity: rule.Note, File: "w.yml", Line: i + 1, Column: 1,
			Message: fmt.Sprintf("finding %d %s", i, strings.Repeat("x", 300))})
	}
	var b bytes.Buffer
	if err := WriteStepSummary(&b, res, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if b.Len() > 1<<20 {
		t.Fatalf("summary is %d bytes, over GitHub's 1 MiB", b.Len())
	}
	shown := strings.Count(out, "| ℹ️ note |")
	if shown == 0 || shown == n {
		t.Fatalf("%d of %d rows shown; want a truncated table", shown, n)
	}
	if want := fmt.Sprintf("%d more not shown", n-shown); !strings.Contains(out, want) {
		t.Errorf("summary does not say %q", want)
	}
}

func TestJSONCarriesToolBesideFormatVersion(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", sample(), Options{Tool: Tool{Name: "releasegate", Version: "1.2.3", Commit: "abc1234"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "{\n  \"version\": 1,\n  \"tool\": {\n    \"name\": \"releasegate\",\n    \"version\": \"1.2.3\",\n    \"commit\": \"abc1234\"\n  },\n  \"findings\": [") {
		t.Errorf("JSON head:\n%s", b.String())
	}
}

// TestCountsAgreeWithTheirNumber: a summary line says "1 error", never
// "1 errors", and keeps the plural for 0 and for many.
func TestCountsAgreeWithTheirNumber(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{Severities(1, 1, 1), "1 error, 1 warning, 1 note"},
		{Severities(0, 2, 0), "0 errors, 2 warnings, 0 notes"},
		{Count(1, "repository", "repositories"), "1 repository"},
		{Count(0, "repository", "repositories"), "0 repositories"},
		{Plural(1, "finding"), "1 finding"},
		{Plural(3, "finding"), "3 findings"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	res := &Result{Scanned: Scanned{Workflows: 1}, Findings: []Finding{{Rule: "r", Severity: rule.Error}}}
	if got, want := summary(res), "releasegate: 1 finding (1 error, 0 warnings, 0 notes) in 1 workflow,"; !strings.HasPrefix(got, want) {
		t.Errorf("summary %q, want it to start %q", got, want)
	}
}
