package cli

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/internal/benchcorpus"
)

// BenchmarkLintVsActionlint lints a generated corpus of 1,000 release
// workflows with actionlint alone (its Linter, no shellcheck, as the
// actionlint CLI runs without shellcheck installed) and with `releasegate
// lint` (actionlint's rules plus every releasegate rule), and reports the
// ratio of their wall times ("ratio") and CPU times ("cpu-ratio"). The
// target is ratio <= 1.5.
//
//	go test ./internal/cli -run '^$' -bench LintVsActionlint -benchtime 3x
func BenchmarkLintVsActionlint(b *testing.B) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	dir := b.TempDir()
	if err := benchcorpus.Write(dir, n); err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, ".github", "workflows", "*.yml"))
	b.Chdir(dir)

	var tActionlint, tReleasegate, cActionlint, cReleasegate time.Duration
	for b.Loop() {
		runtime.GC()
		cpu0 := cpuTime()
		start := time.Now()
		l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.LintFiles(files, nil); err != nil {
			b.Fatal(err)
		}
		tActionlint += time.Since(start)
		cActionlint += cpuTime() - cpu0

		runtime.GC()
		cpu0 = cpuTime()
		start = time.Now()
		var out strings.Builder
		code := Main([]string{"lint", "--format", "json", "."}, os.Stdin, &out, io.Discard)
		if code == ExitError {
			b.Fatalf("releasegate lint exit 2: %s", out.String())
		}
		tReleasegate += time.Since(start)
		cReleasegate += cpuTime() - cpu0
	}
	ops := float64(b.N)
	b.ReportMetric(float64(tActionlint.Milliseconds())/ops, "actionlint-ms/op")
	b.ReportMetric(float64(tReleasegate.Milliseconds())/ops, "releasegate-ms/op")
	b.ReportMetric(float64(tReleasegate)/float64(tActionlint), "ratio")
	// CPU time is steadier than wall time on a busy machine.
	b.ReportMetric(float64(cReleasegate)/float64(cActionlint), "cpu-ratio")
}

// cpuTime is the user+system CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
