package report

import (
	"os"

	"github.com/releasegate/releasegate/internal/rule"
)

// ColorWanted reports whether f is a terminal and NO_COLOR is unset.
func ColorWanted(f *os.File) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

type painter struct{ on bool }

func newPainter(on bool) painter { return painter{on} }

func (p painter) wrap(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p painter) red(s string) string { return p.wrap("31", s) }
func (p painter) dim(s string) string { return p.wrap("2", s) }

func (p painter) severity(s rule.Severity) string {
	switch s {
	case rule.Error:
		return p.wrap("1;31", string(s))
	case rule.Warning:
		return p.wrap("33", string(s))
	}
	return p.wrap("36", string(s))
}
