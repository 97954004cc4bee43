// Package startup decides when the garbage collector runs: not while the
// binary's packages initialise, and in a run that stays small, not at all.
//
// releasegate links OPA, sigstore-go and actionlint, whose package
// initialisers allocate about 3.5 MB (builtin tables, compiled regular
// expressions, protobuf descriptors): past the runtime's first 4 MB heap
// goal, so every run, even `releasegate version`, paid for a collection
// before main. Go initialises a package as soon as its imports are
// (first in import-path order among the ready ones), so this one, which
// imports only the runtime, runs before the heavy initialisers that
// depend on golang.org/x and gopkg.in packages. main then calls Collect.
package startup

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

func init() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(-1)
	}
}

// Collect lets the collector run: the first collection when the heap
// reaches first bytes, then the usual pacing at percent (GOGC). A lint of
// a few dozen workflows allocates less than that and exits without ever
// collecting (each collection cost a small run several percent of its
// time); a monorepo reaches it early and from then on is paced on what
// stays live. GOGC and GOMEMLIMIT, when set, win.
func Collect(first int64, percent int) {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		debug.SetGCPercent(percent)
		return
	}
	// With the percentage off, the memory limit is what starts the first
	// collection; a cleanup on an object nothing references runs after
	// it and switches to pacing.
	debug.SetMemoryLimit(first)
	runtime.AddCleanup(new(sentinel), func(int) {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(math.MaxInt64)
	}, 0)
}

// sentinel holds a pointer so that it is not placed in a block shared
// with other small objects, which would keep it alive past the first
// collection.
type sentinel struct{ _ *int }
