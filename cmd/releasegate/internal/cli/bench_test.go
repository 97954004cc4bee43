package cli

import (
	"os"
	"os/exec"
	"path/filepath"
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
	actionlintBin, releasegateBin := buildTools(b)

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

// buildTools builds the actionlint binary (the baseline) and the
// releasegate binary as shipped.
func buildTools(b *testing.B) (actionlintBin, releasegateBin string) {
	bin := b.TempDir()
	build := func(out, pkg string) string {
		path := filepath.Join(bin, out)
		if msg, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
		}
		return path
	}
	return build("actionlint", "github.com/rhysd/actionlint/cmd/actionlint"),
		build("releasegate", "github.com/releasegate/releasegate/cmd/releasegate")
}

// BenchmarkStartup times process start-up: `releasegate version` against
// `actionlint -version` (the baseline: a Go binary without the registry,
// OPA and sigstore code), alternating the two in every iteration.
//
//	go test ./cmd/releasegate/internal/cli -run '^$' -bench Startup -benchtime 50x
func BenchmarkStartup(b *testing.B) {
	actionlintBin, releasegateBin := buildTools(b)
	run := func(name string, args ...string) time.Duration {
		start := time.Now()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", filepath.Base(name), err, out)
		}
		return time.Since(start)
	}
	run(actionlintBin, "-version") // the first start pays for the page cache
	run(releasegateBin, "version")
	var tBase, tOurs time.Duration
	for b.Loop() {
		tBase += run(actionlintBin, "-version")
		tOurs += run(releasegateBin, "version")
	}
	n := float64(b.N)
	b.ReportMetric(float64(tBase.Microseconds())/1000/n, "actionlint-ms/op")
	b.ReportMetric(float64(tOurs.Microseconds())/1000/n, "releasegate-ms/op")
	b.ReportMetric(float64(tOurs)/float64(tBase), "ratio")
}
