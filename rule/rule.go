// Package rule describes releasegate's rules: their identifiers, the half of
// the product that reports them, their default severity and their help text.
//
// The descriptions are data, not behaviour: the checks that report a rule
// live in checks/ (lint) and policies/ (gate).
package rule

import (
	"fmt"
	"strings"
)

// Severity orders findings. Higher is worse.
type Severity string

// Severities, from least to most serious.
const (
	Note    Severity = "note"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Rank returns 1 for note, 2 for warning, 3 for error and 0 for anything else.
func (s Severity) Rank() int {
	switch s {
	case Note:
		return 1
	case Warning:
		return 2
	case Error:
		return 3
	}
	return 0
}

// ParseSeverity accepts "error", "warning" or "note".
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want error, warning or note)", s)
	}
	return v, nil
}

// Half says which part of releasegate reports a rule.
type Half string

// The halves.
const (
	Lint   Half = "lint"
	LintGo Half = "lint (Go)"
	Gate   Half = "gate"
)

// Rule is the documentation of one rule id.
type Rule struct {
	ID       string
	Half     Half
	Severity Severity // default severity
	Summary  string   // one line, for `releasegate rules` and SARIF shortDescription
	Why      string   // why it matters
	Bad      string   // an example that is reported
	Good     string   // the same example, fixed
	Fix      string   // how to fix it
	// AutoFix, when set, says what `lint --fix` changes for this rule, in
	// one sentence: the rule is auto-fixable. Findings it cannot fix
	// safely say why.
	AutoFix string
	// SecuritySeverity is set on rules about credentials: a score from
	// 0.1 to 10.0 (as a string, as SARIF's security-severity property)
	// that code scanning ranks security alerts by. Empty for the others.
	SecuritySeverity string
	// Precision is how often a finding is a real problem, on code
	// scanning's scale: very-high, high, medium or low. Empty means high.
	Precision string
}

// Set is an ordered collection of rules, looked up by id.
type Set struct {
	rules []Rule
	byID  map[string]int
}

// NewSet builds a Set. It panics on a duplicate id: the catalogue is
// assembled from constants, so a duplicate is a programming error.
func NewSet(groups ...[]Rule) *Set {
	s := &Set{byID: map[string]int{}}
	for _, g := range groups {
		for _, r := range g {
			if _, dup := s.byID[r.ID]; dup {
				panic("rule: duplicate id " + r.ID)
			}
			s.byID[r.ID] = len(s.rules)
			s.rules = append(s.rules, r)
		}
	}
	return s
}

// All returns the rules in catalogue order.
func (s *Set) All() []Rule { return s.rules }

// Get returns the rule with the given id.
func (s *Set) Get(id string) (Rule, bool) {
	i, ok := s.byID[id]
	if !ok {
		return Rule{}, false
	}
	return s.rules[i], true
}

// IDs returns every id, in catalogue order.
func (s *Set) IDs() []string {
	ids := make([]string, len(s.rules))
	for i, r := range s.rules {
		ids[i] = r.ID
	}
	return ids
}

// Setting is a user's override of one rule (the config file's `rules:`
// map): turn it off, or report it at another severity.
type Setting struct {
	Off      bool
	Severity Severity // empty keeps the rule's default
}

// Apply returns the severity a rule with default def reports at under s,
// and false when s turns the rule off.
func (s Setting) Apply(def Severity) (Severity, bool) {
	if s.Off {
		return "", false
	}
	if s.Severity != "" {
		return s.Severity, true
	}
	return def, true
}

// DocsURL is the page documenting every rule, one heading per rule id
// (docs/rules.md, generated from the catalogue and kept in step by a
// test). SARIF helpUri and messages link into it.
const DocsURL = "https://github.com/releasegate/releasegate/blob/main/docs/rules.md"

// DocURL is the address of a rule's documentation: its heading in DocsURL.
// Rule ids are lower-case words joined by hyphens, so the id is its own
// GitHub anchor.
func DocURL(id string) string { return DocsURL + "#" + id }

// Check returns nil for a known rule id and otherwise an error naming the
// closest known id, if one is close: `unknown rule "secret-scop" (did
// you mean "secret-scope"? see `releasegate rules`)`.
func (s *Set) Check(id string) error {
	if _, ok := s.byID[id]; ok {
		return nil
	}
	if near := s.Closest(id); near != "" {
		return fmt.Errorf("unknown rule %q (did you mean %q? see `releasegate rules`)", id, near)
	}
	return fmt.Errorf("unknown rule %q (see `releasegate rules`)", id)
}

// Closest returns the known id nearest to id: the fewest single-character
// edits, at most a third of its length (and at least 2); or one that
// starts or ends with it. "" when none is close.
func (s *Set) Closest(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	best, bestDist := "", max(2, len(id)/3)+1
	for _, r := range s.rules {
		d := editDistance(id, r.ID)
		if len(id) >= 4 && (strings.HasPrefix(r.ID, id) || strings.HasSuffix(r.ID, id)) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = r.ID, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
