// Package quoting has helpers that put double quotes around a value
// without escaping it, and code that pastes their results into JSON.
package quoting

import (
	"fmt"
	"strconv"
	"strings"
)

// Wrap is used to build JSON here and in quoteuse.
func Wrap(label string) string { // want Wrap:`quotes parameter 0 unescaped` `Wrap wraps its argument in double quotes without escaping it, and its result is pasted into JSON text \(strings.Builder at quoting.go:29\)`
	return "\"" + label + "\""
}

// dq quotes through fmt, with a second parameter that stays out.
func dq(prefix, v string) string { // want dq:`quotes parameter 1 unescaped` `dq wraps its argument in double quotes without escaping it, and its result is pasted into JSON text \(string concatenation at quoting.go:46\)`
	if prefix == "" {
		return fmt.Sprintf(`"%s"`, v)
	}
	return fmt.Sprintf(`"%v"`, v)
}

// Release writes a small document with the helper between JSON
// punctuation, twice: the helper is reported once, at its declaration.
func Release(title, tag string) string {
	var b strings.Builder
	b.WriteString(`{"title":`)
	b.WriteString(Wrap(title))
	b.WriteString(`,"tag":`)
	b.WriteString(Wrap(tag))
	b.WriteString(`}`)
	return b.String()
}

// Fixed quotes a constant that needs no escaping: nothing to report.
func Fixed() string {
	var b strings.Builder
	b.WriteString(`{"channel":`)
	b.WriteString(Wrap("stable"))
	b.WriteString(`}`)
	return b.String()
}

func record(id string) string {
	return `{"id":` + dq("", id) + `}`
}

// label quotes for a log line, not for JSON: a fact, no finding.
func label(v string) string { // want label:`quotes parameter 0 unescaped`
	return "\"" + v + "\""
}

func logLine(name string) string {
	return "deleting " + label(name)
}

// escaped quotes with strconv: Go escaping, not a bare wrap.
func escaped(v string) string {
	return strconv.Quote(v)
}

// either returns the parameter quoted or not: not a quoting helper.
func either(v string, quoted bool) string {
	if quoted {
		return "\"" + v + "\""
	}
	return v
}

func notHelpers(a, b string) string {
	return fmt.Sprintf(`{"a":%s,"b":%s}`, escaped(a), either(b, true))
}
