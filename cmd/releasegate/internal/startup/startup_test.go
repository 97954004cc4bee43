package startup

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

var sink [][]byte

// TestCollectKeepsAFloorUnderPacing: nothing is collected below the
// floor; past it the collector runs, and the next limit is set from what
// stayed live, never under the floor.
func TestCollectKeepsAFloorUnderPacing(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set: Collect leaves the collector alone")
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set")
	}
	const floor = 64 << 20
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	sink = nil // an earlier run (-count) kept it: give its memory back first
	debug.FreeOSMemory()
	Collect(floor, 200)

	before := gcs()
	for range 8 << 10 { // 8 MiB of garbage, well under the floor
		sink = append(sink[:0], make([]byte, 1<<10))
	}
	if n := gcs() - before; n != 0 {
		t.Errorf("%d collections below the floor", n)
	}

	// 96 MiB kept live: the heap passes the floor, and what the
	// collection leaves live sets the next limit at three times that.
	sink = nil
	for range 96 {
		sink = append(sink, make([]byte, 1<<20))
	}
	for range 64 << 10 {
		_ = append([]byte(nil), make([]byte, 1<<10)...)
	}
	deadline := time.Now().Add(10 * time.Second)
	for gcs() == before || debug.SetMemoryLimit(-1) < 3*96<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("after %d collections the limit is %d MiB, want at least %d MiB", gcs()-before, debug.SetMemoryLimit(-1)>>20, 3*96)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
		_ = append([]byte(nil), make([]byte, 1<<20)...)
	}
	runtime.KeepAlive(sink)
	sink = nil
}

func gcs() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}
