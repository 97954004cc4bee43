package startup

import (
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCollectKeepsAFloorUnderPacing runs collectFloor in a fresh process
// (collector settings are the process's): nothing is collected below the
// floor; past it the collector runs, and the next limit is set from what
// stayed live, never under the floor.
func TestCollectKeepsAFloorUnderPacing(t *testing.T) {
	if os.Getenv("STARTUP_TEST_CHILD") == "1" {
		collectFloor(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCollectKeepsAFloorUnderPacing$", "-test.count=1")
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(e string) bool {
		return strings.HasPrefix(e, "GOGC=") || strings.HasPrefix(e, "GOMEMLIMIT=")
	}), "STARTUP_TEST_CHILD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

var sink [][]byte

func collectFloor(t *testing.T) {
	const floor = 64 << 20
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
	deadline := time.Now().Add(10 * time.Second)
	for gcs() == before || debug.SetMemoryLimit(-1) < 3*96<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("after %d collections the limit is %d MiB, want at least %d MiB", gcs()-before, debug.SetMemoryLimit(-1)>>20, 3*96)
		}
		_ = append([]byte(nil), make([]byte, 1<<20)...)
		time.Sleep(time.Millisecond)
	}
	runtime.KeepAlive(sink)
}

func gcs() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}
