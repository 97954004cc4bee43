// Package linttest runs lint checks over small repositories: case
// directories kept under a check's testdata, each with the findings it
// wants (RunCaseDirs), or repositories a test writes (Run, Write, RunDir)
// where a table of cases does not fit: properties, generated YAML, fixes.
package linttest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Run writes files (path -> content; ".releasegate.yaml" is the config)
// into a temporary directory and runs the checks over it. Finding paths
// are relative to that directory.
func Run(t testing.TB, files map[string]string, checks ...lint.Check) *report.Result {
	t.Helper()
	return RunDir(t, Write(t, files), checks...)
}

// Write creates the files (slash-separated relative paths) under a new
// temporary directory and returns it.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// RunDir runs the checks over an existing directory (a fixture).
func RunDir(t testing.TB, dir string, checks ...lint.Check) *report.Result {
	t.Helper()
	cfg := config.Default(dir)
	if p, err := config.Discover(dir); err != nil {
		t.Fatal(err)
	} else if p != "" {
		if cfg, err = config.Load(p); err != nil {
			t.Fatal(err)
		}
	}
	var rules []rule.Rule
	for _, c := range checks {
		rules = append(rules, c.Rules...)
	}
	// Loaded by lint.Run as the CLI does: checks see workflows one at a
	// time and only their summaries in Run.
	res, err := lint.Run(lint.Options{Load: workspace.Options{Paths: []string{dir}, WorkingDir: dir},
		Config: cfg, Checks: checks, Rules: rule.NewSet(rules)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
