package cli

import (
	"errors"
	"fmt"
)

// checkAdoptionFlags refuses combinations that have no sensible meaning.
func checkAdoptionFlags(l lintFlags) error {
	switch {
	case l.fix && l.diff:
		return errors.New("--fix and --diff: choose one (--diff shows what --fix would write)")
	case l.newFromRev != "" && l.newFromMergeBase != "":
		return errors.New("--new-from-rev and --new-from-merge-base: choose one")
	case l.baselineWrite != "" && (l.fix || l.diff || l.newFromRev != "" || l.newFromMergeBase != "" || l.baseline != ""):
		return errors.New("--baseline-write records every current finding: it takes none of --baseline, --fix, --diff, --new-from-rev, --new-from-merge-base")
	}
	return nil
}

// note writes one line to stderr, for what --fix and --baseline-write did.
func (c *common) note(format string, args ...any) {
	if c.Quiet {
		return
	}
	fmt.Fprintf(c.Stderr, "releasegate: "+format+"\n", args...)
}
