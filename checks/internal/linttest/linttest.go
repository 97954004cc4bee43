// Package linttest runs lint checks over small repositories written by
// tests, so check tests assert real findings from the real engine.
package linttest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/releasegate/releasegate/checks/lint"
	"github.com/releasegate/releasegate/checks/workspace"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/internal/rule"
	"github.com/releasegate/releasegate/report"
)

// Write creates the files (slash-separated relative paths) under a new
// temporary directory and returns it.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Run lints dir with the given checks and returns the result. Input
// errors fail the test: fixtures are meant to be valid.
func Run(t testing.TB, dir string, checks ...lint.Check) *report.Result {
	t.Helper()
	ws, err := workspace.Load(workspace.Options{Paths: []string{dir}, WorkingDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var groups [][]rule.Rule
	for _, c := range checks {
		groups = append(groups, c.Rules)
	}
	res, err := lint.Run(lint.Options{Workspace: ws, Config: config.Default(dir), Checks: checks, Rules: rule.NewSet(groups...)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("input error: %+v", e)
	}
	return res
}

// Marker is placed in fixture text where a finding is expected; Strip
// removes it and returns the marked positions.
const Marker = "»"

// Pos is an expected finding position.
type Pos struct {
	File      string
	Line, Col int
}

// Strip removes every Marker from each file and returns the files and the
// positions (1-based line and byte column) the markers stood at.
func Strip(files map[string]string) (map[string]string, []Pos) {
	out := make(map[string]string, len(files))
	var want []Pos
	for name, body := range files {
		line, col := 1, 1
		var b []byte
		for i := 0; i < len(body); {
			if len(body)-i >= len(Marker) && body[i:i+len(Marker)] == Marker {
				want = append(want, Pos{name, line, col})
				i += len(Marker)
				continue
			}
			c := body[i]
			b = append(b, c)
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i++
		}
		out[name] = string(b)
	}
	return out, want
}
