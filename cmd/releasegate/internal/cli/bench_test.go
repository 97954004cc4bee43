package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/benchcorpus"
)

// BenchmarkLintVsActionlint times the two command-line tools on a
// generated corpus of 1,000 release workflows (triggers, env at every
// level, matrices, multi-line run scripts, secrets, deletes):
//
//   - baseline: the actionlint binary (v1.7.12, built from the module
//     cache, shellcheck and pyflakes off as on a machine without them);
//   - releasegate lint: actionlint's rules plus every releasegate rule.
//
// It reports both wall times per run and their ratio (target <= 1.5):
//
//	go test ./internal/cli -run '^$' -bench LintVsActionlint -benchtime 5x
func BenchmarkLintVsActionlint(b *testing.B) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	actionlintBin, releasegateBin := buildBoth(b)

	corpus := b.TempDir()
	if err := benchcorpus.Write(corpus, n); err != nil {
		b.Fatal(err)
	}
	// actionlint exits 1 on findings; the corpus has none, so any non-zero
	// exit is a broken benchmark.
	runTool := func(name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		cmd.Dir = corpus
		cmd.Stderr = os.Stderr
		start := time.Now()
		if out, err := cmd.Output(); err != nil {
			b.Fatalf("%s: %v\n%s", filepath.Base(name), err, out)
		}
		return time.Since(start)
	}
	// actionlint finds workflows only inside a git repository; name them.
	files, _ := filepath.Glob(filepath.Join(corpus, ".github", "workflows", "*.yml"))
	actionlintArgs := append([]string{"-shellcheck=", "-pyflakes=", "-no-color"}, files...)
	var tActionlint, tReleasegate time.Duration
	for b.Loop() {
		tActionlint += runTool(actionlintBin, actionlintArgs...)
		tReleasegate += runTool(releasegateBin, "lint", "--quiet", ".")
	}
	ops := float64(b.N)
	b.ReportMetric(float64(tActionlint.Milliseconds())/ops, "actionlint-ms/op")
	b.ReportMetric(float64(tReleasegate.Milliseconds())/ops, "releasegate-ms/op")
	b.ReportMetric(float64(tReleasegate)/float64(tActionlint), "ratio")
}

// buildBoth builds the two binaries as releases are built (-trimpath, no
// symbol table; .goreleaser.yaml) into a temporary directory.
func buildBoth(b *testing.B) (actionlint, releasegate string) {
	b.Helper()
	bin := b.TempDir()
	build := func(out, pkg string) string {
		path := filepath.Join(bin, out)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", path, pkg)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
		}
		return path
	}
	return build("actionlint", "github.com/rhysd/actionlint/cmd/actionlint"),
		build("releasegate", "github.com/releasegate/releasegate/cmd/releasegate")
}

// BenchmarkStartupVsActionlint measures what every invocation pays before
// any work: `releasegate version` against `actionlint -version`, run
// alternately so both see the same machine load, plus binary sizes and
// the number of packages linked. It reports medians and their ratio
// (target <= 3):
//
//	go test ./cmd/releasegate/internal/cli -run '^$' -bench StartupVsActionlint -benchtime 200x
func BenchmarkStartupVsActionlint(b *testing.B) {
	actionlintBin, releasegateBin := buildBoth(b)
	timeRun := func(name string, args ...string) time.Duration {
		start := time.Now()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", filepath.Base(name), err, out)
		}
		return time.Since(start)
	}
	var tActionlint, tReleasegate []time.Duration
	for b.Loop() {
		tActionlint = append(tActionlint, timeRun(actionlintBin, "-version"))
		tReleasegate = append(tReleasegate, timeRun(releasegateBin, "version"))
	}
	al, rg := median(tActionlint), median(tReleasegate)
	b.ReportMetric(float64(al.Microseconds())/1000, "actionlint-ms")
	b.ReportMetric(float64(rg.Microseconds())/1000, "releasegate-ms")
	b.ReportMetric(float64(rg)/float64(al), "ratio")
	for name, path := range map[string]string{"actionlint-MB": actionlintBin, "releasegate-MB": releasegateBin} {
		if st, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(st.Size())/1e6, name)
		}
	}
	if out, err := exec.Command("go", "list", "-deps", "github.com/releasegate/releasegate/cmd/releasegate").Output(); err == nil {
		b.ReportMetric(float64(len(strings.Fields(string(out)))), "packages")
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
