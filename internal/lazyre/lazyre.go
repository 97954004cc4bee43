// Package lazyre compiles a regular expression the first time it is used.
//
// Every run of the binary initialises every package it links, and a
// pattern compiled in a package variable costs its compilation on every
// start, whether or not the run reads anything it applies to: a lint of
// one workflow paid for the Markdown, parity and Go analyzer patterns
// too. A pattern declared with New costs nothing until it is needed.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles pattern on its first call and
// returns the same *regexp.Regexp on every call. Like regexp.MustCompile
// it panics on an invalid pattern, at first use; a package's tests use
// each of its patterns.
func New(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
