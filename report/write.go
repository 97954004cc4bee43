package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/releasegate/releasegate/rule"
)

// Options tune the writers.
type Options struct {
	Color  bool          // ANSI colour in text output
	Quiet  bool          // text: no summary line when there is nothing to report
	Rules  *rule.Set     // rule metadata for SARIF
	Tool   Tool          // the binary that wrote the report (JSON, SARIF, step summary)
	FailOn rule.Severity // the --fail-on threshold, for SARIF's exit code (error when empty)
}

// Tool names the program that wrote a report. JSON outputs carry it as
// "tool" beside the document's own format "version"; SARIF as its driver.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

// Write renders a lint result in the named format.
func Write(w io.Writer, format string, res *Result, opt Options) error {
	switch format {
	case "text":
		return writeText(w, res, opt)
	case "json":
		return writeJSON(w, res, opt)
	case "sarif":
		return writeSARIF(w, res, opt)
	case "github":
		return writeGitHub(w, res)
	}
	return CheckFormat(format, LintFormats)
}

func writeJSON(w io.Writer, res *Result, opt Options) error {
	doc := struct {
		Version int  `json:"version"`
		Tool    Tool `json:"tool"`
		*Result
	}{1, opt.Tool, res}
	if doc.Findings == nil {
		doc.Findings = []Finding{}
	}
	if doc.Errors == nil {
		doc.Errors = []InputError{}
	}
	if doc.Warnings == nil {
		doc.Warnings = []InputError{}
	}
	return WriteJSON(w, doc)
}

func writeText(w io.Writer, res *Result, opt Options) error {
	p := NewPainter(opt.Color)
	var b strings.Builder
	for _, f := range res.Findings {
		if f.Suppressed {
			continue
		}
		fmt.Fprintf(&b, "%s%s: %s %s\n", Position(f.File, f.Line, f.Column),
			p.Severity(f.Severity), Text(f.Message), p.Dim("["+Text(f.Rule)+"]"))
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "%s%s %s\n", Position(e.File, e.Line, e.Column), p.Red("could not check:"), Text(e.Message))
	}
	for _, e := range res.Warnings {
		fmt.Fprintf(&b, "%s%s %s\n", Position(e.File, e.Line, e.Column), p.Caution("checked in part:"), Text(e.Message))
	}
	if bl := res.Baseline; bl != nil {
		for _, e := range bl.Fixed {
			fmt.Fprintf(&b, "%s: %s %s:%d: %s %s\n", Text(bl.File), p.Dim("fixed since the baseline:"), Text(e.File), e.Line, Text(e.Message), p.Dim("["+Text(e.Rule)+"]"))
		}
	}
	if !opt.Quiet || b.Len() > 0 || res.Outcome(rule.Note) == Undecided {
		// Quiet prints nothing when nothing is reported (suppressed
		// findings are not), but always says why a run could not decide.
		b.WriteString(summary(res) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summary is the closing line of text output: what was found in what.
func summary(res *Result) string {
	counts := map[rule.Severity]int{}
	suppressed := 0
	for _, f := range res.Findings {
		if f.Suppressed {
			suppressed++
			continue
		}
		counts[f.Severity]++
	}
	s := res.Scanned
	scanned := fmt.Sprintf("%s, %s, %s (%s), %s",
		plural(s.Workflows, "workflow"), plural(s.Actions, "action"),
		plural(s.Markdown, "Markdown file"), plural(s.Fences, "shell fence"),
		plural(s.GoPackages, "Go package"))
	if s.Total() == 0 && len(res.Errors) > 0 {
		return fmt.Sprintf("releasegate: nothing was checked: %s could not be read", plural(len(res.Errors), "input"))
	}
	if s.Total() == 0 && len(res.Warnings) > 0 {
		return fmt.Sprintf("releasegate: nothing to scan: found no workflows, actions, Markdown files or Go packages; %s skipped (see the warnings)",
			plural(len(res.Warnings), "input"))
	}
	if s.Total() == 0 {
		return "releasegate: nothing to scan: found no workflows, actions, Markdown files or Go packages"
	}
	total := counts[rule.Error] + counts[rule.Warning] + counts[rule.Note]
	line := fmt.Sprintf("releasegate: %s (%s", plural(total, "finding"),
		Severities(counts[rule.Error], counts[rule.Warning], counts[rule.Note]))
	if suppressed > 0 {
		line += fmt.Sprintf(", %d suppressed", suppressed)
	}
	line += ") in " + scanned
	if n := len(res.Errors); n > 0 {
		line += fmt.Sprintf("; %s could not be checked", plural(n, "input"))
	}
	if n := len(res.Warnings); n > 0 {
		line += fmt.Sprintf("; %s checked in part", plural(n, "input"))
	}
	return line + adoption(res)
}

// adoption tells what --new-from-rev and a baseline left out, so a
// filtered pass is never mistaken for a clean one.
func adoption(res *Result) string {
	var s string
	if nf := res.NewFrom; nf != nil {
		s += fmt.Sprintf("; %s on lines unchanged since %s not reported", plural(nf.Hidden, "finding"), Text(nf.Ref))
	}
	if bl := res.Baseline; bl != nil {
		s += fmt.Sprintf("; %s hidden by the baseline %s", plural(bl.Hidden, "finding"), Text(bl.File))
		if n := len(bl.Fixed); n > 0 {
			s += fmt.Sprintf(" (%s no longer found: shrink it with --baseline-write)", plural(n, "recorded finding"))
		}
	}
	return s
}

// Plural renders a count and a noun: "1 finding", "2 findings".
func Plural(n int, noun string) string { return plural(n, noun) }

func plural(n int, noun string) string { return Count(n, noun, noun+"s") }

// Count renders a count with the singular or the plural form of a noun:
// "1 repository", "0 repositories". Every summary line counts this way.
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Severities renders counts by severity for a summary line: "1 error,
// 0 warnings, 2 notes".
func Severities(errors, warnings, notes int) string {
	return plural(errors, "error") + ", " + plural(warnings, "warning") + ", " + plural(notes, "note")
}

// writeGitHub emits workflow commands, which GitHub turns into annotations
// on the pull request diff.
func writeGitHub(w io.Writer, res *Result) error {
	var b strings.Builder
	for _, f := range res.Findings {
		if f.Suppressed {
			continue
		}
		fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", GitHubLevel(f.Severity),
			EscapeProperty(f.File), f.Line, f.Column, EscapeProperty(f.Rule), EscapeData(f.Message))
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "::error file=%s,line=%d,col=%d,title=releasegate::%s\n",
			EscapeProperty(e.File), max(e.Line, 1), max(e.Column, 1), EscapeData("could not check: "+e.Message))
	}
	for _, e := range res.Warnings {
		fmt.Fprintf(&b, "::warning file=%s,line=%d,col=%d,title=releasegate::%s\n",
			EscapeProperty(e.File), max(e.Line, 1), max(e.Column, 1), EscapeData("checked in part: "+e.Message))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
