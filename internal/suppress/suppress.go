// Package suppress reads releasegate's inline suppression comments, the
// one syntax every file type shares:
//
//	# releasegate:ignore[delete-scope] the sync job owns this token
//	<!-- releasegate:ignore[delete-scope] historical example -->
//	//releasegate:ignore[go-json-interpolation] the value is a constant
//
// A comment names one or more rules in brackets and must give a reason;
// what a missing reason means is up to the caller.
package suppress

import (
	"strings"

	"github.com/releasegate/releasegate/internal/lazyre"
)

var directiveRe = lazyre.New(`(?:#|<!--|//)\s*releasegate:ignore\[([^\]]*)\]([^\n]*)`)

// Directive is one suppression comment.
type Directive struct {
	// At is the byte offset of the comment marker in the line.
	At     int
	Rules  []string
	Reason string // empty when the comment gives none
}

// Find returns the suppression comment in line, if there is one.
func Find(line string) (Directive, bool) {
	if !strings.Contains(line, "releasegate:ignore[") {
		return Directive{}, false // most lines: no pattern to run
	}
	m := directiveRe().FindStringSubmatchIndex(line)
	if m == nil {
		return Directive{}, false
	}
	d := Directive{At: m[0]}
	for _, r := range strings.Split(line[m[2]:m[3]], ",") {
		if r = strings.TrimSpace(r); r != "" {
			d.Rules = append(d.Rules, r)
		}
	}
	d.Reason = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line[m[4]:m[5]]), "-->"))
	return d, true
}

// Names reports whether the directive names ruleID.
func (d Directive) Names(ruleID string) bool {
	for _, r := range d.Rules {
		if r == ruleID {
			return true
		}
	}
	return false
}
