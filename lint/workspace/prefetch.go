package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/internal/yamlguard"
)

// Listing a repository's files (git ls-files) takes a few milliseconds in
// which nothing could be parsed: a small repository's whole lint is not
// much longer. The workflows under .github/workflows are almost always in
// that list, so their parsing starts at once, beside the listing. It is
// only a head start: Parse still reads every file it was given through
// its boundary, and uses a parse made here only for exactly the bytes it
// read; what the listing left out is dropped unused.

// maxPrefetch bounds the syntax trees parsed ahead, so memory does not
// grow with a large repository's workflows waiting for the listing.
const maxPrefetch = 64

// prefetched is a workflow parsed ahead of Parse.
type prefetched struct {
	claimed atomic.Bool // by the prefetching goroutine, or by Parse before it started
	done    chan struct{}
	src     []byte
	guard   error // yamlguard's refusal, if any (then there is no parse)
	ast     *actionlint.Workflow
	errs    []*actionlint.Error
}

// prefetcher holds the workflows parsed ahead, by absolute path.
type prefetcher struct {
	mu    sync.Mutex
	files map[string]*prefetched
}

// prefetch starts parsing the regular workflow files under dir (a
// scanned directory) and returns at once.
func (p *prefetcher) prefetch(dir string) {
	entries, err := os.ReadDir(filepath.Join(dir, ".github", "workflows"))
	if err != nil {
		return
	}
	var todo []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.Type().IsRegular() && (ext == ".yml" || ext == ".yaml") && len(todo) < maxPrefetch {
			todo = append(todo, filepath.Join(dir, ".github", "workflows", e.Name()))
		}
	}
	if len(todo) == 0 {
		return
	}
	root, err := inputfile.NewRoot(dir)
	if err != nil {
		return
	}
	p.mu.Lock()
	if p.files == nil {
		p.files = map[string]*prefetched{}
	}
	var work []*prefetched
	var paths []string
	for _, abs := range todo {
		if p.files[abs] == nil && len(p.files) < maxPrefetch {
			w := &prefetched{done: make(chan struct{})}
			p.files[abs] = w
			work, paths = append(work, w), append(paths, abs)
		}
	}
	p.mu.Unlock()
	next := make(chan int, len(work))
	for i := range work {
		next <- i
	}
	close(next)
	// One core stays free for git: parsing on every core slowed the
	// listing down by more than the parsing gained.
	for range min(max(runtime.NumCPU()-1, 1), len(work)) {
		go func() {
			for i := range next {
				if work[i].claimed.CompareAndSwap(false, true) {
					work[i].parse(root, paths[i])
				}
			}
		}()
	}
}

func (w *prefetched) parse(root *inputfile.Root, abs string) {
	defer close(w.done)
	// The same boundary, size and file-type checks as Parse's read: what
	// fails them here is simply not parsed ahead.
	src, err := root.ReadFile(abs, 0)
	if err != nil {
		return
	}
	w.src = src
	if w.guard = yamlguard.Check(src); w.guard == nil {
		w.ast, w.errs = actionlint.Parse(src)
	}
}

// take returns the parse made ahead for abs if it was made from src, and
// forgets it either way.
func (p *prefetcher) take(abs string, src []byte) (*prefetched, bool) {
	p.mu.Lock()
	w := p.files[abs]
	delete(p.files, abs)
	p.mu.Unlock()
	if w == nil || w.claimed.CompareAndSwap(false, true) {
		return nil, false // not started: parsing it here is as quick
	}
	<-w.done
	if w.src == nil || !bytes.Equal(w.src, src) {
		return nil, false
	}
	return w, true
}

// drop forgets what no file of the listing asked for.
func (p *prefetcher) drop() {
	p.mu.Lock()
	p.files = nil
	p.mu.Unlock()
}
