// Package startup holds off the garbage collector while the binary's
// packages initialise.
//
// releasegate links OPA, sigstore-go and actionlint, whose package
// initialisers allocate about 3.5 MB (builtin tables, compiled regular
// expressions, protobuf descriptors): past the runtime's first 4 MB heap
// goal, so every run, even `releasegate version`, paid for a collection
// before main. Go initialises a package as soon as its imports are
// (first in import-path order among the ready ones), so this one, which
// imports only runtime/debug, runs before the heavy initialisers that
// depend on golang.org/x and gopkg.in packages. main sets the percentage
// it wants once initialisation is over.
package startup

import (
	"os"
	"runtime/debug"
)

func init() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(-1)
	}
}
