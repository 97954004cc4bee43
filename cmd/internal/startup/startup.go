// Package startup decides when the garbage collector runs: not while the
// binary's packages initialise, and then as rarely as memory allows.
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
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

func init() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(-1)
	}
}

// Collect lets the collector run, with a floor under Go's pacing: the
// next collection comes when the heap reaches floor bytes or percent more
// than the last collection left live (GOGC), whichever is larger.
//
// Go's pacing alone sets the next goal from what is live, and a lint run
// keeps little live (each workflow is let go once checked) while it
// allocates a lot: at 200% a repository of 1,000 workflows was collected
// twenty times, and the collections, their write barriers and the cores
// they took from parsing made up a third of its time. With the floor, a
// pre-commit run never collects, 1,000 workflows a few times, and a run
// that keeps much live (Go packages, a monorepo) is paced as usual.
// GOGC and GOMEMLIMIT, when set, win.
func Collect(floor uint64, percent int) {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		debug.SetGCPercent(percent)
		return
	}
	// With the percentage off, the memory limit is what starts a
	// collection; a cleanup on an object nothing references runs after
	// each one and sets the next limit from what it left live.
	p := pacer{floor: floor, percent: uint64(percent), live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	debug.SetMemoryLimit(int64(floor))
	p.arm()
}

type pacer struct {
	floor, percent uint64
	live           []metrics.Sample
}

func (p *pacer) arm() {
	runtime.AddCleanup(new(sentinel), func(*pacer) {
		metrics.Read(p.live)
		next := p.live[0].Value.Uint64() / 100 * (100 + p.percent)
		debug.SetMemoryLimit(int64(max(p.floor, next)))
		p.arm()
	}, p)
}

// sentinel holds a pointer so that it is not placed in a block shared
// with other small objects, which would keep it alive past a collection.
type sentinel struct{ _ *int }
