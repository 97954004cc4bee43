package emptyexpr

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/rule"
)

// An always-empty value that nothing reads is dead code, not a broken
// run: it is reported as a note ("never read; remove it"). An env:
// variable is read when its name appears in the workflow anywhere but its
// own definition, or when an action in its scope could read it (any
// action but the few well-known ones below, which read only their
// inputs). A job output is read when any expression of the workflow names
// needs.J.outputs.X or jobs.J.outputs.X, or passes the whole needs
// context on.

// inputOnlyActions read their with: inputs and nothing of the caller's
// env.
var inputOnlyActions = []string{"actions/checkout@", "actions/setup-", "actions/cache@", "actions/upload-artifact@", "actions/download-artifact@"}

// deadEnv says why an env: variable defined at is never read, or "".
func (c *checker) deadEnv(at place, name string) string {
	if countWord(c.m.wf.Src, name) > 1 {
		return ""
	}
	var jobs []*actionlint.Job
	if at.job != nil {
		jobs = []*actionlint.Job{at.job}
	} else {
		for _, id := range sortedJobIDs(c.m.wf.AST) {
			jobs = append(jobs, c.m.wf.AST.Jobs[id])
		}
	}
	for _, j := range jobs {
		for i, s := range j.Steps {
			if at.step >= 0 && i != at.step {
				continue
			}
			if e, ok := s.Exec.(*actionlint.ExecAction); ok && e.Uses != nil && !inputOnly(e.Uses.Value) {
				return "" // the action may read it
			}
		}
	}
	return fmt.Sprintf("; nothing in its scope reads %s: never read, remove it", name)
}

func inputOnly(uses string) bool {
	for _, p := range inputOnlyActions {
		if strings.HasPrefix(strings.ToLower(uses), p) {
			return true
		}
	}
	return false
}

// deadOutput says why output out of job id is never read, or "".
func (c *checker) deadOutput(id, out string) string {
	src := bytes.ToLower(c.m.wf.Src)
	id, out = strings.ToLower(id), strings.ToLower(out)
	for _, ref := range []string{"needs." + id + ".outputs." + out, "jobs." + id + ".outputs." + out, "tojson(needs)", "needs." + id + ".outputs)", "needs[", "jobs." + id + ".outputs)"} {
		if bytes.Contains(src, []byte(ref)) {
			return ""
		}
	}
	return fmt.Sprintf("; no job reads needs.%s.outputs.%s: never read, remove it", id, out)
}

// countWord counts the occurrences of name in src as a whole word.
func countWord(src []byte, name string) int {
	n := 0
	for i := 0; ; {
		k := bytes.Index(src[i:], []byte(name))
		if k < 0 {
			return n
		}
		k += i
		end := k + len(name)
		if (k == 0 || !isIdent(src[k-1])) && (end == len(src) || !isIdent(src[end])) {
			n++
		}
		i = end
	}
}

// withDead runs report with findings lowered to notes and the reason
// appended when dead is not "".
func (c *checker) withDead(dead string, report func()) {
	if dead == "" {
		report()
		return
	}
	c.cap, c.dead = rule.Note, dead
	report()
	c.cap, c.dead = "", ""
}
