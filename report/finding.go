// Package report holds lint findings and writes them in the formats of
// SPEC §5: text, json, sarif and github workflow commands.
package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/releasegate/releasegate/rule"
)

// Finding is one lint result about a span of a file: from Line:Column,
// its first character, to EndLine:EndColumn, the position just past its
// last (columns count characters, from 1).
type Finding struct {
	Rule     string        `json:"rule"`
	Severity rule.Severity `json:"severity"`
	File     string        `json:"file"` // as shown: relative to the working directory when below it
	// Abs is the file's absolute path, for the steps after the checks
	// (changed lines, the baseline, fixes); no output carries it.
	Abs       string `json:"-"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Message   string `json:"message"`
	// Fingerprint identifies the finding across runs while lines move
	// (see Fingerprint).
	Fingerprint    string `json:"fingerprint,omitempty"`
	Suppressed     bool   `json:"suppressed"`
	SuppressReason string `json:"suppress_reason,omitempty"`
	// Fix, when set, is a safe change that resolves the finding (lint
	// --fix applies it, --diff shows it).
	Fix *Fix `json:"fix,omitempty"`
	// NoFix says why a finding of a rule that can be fixed automatically
	// has no fix here (an unsafe or ambiguous case).
	NoFix string `json:"no_fix,omitempty"`
	// DependsOn names other files (display paths; one ending in "/"
	// stands for everything below it) whose change can make or unmake the
	// finding: --new-from-rev counts the finding as new when one changed.
	DependsOn []string `json:"depends_on,omitempty"`

	// lineText is the normalised text its fingerprint was made from.
	lineText string
}

// same reports whether two findings say the same thing about the same
// span: the duplicates Sort drops (a package and its test variant).
func same(a, b Finding) bool {
	return a.Rule == b.Rule && a.File == b.File && a.Line == b.Line && a.Column == b.Column &&
		a.EndLine == b.EndLine && a.EndColumn == b.EndColumn && a.Message == b.Message &&
		a.Severity == b.Severity && a.Suppressed == b.Suppressed
}

// Scanned counts what a lint run looked at, so that "no findings in zero
// files" cannot be mistaken for a clean pass.
type Scanned struct {
	Workflows  int `json:"workflows"`
	Actions    int `json:"actions"`
	Markdown   int `json:"markdown"`
	Fences     int `json:"fences"`
	GoPackages int `json:"go_packages"`
}

// Total is the number of files and packages scanned (fences are inside
// Markdown files and are not counted twice).
func (s Scanned) Total() int { return s.Workflows + s.Actions + s.Markdown + s.GoPackages }

// InputError is a file that could not be read or parsed. Any input error
// makes the run exit 2.
type InputError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

func (e InputError) Error() string { return Position(e.File, e.Line, e.Column) + e.Message }

// Position renders "file:line:col: " with the parts that are known.
func Position(file string, line, col int) string {
	file = Text(file)
	switch {
	case file == "":
		return ""
	case line == 0:
		return file + ": "
	case col == 0:
		return file + ":" + itoa(line) + ": "
	}
	return file + ":" + itoa(line) + ":" + itoa(col) + ": "
}

// Result is the outcome of one lint run.
type Result struct {
	Findings []Finding    `json:"findings"`
	Scanned  Scanned      `json:"scanned"`
	Errors   []InputError `json:"errors"`
	// Warnings are inputs read only in part or skipped on purpose (a Go
	// package that did not fully type-check, a symlink under .github):
	// the user must hear of them, but they do not change the exit code.
	Warnings []InputError `json:"warnings"`
	// Baseline is set when a baseline hid findings: how many, and which
	// of its entries no longer occur.
	Baseline *BaselineOutcome `json:"baseline,omitempty"`
	// NewFrom is set with --new-from-rev or --new-from-merge-base: the
	// revision compared with and how many findings were left out because
	// nothing they depend on changed since.
	NewFrom *NewFromOutcome `json:"new_from,omitempty"`
}

// NewFromOutcome is what --new-from-rev (or --new-from-merge-base) did.
type NewFromOutcome struct {
	Rev string `json:"rev"` // the commit compared with
	// Ref is what the user named (a branch for --new-from-merge-base).
	Ref    string `json:"ref"`
	Hidden int    `json:"hidden"`
}

// Sort orders findings by file, position and rule, so output is stable
// whatever order the checks ran in.
func (r *Result) Sort() {
	slices.SortFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
	r.Findings = slices.CompactFunc(r.Findings, same)
	byPlace := func(a, b InputError) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Message, b.Message))
	}
	slices.SortFunc(r.Errors, byPlace)
	slices.SortFunc(r.Warnings, byPlace)
	r.Warnings = slices.Compact(r.Warnings)
}

// Failing counts unsuppressed findings at or above the threshold.
func (r *Result) Failing(threshold rule.Severity) int {
	n := 0
	for _, f := range r.Findings {
		if !f.Suppressed && f.Severity.Rank() >= threshold.Rank() {
			n++
		}
	}
	return n
}

// Outcome applies SPEC §3 to a lint run: undecided when anything could
// not be read or nothing was scanned, violated when a finding reaches the
// threshold.
func (r *Result) Outcome(threshold rule.Severity) Outcome {
	if len(r.Errors) > 0 || r.Scanned.Total() == 0 {
		return Undecided
	}
	if r.Failing(threshold) > 0 {
		return Violated
	}
	return Holds
}

// Fingerprint sets the Fingerprint of every finding that has none: a hash
// of its rule, its file and the text of its first line with white space
// normalised (the message when the line is unknown), then ":" and the
// occurrence of that triple in file order. It does not depend on line
// numbers, so code scanning keeps an alert as the same alert when lines
// are added above it. findings must be sorted (Result.Sort); line may be
// nil. Baselines use the same line text (see BaselineKey).
func Fingerprint(findings []Finding, line func(file string, n int) string) {
	seen := map[string]int{}
	for i := range findings {
		f := &findings[i]
		text := ""
		if line != nil {
			text = strings.Join(strings.Fields(line(f.File, f.Line)), " ")
		}
		if text == "" {
			text = f.Message
		}
		f.lineText = text
		key := digest(f.Rule, f.File, text)
		seen[key]++
		if f.Fingerprint == "" {
			f.Fingerprint = key + ":" + itoa(seen[key])
		}
	}
}

// digest is the short hash fingerprints are made of: 16 hex digits of
// the SHA-256 of the parts.
func digest(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}
