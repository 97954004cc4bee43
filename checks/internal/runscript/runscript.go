// Package runscript prepares `run:` scripts for a shell parser: which shell
// runs a step, and the script text with each ${{ }} placeholder replaced
// by a word the parser can read, at the same byte offsets.
package runscript

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/expr"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// placeholder matches the stand-ins Mask writes for ${{ }} expressions.
var placeholder = lazyre.New(`RGX([0-9]+)_*`)

// Mask replaces each ${{ }} by an identifier-like word of the same length
// ("RGX<i>___"), so byte offsets in the parsed script stay those of the
// original text. It returns the masked text and the expressions by index.
func Mask(src string) (string, []expr.Expr) {
	exprs := expr.Find(src)
	if len(exprs) == 0 {
		return src, nil
	}
	var b strings.Builder
	last := 0
	for i, e := range exprs {
		b.WriteString(src[last:e.Start])
		word := "RGX" + strconv.Itoa(i)
		n := e.End - e.Start
		if len(word) > n {
			word = word[:n] // cannot happen for real ${{ x }}, which is >= 7 bytes
		}
		b.WriteString(word + strings.Repeat("_", n-len(word)))
		last = e.End
	}
	b.WriteString(src[last:])
	return b.String(), exprs
}

// Placeholders returns the indexes of the expressions whose stand-ins
// appear in s (a literal of the masked text).
func Placeholders(s string) []int {
	if !strings.Contains(s, "RGX") {
		return nil
	}
	var out []int
	for _, m := range placeholder().FindAllStringSubmatch(s, -1) {
		if i, err := strconv.Atoi(m[1]); err == nil {
			out = append(out, i)
		}
	}
	return out
}

// IsShell reports whether a run: step is interpreted by a POSIX shell:
// its own shell:, else the job's and then the workflow's defaults, else
// the runner's default: bash on Linux and macOS, PowerShell on Windows.
func IsShell(stepShell *actionlint.String, job *actionlint.Job, wf *actionlint.Workflow) bool {
	for _, s := range []*actionlint.String{stepShell, defaultShell(job.Defaults), defaultShell(wf.Defaults)} {
		if s != nil {
			return ShellName(s.Value)
		}
	}
	return !mayRunOnWindows(job)
}

// mayRunOnWindows reports whether a job's runs-on names a Windows runner,
// directly or through a matrix value.
func mayRunOnWindows(job *actionlint.Job) bool {
	r := job.RunsOn
	if r == nil {
		return false
	}
	labels := append([]*actionlint.String{r.LabelsExpr, r.Group}, r.Labels...)
	for _, l := range labels {
		if l == nil {
			continue
		}
		if windows(l.Value) {
			return true
		}
		if strings.Contains(l.Value, "matrix.") && job.Strategy != nil && job.Strategy.Matrix != nil && matrixHasWindows(job.Strategy.Matrix) {
			return true
		}
	}
	return false
}

func windows(s string) bool { return strings.Contains(strings.ToLower(s), "windows") }

func matrixHasWindows(m *actionlint.Matrix) bool {
	if m.Expression != nil {
		return windows(m.Expression.Value)
	}
	for _, row := range m.Rows {
		if row.Expression != nil && windows(row.Expression.Value) {
			return true
		}
		for _, v := range row.Values {
			if windows(v.String()) {
				return true
			}
		}
	}
	for _, cs := range []*actionlint.MatrixCombinations{m.Include, m.Exclude} {
		if cs == nil {
			continue
		}
		for _, c := range cs.Combinations {
			for _, a := range c.Assigns {
				if windows(a.Value.String()) {
					return true
				}
			}
		}
	}
	return false
}

func defaultShell(d *actionlint.Defaults) *actionlint.String {
	if d == nil || d.Run == nil {
		return nil
	}
	return d.Run.Shell
}

// ShellName reports whether a shell: value names a POSIX shell.
func ShellName(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return true
	}
	switch filepath.Base(f[0]) {
	case "bash", "sh", "zsh", "dash", "ksh":
		return true
	}
	return false
}
