package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/rule"
)

// lint fingerprints findings from their files' lines; these tests do the
// same from a map of file contents (withLines).
func withLines(files map[string]string, fs ...Finding) []Finding {
	res := &Result{Findings: fs}
	res.Sort()
	Fingerprint(res.Findings, func(file string, n int) string {
		lines := strings.Split(files[file], "\n")
		if n < 1 || n > len(lines) {
			return ""
		}
		return lines[n-1]
	})
	return res.Findings
}

// same1 keeps a finding's path as it is: these findings are in one directory.
func same1(f Finding) string { return f.File }

// TestBaselineSurvivesEdits: a baseline keeps hiding a finding whose line
// moved (lines inserted above it, a file edited elsewhere, its own
// indentation changed) and stops hiding it when its line's text or its
// message changes; an entry that matches nothing is listed as fixed.
func TestBaselineSurvivesEdits(t *testing.T) {
	before := map[string]string{
		"w.yml": "on: push\njobs:\n  a:\n    steps:\n      - if: steps.x.outcome == 'failure'\n        run: ./notify.sh\n",
		"o.yml": "env:\n  T: ${{ secrets.OLD }}\n",
	}
	old := withLines(before,
		Finding{Rule: "failure-step-unreachable", Severity: rule.Error, File: "w.yml", Line: 5, Column: 13, Message: "if: steps.x.outcome == 'failure' tests for a failure (line 5)"},
		Finding{Rule: "secret-variant", Severity: rule.Error, File: "o.yml", Line: 2, Column: 9, Message: "secrets.OLD is not declared"},
	)
	b := NewBaseline(old, same1)
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(&buf, "baseline.json")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		files    map[string]string
		findings []Finding
		kept     []string // rules of the findings left
		fixed    int
	}{
		{name: "lines inserted above, the other file edited",
			files: map[string]string{
				"w.yml": "# a comment\non: push\n\njobs:\n  a:\n    steps:\n      - if: steps.x.outcome == 'failure'\n        run: ./notify.sh\n",
				"o.yml": "env:\n  U: 1\n  T: ${{ secrets.OLD }}\n",
			},
			findings: []Finding{
				{Rule: "failure-step-unreachable", File: "w.yml", Line: 7, Column: 13, Message: "if: steps.x.outcome == 'failure' tests for a failure (line 7)"},
				{Rule: "secret-variant", File: "o.yml", Line: 3, Column: 9, Message: "secrets.OLD is not declared"},
			}},
		{name: "re-indented", files: map[string]string{
			"w.yml": "on: push\njobs:\n    a:\n        steps:\n            -   if:   steps.x.outcome == 'failure'\n",
		}, findings: []Finding{{Rule: "failure-step-unreachable", File: "w.yml", Line: 5, Column: 23, Message: "if: steps.x.outcome == 'failure' tests for a failure (line 5)"}},
			fixed: 1},
		{name: "its line changed: new", files: map[string]string{
			"w.yml": "on: push\njobs:\n  a:\n    steps:\n      - if: steps.y.outcome == 'failure'\n",
			"o.yml": "env:\n  T: ${{ secrets.OLD }}\n",
		}, findings: []Finding{
			{Rule: "failure-step-unreachable", File: "w.yml", Line: 5, Column: 13, Message: "if: steps.y.outcome == 'failure' tests for a failure (line 5)"},
			{Rule: "secret-variant", File: "o.yml", Line: 2, Column: 9, Message: "secrets.OLD is not declared"},
		}, kept: []string{"failure-step-unreachable"}, fixed: 1},
		{name: "a second identical finding is new", files: map[string]string{
			"o.yml": "env:\n  T: ${{ secrets.OLD }}\n  T: ${{ secrets.OLD }}\n",
		}, findings: []Finding{
			{Rule: "secret-variant", File: "o.yml", Line: 2, Column: 9, Message: "secrets.OLD is not declared"},
			{Rule: "secret-variant", File: "o.yml", Line: 3, Column: 9, Message: "secrets.OLD is not declared"},
		}, kept: []string{"secret-variant"}, fixed: 1},
		{name: "another rule on the same line is new", files: before, findings: []Finding{
			{Rule: "empty-expression", File: "o.yml", Line: 2, Column: 9, Message: "secrets.OLD is not declared"},
		}, kept: []string{"empty-expression"}, fixed: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &Result{Findings: withLines(tt.files, tt.findings...)}
			b.Apply(res, "baseline.json", same1)
			var kept []string
			for _, f := range res.Findings {
				kept = append(kept, f.Rule)
			}
			if strings.Join(kept, ",") != strings.Join(tt.kept, ",") {
				t.Errorf("kept %v, want %v", kept, tt.kept)
			}
			if len(res.Baseline.Fixed) != tt.fixed || res.Baseline.Hidden != len(tt.findings)-len(tt.kept) {
				t.Errorf("outcome %+v, want %d fixed", res.Baseline, tt.fixed)
			}
		})
	}
}

