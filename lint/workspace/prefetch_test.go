package workspace

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPrefetchOnlyForTheBytesRead: a parse made ahead is used only for
// the exact bytes Parse read, only once, and only for files that were
// regular workflow files when it was made.
func TestPrefetchOnlyForTheBytesRead(t *testing.T) {
	dir := t.TempDir()
	wfDir := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wfDir, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b, link := filepath.Join(wfDir, "a.yml"), filepath.Join(wfDir, "b.yml"), filepath.Join(wfDir, "c.yml")
	body := []byte("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n")
	for _, f := range []string{a, b} {
		if err := os.WriteFile(f, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	var p prefetcher
	p.prefetch(dir)
	p.mu.Lock()
	for _, w := range p.files {
		<-w.done // nothing takes them first here
	}
	p.mu.Unlock()

	if w, ok := p.take(a, body); !ok || w.ast == nil {
		t.Errorf("a.yml: no parse made ahead for the same bytes")
	}
	if _, ok := p.take(a, body); ok {
		t.Errorf("a.yml: a parse made ahead was handed out twice")
	}
	changed := append([]byte("# edited since\n"), body...)
	if _, ok := p.take(b, changed); ok {
		t.Errorf("b.yml: a parse of other bytes was used")
	}
	if _, ok := p.take(link, body); ok {
		t.Errorf("c.yml: a symbolic link was read ahead, outside Parse's boundary checks")
	}
}
