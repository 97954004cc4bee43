package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/report/reporttest"
	"github.com/releasegate/releasegate/rule"
)

// Strings a pull request or a registry controls, each trying to become a
// workflow command, a terminal escape or markup.
var hostile = []string{
	"n\n::error file=README.md::forged",
	"::add-mask::ghs_token",
	" \t::stop-commands::tok",
	"name\r::warning::carriage return",
	"quiet ##[add-mask]value",
	"###[error]three hashes",
	"\x1b[2J\x1b[31mrepainted",
	"\u202erevert",
	"line\u2028separator",
	"bad \xff utf-8",
	`"already quoted"`,
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"docs/runbook.md", "docs/runbook.md"},
		{"café ✓ (a:b) [x] `y`", "café ✓ (a:b) [x] `y`"},
		{"a::b", "a::b"}, // not at the start of a line
		{"n\n::error file=README.md::forged", `"n\n::error file=README.md::forged"`},
		{"::add-mask::ghs_token", `"::add-mask::ghs_token"`},
		{"quiet ##[add-mask]value", `"quiet ##\x5badd-mask]value"`},
		{"\x1b[31mred", `"\x1b[31mred"`},
		{"\u202erevert", `"\u202erevert"`},
		{"tab\there", `"tab\there"`},
		{`"q"`, `"\"q\""`},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, s := range append(hostile, "plain") {
		checkText(t, s)
	}
}

// checkText asserts what Text promises for any s: one line that is no
// workflow command, from which s can be read back.
func checkText(t *testing.T, s string) {
	t.Helper()
	got := Text(s)
	if cmds := reporttest.Commands(got); len(cmds) > 0 || strings.ContainsAny(got, "\n\r\x1b") {
		t.Errorf("Text(%q) = %q: a command or a control character", s, got)
	}
	if got != s {
		if back, err := strconv.Unquote(got); err != nil || back != s {
			t.Errorf("Text(%q) = %s, which reads back as %q (%v)", s, got, back, err)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(checkText)
}

func TestMarkdownCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"w.yml:9:5", "`w.yml:9:5`"},
		{"a`b.md", "`` a`b.md ``"},
		{"``x`", "``` ``x` ```"},
		{"a|b\nc", "`a\\|b c`"},
		{"\x1b[31m", "`\\x1b[31m`"},
	}
	for _, tt := range tests {
		if got := MarkdownCode(tt.in); got != tt.want {
			t.Errorf("MarkdownCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStepSummaryRendersNoMarkup: in the step summary, a file name with a
// backtick stays inside its code span, and raw HTML, links, images, bare
// URLs and emphasis from workflow text read as the text they are.
func TestStepSummaryRendersNoMarkup(t *testing.T) {
	const file = "docs/a`b <img src=x>.md"
	messages := []string{
		"<img src=https://tracker.example/p.png> <details open>raw</details>",
		"[approve](https://evil.example) ![pixel](https://tracker.example/p.png)",
		"see https://evil.example or www.evil.example, mail a@evil.example",
		"*bold* _em_ ~~gone~~ $x$ @someone #12 &lt; a|b",
		"two\nlines `code` \\",
	}
	res := &Result{Scanned: Scanned{Markdown: 1}}
	for i, m := range messages {
		res.Findings = append(res.Findings, Finding{Rule: "runbook-link", Severity: rule.Error, File: file, Line: i + 1, Column: 1, Message: m})
	}
	res.Errors = []InputError{{File: hostile[0], Message: "could not parse"}}
	var b bytes.Buffer
	if err := WriteStepSummary(&b, res, Options{}); err != nil {
		t.Fatal(err)
	}
	r := reporttest.Render(b.String())
	if len(r.Markup) > 0 {
		t.Errorf("the summary renders markup: %q\n%s", r.Markup, b.String())
	}
	for i := range messages {
		if want := Position(file, i+1, 1); !slices.Contains(r.Code, strings.TrimSuffix(want, ": ")) {
			t.Errorf("no code span %q; code spans: %q", want, r.Code)
		}
	}
	if want := Text(hostile[0]); !slices.Contains(r.Code, want) {
		t.Errorf("no code span %s; code spans: %q", want, r.Code)
	}
	for _, m := range messages {
		if want := strings.ReplaceAll(m, "\n", " "); !strings.Contains(r.Text, want) {
			t.Errorf("the summary does not read %q:\n%s", want, r.Text)
		}
	}
}

// TestTextOutputForgesNoCommand: the text format prints file names,
// messages and baseline entries from the repository; none of them can
// start a workflow command on a line of its own.
func TestTextOutputForgesNoCommand(t *testing.T) {
	for _, s := range hostile {
		res := &Result{
			Scanned:  Scanned{Workflows: 1},
			Findings: []Finding{{Rule: "actionlint", Severity: rule.Error, File: s, Line: 1, Column: 2, Message: "quoting " + s}},
			Errors:   []InputError{{File: s, Message: s}},
			Warnings: []InputError{{File: s, Line: 3, Message: s}},
			NewFrom:  &NewFromOutcome{Ref: s},
			Baseline: &BaselineOutcome{File: s, Fixed: []BaselineEntry{{Rule: "actionlint", File: s, Line: 1, Message: s}}},
		}
		var b bytes.Buffer
		if err := Write(&b, "text", res, Options{}); err != nil {
			t.Fatal(err)
		}
		if cmds := reporttest.Commands(b.String()); len(cmds) > 0 {
			t.Errorf("%q: text output has workflow commands %q:\n%s", s, cmds, b.String())
		}
		if strings.Contains(b.String(), "\x1b") {
			t.Errorf("%q: text output has a terminal escape", s)
		}
	}
}

// TestJSONForgesNoCommand: JSON and SARIF printed to a job log carry no
// workflow command, and decode to the names as they were.
func TestJSONForgesNoCommand(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		for _, s := range hostile {
			res := &Result{Scanned: Scanned{Workflows: 1},
				Findings: []Finding{{Rule: "actionlint", Severity: rule.Error, File: s, Line: 1, Column: 1, Message: s}}}
			var b bytes.Buffer
			if err := Write(&b, format, res, Options{}); err != nil {
				t.Fatal(err)
			}
			if cmds := reporttest.Commands(b.String()); len(cmds) > 0 {
				t.Errorf("%s %q: workflow commands %q", format, s, cmds)
			}
			if format == "json" {
				var back struct{ Findings []Finding }
				if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Findings) != 1 || back.Findings[0].Message != strings.ToValidUTF8(s, "\uFFFD") {
					t.Errorf("%q does not decode back: %v %+v", s, err, back.Findings)
				}
			}
		}
	}
}
