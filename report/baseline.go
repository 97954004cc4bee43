package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
)

// A Baseline records the findings a repository had when it adopted
// releasegate, so that a required check can fail on new findings only
// while the old ones are worked off. A finding matches an entry by rule,
// file and a fingerprint of its line's text and its message — never by
// line number, so lines added above a finding do not bring it back, and a
// finding whose line is edited counts as new.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one recorded finding. Line and Message are for the
// reader of the file; matching uses Rule, File and Fingerprint.
type BaselineEntry struct {
	Rule        string `json:"rule"`
	File        string `json:"file"` // relative to the baseline file's directory, slash-separated
	Fingerprint string `json:"fingerprint"`
	Line        int    `json:"line"`
	Message     string `json:"message"`
}

// BaselineOutcome is what applying a baseline did: how many findings it
// hid, and the entries that matched nothing — findings fixed since, which
// can leave the file.
type BaselineOutcome struct {
	File   string          `json:"file"`
	Hidden int             `json:"hidden"`
	Fixed  []BaselineEntry `json:"fixed"`
}

// digits are run-specific numbers inside messages: "(line 12)", a
// configuration position. The baseline fingerprint ignores them.
var digits = regexp.MustCompile(`[0-9]+`)

// BaselineKey is the fingerprint a baseline matches a finding by: rule,
// file (as rel renders it) and the normalised line text that Fingerprint
// recorded, with the message, its numbers left out.
func BaselineKey(f Finding, file string) string {
	return digest(f.Rule, file, f.lineText, digits.ReplaceAllString(f.Message, "#"))
}

// NewBaseline records the unsuppressed findings. rel gives a finding's
// path as the baseline stores it (relative to the baseline file).
// findings must carry fingerprints (lint sets them).
func NewBaseline(findings []Finding, rel func(Finding) string) Baseline {
	b := Baseline{Version: 1, Findings: []BaselineEntry{}}
	for _, f := range findings {
		if f.Suppressed {
			continue
		}
		file := rel(f)
		b.Findings = append(b.Findings, BaselineEntry{Rule: f.Rule, File: file, Fingerprint: BaselineKey(f, file), Line: f.Line, Message: f.Message})
	}
	slices.SortFunc(b.Findings, func(a, b BaselineEntry) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Fingerprint, b.Fingerprint))
	})
	return b
}

// Write encodes the baseline as indented JSON, one entry per finding, in
// a stable order so that rewriting it gives a small diff.
func (b Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// ReadBaseline decodes a baseline file; name is used in errors.
func ReadBaseline(r io.Reader, name string) (Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Baseline{}, fmt.Errorf("%s: not a releasegate baseline: %w", name, err)
	}
	if b.Version != 1 {
		return Baseline{}, fmt.Errorf("%s: baseline version %d is not supported (this releasegate reads version 1)", name, b.Version)
	}
	for i, e := range b.Findings {
		if e.Rule == "" || e.File == "" || e.Fingerprint == "" {
			return Baseline{}, fmt.Errorf("%s: finding %d: rule, file and fingerprint are required", name, i+1)
		}
	}
	return b, nil
}

// Apply removes from res the unsuppressed findings the baseline holds and
// records the outcome in res.Baseline under name; rel is as for
// NewBaseline. Each entry hides one finding: a baseline with one entry
// for a line hides one of two identical findings, not both.
func (b Baseline) Apply(res *Result, name string, rel func(Finding) string) {
	left := map[string][]int{} // rule, file, fingerprint -> entries not yet matched
	for i, e := range b.Findings {
		k := e.Rule + "\x00" + e.File + "\x00" + e.Fingerprint
		left[k] = append(left[k], i)
	}
	out := &BaselineOutcome{File: name, Fixed: []BaselineEntry{}}
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		file := rel(f)
		k := f.Rule + "\x00" + file + "\x00" + BaselineKey(f, file)
		if idx := left[k]; !f.Suppressed && len(idx) > 0 {
			left[k] = idx[1:]
			out.Hidden++
			continue
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	for i, e := range b.Findings {
		k := e.Rule + "\x00" + e.File + "\x00" + e.Fingerprint
		if slices.Contains(left[k], i) {
			out.Fixed = append(out.Fixed, e)
		}
	}
	res.Baseline = out
}

// RelTo gives a finding's path relative to dir (a baseline file's
// directory), slash-separated, from its absolute path.
func RelTo(dir string) func(Finding) string {
	return func(f Finding) string {
		if r, err := filepath.Rel(dir, f.Abs); err == nil {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(f.File)
	}
}
