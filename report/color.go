package report

import (
	"os"

	"github.com/releasegate/releasegate/rule"
)

// ColorWanted reports whether f is a terminal and NO_COLOR is unset.
func ColorWanted(f *os.File) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Painter adds ANSI colours to text output, or nothing when it is off.
// Lint and gate writers share it so a severity looks the same in both.
type Painter struct{ on bool }

// NewPainter returns a Painter that colours when on is true.
func NewPainter(on bool) Painter { return Painter{on} }

func (p Painter) wrap(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// Alarm is for what failed: bold red.
func (p Painter) Alarm(s string) string { return p.wrap("1;31", s) }

// Red is for an input that could not be checked.
func (p Painter) Red(s string) string { return p.wrap("31", s) }

// Caution is for warnings.
func (p Painter) Caution(s string) string { return p.wrap("33", s) }

// OK is for what holds.
func (p Painter) OK(s string) string { return p.wrap("32", s) }

// Dim is for rule ids and other secondary text.
func (p Painter) Dim(s string) string { return p.wrap("2", s) }

// Severity renders a severity name in its colour.
func (p Painter) Severity(s rule.Severity) string {
	switch s {
	case rule.Error:
		return p.Alarm(string(s))
	case rule.Warning:
		return p.Caution(string(s))
	}
	return p.wrap("36", string(s))
}
