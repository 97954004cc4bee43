package report

import (
	"fmt"
	"slices"
	"strings"
)

// Outcome is what a run established, in the terms of SPEC §3. Lint and
// gate results each reduce to one, and ExitCode is the only mapping from
// outcomes to exit codes.
type Outcome int

// The outcomes, in exit-code order.
const (
	Holds     Outcome = iota // ran, and everything checked holds
	Violated                 // ran, and a finding reaches --fail-on
	Undecided                // could not run or could not decide
)

// ExitCode is the process exit code for the outcome: 0, 1 or 2.
func (o Outcome) ExitCode() int {
	switch o {
	case Holds:
		return 0
	case Violated:
		return 1
	}
	return 2
}

// LintFormats are the formats lint writes, in the order help shows them.
var LintFormats = []string{"text", "json", "sarif", "github"}

// CheckFormat validates a --format value against the formats a command
// writes, before any work is done.
func CheckFormat(format string, allowed []string) error {
	if slices.Contains(allowed, format) {
		return nil
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(allowed, ", "))
}
