package workspace

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestGoDirsAsTheGoCommandSeesThem: Go files under directories the go
// command never builds (".x", "_x", testdata) are fixtures, not packages;
// a deliberately broken one there must not reach the Go loader.
func TestGoDirsAsTheGoCommandSeesThem(t *testing.T) {
	files := map[string]bool{ // path -> its directory is a Go dir
		"go.mod":                        false,
		"main.go":                       true,
		"pkg/tool/tool.go":              true,
		"pkg/_fixtures/broken.go":       false,
		"__fixtures__/invalid.go":       false,
		".github/workflows/t/x_test.go": false,
		"pkg/testdata/src/a/a.go":       false,
		"under_score/ok.go":             true,
	}
	dir := t.TempDir()
	for rel := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("package x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := Discover(Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	ws.Parse()
	// Pointed at a fixture under testdata, lint reads it as the go
	// command run there would.
	fixture := filepath.Join(dir, "pkg", "testdata", "src", "a")
	inside, err := Discover(Options{Paths: []string{fixture}})
	if err != nil {
		t.Fatal(err)
	}
	inside.Parse()
	if !slices.Equal(inside.GoDirs, []string{fixture}) {
		t.Errorf("lint of %s: Go dirs %v, want that directory", fixture, inside.GoDirs)
	}
	for rel, want := range files {
		if filepath.Ext(rel) != ".go" {
			continue
		}
		d := filepath.Dir(filepath.Join(dir, filepath.FromSlash(rel)))
		if got := slices.Contains(ws.GoDirs, d); got != want {
			t.Errorf("%s: its directory a Go dir = %v, want %v (Go dirs %v)", rel, got, want, ws.GoDirs)
		}
	}
}