func TestBaselineSkipsSuppressed(t *testing.T) {
	fs := withLines(map[string]string{"a": "x\n"},
		Finding{Rule: "r", File: "a", Line: 1, Message: "m", Suppressed: true, SuppressReason: "why"})
	if b := NewBaseline(fs, same1); len(b.Findings) != 0 {
		t.Errorf("a suppressed finding was recorded: %+v", b.Findings)
	}
}

func TestReadBaselineRejects(t *testing.T) {
	for _, doc := range []string{
		`{"version": 2, "findings": []}`,
		`{"version": 1, "findings": [{"rule": "r", "file": "f"}]}`,
		`{"version": 1, "findings": [], "extra": true}`,
		`not json`,
	} {
		if _, err := ReadBaseline(strings.NewReader(doc), "b.json"); err == nil || !strings.HasPrefix(err.Error(), "b.json: ") {
			t.Errorf("%s: accepted or unnamed error: %v", doc, err)
		}
	}
}

// TestSARIFFixes: a finding's fix becomes SARIF fixes, one artifact
// change per file, insertions as empty deleted regions.
func TestSARIFFixes(t *testing.T) {
	res := &Result{Scanned: Scanned{Workflows: 1}, Findings: []Finding{{
		Rule: "failure-step-unreachable", Severity: rule.Error, File: "w.yml", Line: 5, Column: 13, EndLine: 5, EndColumn: 20, Message: "m",
		Fix: &Fix{Description: "add !cancelled()", Edits: []Edit{
			{File: "w.yml", Start: 40, End: 40, Line: 5, Column: 13, EndLine: 5, EndColumn: 13, Text: "!cancelled() && "},
			{File: "w.yml", Start: 50, End: 53, Line: 5, Column: 23, EndLine: 5, EndColumn: 26, Text: ""},
		}},
	}}}
	var buf bytes.Buffer
	if err := Write(&buf, "sarif", res, Options{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Fixes []sarifFix `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	fixes := log.Runs[0].Results[0].Fixes
	if len(fixes) != 1 || fixes[0].Description.Text != "add !cancelled()" || len(fixes[0].ArtifactChanges) != 1 {
		t.Fatalf("fixes: %+v", fixes)
	}
	ch := fixes[0].ArtifactChanges[0]
	if ch.ArtifactLocation.URI != "w.yml" || len(ch.Replacements) != 2 {
		t.Fatalf("change: %+v", ch)
	}
	ins, del := ch.Replacements[0], ch.Replacements[1]
	if ins.DeletedRegion != (sarifRegion{5, 13, 5, 13}) || ins.InsertedContent == nil || ins.InsertedContent.Text != "!cancelled() && " {
		t.Errorf("insertion: %+v", ins)
	}
	if del.DeletedRegion != (sarifRegion{5, 23, 5, 26}) || del.InsertedContent != nil {
		t.Errorf("deletion: %+v", del)
	}
}

// FuzzReadBaseline: a baseline file is input like any other: whatever it
// holds gives a baseline or a one-line error naming the file, never a
// panic, and a baseline that is read applies.
func FuzzReadBaseline(f *testing.F) {
	f.Add(`{"version":1,"findings":[{"rule":"r","file":"a.yml","fingerprint":"0123456789abcdef","line":3,"message":"m"}]}`)
	f.Add(`{"version":1,"findings":null}`)
	f.Add(`{"version":1,"findings":[{}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		b, err := ReadBaseline(strings.NewReader(doc), "b.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "b.json: ") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q", err)
			}
			return
		}
		res := &Result{Findings: withLines(map[string]string{"a.yml": "x\ny\nz\n"}, Finding{Rule: "r", File: "a.yml", Line: 3, Message: "m"})}
		b.Apply(res, "b.json", same1)
		if res.Baseline.Hidden+len(res.Findings) != 1 {
			t.Errorf("a finding was lost: %+v", res)
		}
	})
}
