package gate

// Progress of a long probe, for people watching it: counted by the
// catalog walk, shown on stderr by ShowProgress.

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/releasegate/releasegate/report"
)

// Progress counts a catalog probe's work as it happens. It is safe for
// concurrent use; the zero value is ready.
type Progress struct {
	listed, walked, tags, objects, problems atomic.Int64
}

// ProgressSnapshot is the work done so far.
type ProgressSnapshot struct {
	Listed   int64 // repositories selected so far (the catalog is still being read)
	Walked   int64 // repositories done
	Tags     int64 // tags walked
	Objects  int64 // distinct objects checked
	Problems int64 // tags with a missing, mismatched or unknown object
}

// Snapshot returns the counts so far.
func (p *Progress) Snapshot() ProgressSnapshot {
	return ProgressSnapshot{p.listed.Load(), p.walked.Load(), p.tags.Load(), p.objects.Load(), p.problems.Load()}
}

// The probe calls these; a nil Progress counts nothing.
func (p *Progress) repositoryListed() {
	if p != nil {
		p.listed.Add(1)
	}
}

func (p *Progress) repositoryWalked(objects int) {
	if p != nil {
		p.walked.Add(1)
		p.objects.Add(int64(objects))
	}
}

func (p *Progress) tagWalked(problem bool) {
	if p == nil {
		return
	}
	p.tags.Add(1)
	if problem {
		p.problems.Add(1)
	}
}

// ProgressDisplay says how ShowProgress writes.
type ProgressDisplay struct {
	// Live rewrites one line in place (a terminal); otherwise one line is
	// written per Every (CI logs, pipes).
	Live  bool
	Every time.Duration
	// Requests returns how many requests the run has sent so far.
	Requests func() int
}

// ShowProgress writes p to w until the returned stop is called; stop
// writes the last state and returns once nothing more will be written.
func ShowProgress(w io.Writer, p *Progress, d ProgressDisplay) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	every := d.Every
	if d.Live {
		every = 250 * time.Millisecond
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		start, lastAt, lastReq := time.Now(), time.Now(), d.Requests()
		for {
			select {
			case <-ctx.Done():
				// The totals, last: in a log they say what the run covered.
				line := progressLine(p.Snapshot(), d.Requests(), start, time.Now(), 0)
				if d.Live {
					line = "\r\x1b[K" + line
				}
				fmt.Fprintln(w, line)
				return
			case now := <-tick.C:
				req := d.Requests()
				line := progressLine(p.Snapshot(), req, start, now, float64(req-lastReq)/now.Sub(lastAt).Seconds())
				lastAt, lastReq = now, req
				if d.Live {
					fmt.Fprintf(w, "\r\x1b[K%s", line)
				} else {
					fmt.Fprintln(w, line)
				}
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// progressLine renders one line: repositories done of those listed, tags,
// objects, problems, and the request rate (0 in the final line: it is a
// total then).
func progressLine(s ProgressSnapshot, requests int, start, now time.Time, rate float64) string {
	line := fmt.Sprintf("releasegate probe %s: %d/%d repositories, %s, %s, %d with problems, %s",
		now.Sub(start).Round(time.Second), s.Walked, s.Listed, report.Plural(int(s.Tags), "tag"), report.Plural(int(s.Objects), "object"),
		s.Problems, report.Plural(requests, "request"))
	if rate > 0 {
		line += fmt.Sprintf(" (%.0f/s)", rate)
	}
	return line
}
