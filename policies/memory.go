package policies

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// MaxEvalMemory is how far the heap may grow while the policies are
// evaluated, by default: far above what deciding on the facts of the
// largest probe takes (tens of MiB), far below what a CI runner has. A
// policy past it, such as one building numbers.range(1, 3e9), is stopped
// and the gate decides error (exit 2).
const MaxEvalMemory = 1 << 30

// Option configures an Engine.
type Option func(*Engine)

// WithMemoryLimit sets how many bytes the heap may grow by during one
// evaluation (default MaxEvalMemory; tests use less).
func WithMemoryLimit(bytes int64) Option {
	return func(e *Engine) {
		if bytes > 0 {
			e.memLimit = uint64(bytes)
		}
	}
}

// MemoryError is an evaluation stopped at its memory bound.
type MemoryError struct{ Limit uint64 }

func (e *MemoryError) Error() string {
	return fmt.Sprintf("policy evaluation exceeded %d MiB of memory and was stopped (a policy building a huge value, such as numbers.range over billions?)",
		(e.Limit+1<<20-1)>>20)
}

// heapSampleEvery is how often the heap is read during an evaluation.
// OPA checks for cancellation between expressions and inside its
// generating builtins, so a growth found here stops the evaluation
// within a few milliseconds' worth of allocation.
const heapSampleEvery = 5 * time.Millisecond

// boundHeap returns a context that is cancelled with a *MemoryError when
// the heap grows more than limit bytes past what it was on the call, and
// a stop function that ends the watch and returns that error, if it came.
//
// OPA has no memory bound of its own, and the heap is the process's: an
// evaluation running beside other work is charged for that work's
// allocations too. Garbage counts only until it is collected: past the
// bound the heap is collected once and judged again, so a policy that
// allocates a lot but keeps little is not stopped.
func boundHeap(ctx context.Context, limit uint64) (context.Context, func() error) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { watchHeap(ctx, done, limit, cancel) })
	return ctx, func() error {
		close(done)
		wg.Wait()
		var me *MemoryError
		errors.As(context.Cause(ctx), &me)
		cancel(nil)
		if me != nil {
			return me
		}
		return nil
	}
}

func watchHeap(ctx context.Context, done <-chan struct{}, limit uint64, cancel context.CancelCauseFunc) {
	base := heapBytes()
	grown := func() bool { h := heapBytes(); return h > base && h-base > limit }
	tick := time.NewTicker(heapSampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if !grown() {
			continue
		}
		runtime.GC()
		if grown() {
			cancel(&MemoryError{Limit: limit})
			return
		}
	}
}

// heapBytes is the heap's objects, live and not yet collected: read
// without stopping the world, unlike runtime.ReadMemStats.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
