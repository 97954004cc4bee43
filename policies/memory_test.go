package policies

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// writePolicy writes one user policy and returns its path.
func writePolicy(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "policy.rego")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// peakHeap samples the heap until stop is called and returns how far it
// rose above where it started. Past ceiling it calls abort: without the
// bound the evaluation would take the machine's memory before the test
// could fail.
func peakHeap(ceiling uint64, abort func()) (stop func() uint64) {
	base := heapBytes()
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			if h := heapBytes(); h > base && h-base > peak.Load() {
				peak.Store(h - base)
				if h-base > ceiling {
					abort()
				}
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

// TestMemoryBound: a policy that builds a list of three billion numbers
// is stopped at the engine's bound with an error that says so, and the
// heap stays near the bound meanwhile. The time it takes is not asserted.
func TestMemoryBound(t *testing.T) {
	const limit = 48 << 20
	const ceiling = 512 << 20 // what the test lets the heap reach
	p := writePolicy(t, `package releasegate.gate.greedy

violation contains {"rule": "greedy", "severity": "note", "target": "policies", "message": sprintf("%d numbers", [count(numbers.range(1, 3000000000))])} if true
`)
	e, err := Prepare(context.Background(), []string{p}, WithMemoryLimit(limit))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stop := peakHeap(ceiling, cancel)
	_, err = e.Eval(ctx, map[string]any{"images": []any{}})
	peak := stop()
	t.Logf("heap rose by %d MiB at most", peak>>20)
	var me *MemoryError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "policy evaluation exceeded 48 MiB") {
		t.Fatalf("Eval: %v, want the memory bound's error", err)
	}
	if peak > ceiling {
		t.Fatalf("the heap rose by %d MiB, past %d MiB", peak>>20, ceiling>>20)
	}
}

// TestMemoryBoundCountsLiveData: garbage is not held against a policy.
// With the collector off, this policy's short-lived lists pile up far
// past the bound; collected, they are gone, and the evaluation finishes.
func TestMemoryBoundCountsLiveData(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	p := writePolicy(t, `package releasegate.gate.churn

violation contains {"rule": "churn", "severity": "note", "target": "policies", "message": "lists built and dropped"} if {
	every i in numbers.range(1, 100) {
		count(numbers.range(i, i + 10000)) > 0
	}
}
`)
	e, err := Prepare(context.Background(), []string{p}, WithMemoryLimit(48<<20))
	if err != nil {
		t.Fatal(err)
	}
	vs, err := e.Eval(context.Background(), map[string]any{"images": []any{}})
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	if len(vs) != 1 || vs[0].Rule != "churn" {
		t.Fatalf("violations %+v, want the churn note", vs)
	}
}
