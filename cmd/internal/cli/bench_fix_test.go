package cli

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/releasegate/releasegate/lint/linttest"
)

// BenchmarkAdoptionVsLint times what the fix and adoption flags add to a
// lint run, against the plain run as the baseline, on a git repository of
// 300 generated workflows full of fixable findings (those of
// TestFixProperty, about ten each):
//
//   - --diff: fixes planned, files checked, the diff written;
//   - --baseline: a baseline of every finding matched;
//   - --new-from-rev HEAD~1: git diff and the filter, one file changed.
//
// It reports each wall time per run and its ratio to plain lint:
//
//	go test ./cmd/internal/cli -run '^$' -bench AdoptionVsLint -benchtime 5x
func BenchmarkAdoptionVsLint(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "releasegate")
	if out, err := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "github.com/releasegate/releasegate/cmd/releasegate").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	repo := linttest.NewGitRepo(b)
	r := rand.New(rand.NewPCG(3, 3))
	for i := range 300 {
		repo.Write(fmt.Sprintf(".github/workflows/w%03d.yml", i), genWorkflow(r))
	}
	repo.Commit("corpus")
	repo.Write(".github/workflows/w000.yml", genWorkflow(r))
	repo.Commit("one workflow changed")
	baseline := filepath.Join(b.TempDir(), "baseline.json")
	timeRun := func(args ...string) time.Duration {
		cmd := exec.Command(bin, append([]string{"lint", "--quiet"}, args...)...)
		cmd.Dir = repo.Dir
		start := time.Now()
		out, err := cmd.Output()
		var ee *exec.ExitError
		if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) { // 1: findings, as expected
			b.Fatalf("lint %v: %v\n%s", args, err, out)
		}
		return time.Since(start)
	}
	timeRun("--baseline-write", baseline)
	var plain, diff, base, newFrom time.Duration
	for b.Loop() {
		plain += timeRun()
		diff += timeRun("--diff")
		base += timeRun("--baseline", baseline)
		newFrom += timeRun("--new-from-rev", "HEAD~1")
	}
	ops := float64(b.N)
	b.ReportMetric(float64(plain.Milliseconds())/ops, "lint-ms/op")
	for name, d := range map[string]time.Duration{"diff": diff, "baseline": base, "new-from-rev": newFrom} {
		b.ReportMetric(float64(d)/float64(plain), name+"-ratio")
	}
}
