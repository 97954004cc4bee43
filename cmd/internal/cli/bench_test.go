package cli

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/catalog"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/internal/benchcorpus"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// BenchmarkLintVsActionlint runs the two command-line tools side by side
// on git repositories of 1, 50, 1,000 and 5,000 realistic workflows
// (internal/benchcorpus: one project's workflows, copied under renamed
// files, with its composite actions, runbook and configuration):
//
//   - baseline: the actionlint binary (v1.7.12, built from the module
//     cache, shellcheck and pyflakes off as on a machine without them);
//   - releasegate lint: actionlint's rules plus every releasegate rule.
//
// Both are built as released and run alternately, the one going first
// changing every time, so both see the same machine. Each round times the
// small repositories many times (a pre-commit hook runs on every commit)
// and measures each tool's peak resident memory once per size, under GNU
// time (a child started by this process would report this process's
// memory as its own peak: Go starts children sharing its address space
// until they exec). It prints, per size, the median wall time and peak
// memory of each tool and their ratios (targets: 50 workflows <= 1.2x
// wall, 1,000 <= 1.0x wall, 5,000 <= 1.5x memory):
//
//	go test ./cmd/internal/cli -run '^$' -bench LintVsActionlint -benchtime 3x
//
// -short leaves out the 5,000-workflow repository.
func BenchmarkLintVsActionlint(b *testing.B) {
	sizes := []struct{ workflows, runs int }{{1, 20}, {50, 20}, {1000, 3}, {5000, 1}}
	if testing.Short() {
		sizes = sizes[:3]
	}
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Logf("no /usr/bin/time (apt install time): peak memory is not measured")
	}
	actionlintBin, releasegateBin := buildBoth(b)
	tools := [2]struct {
		bin  string
		args []string
	}{
		{actionlintBin, []string{"-shellcheck=", "-pyflakes=", "-no-color"}},
		{releasegateBin, []string{"lint", "--quiet", "."}},
	}
	rows := make([]*sizeRow, len(sizes))
	for i, sz := range sizes {
		rows[i] = &sizeRow{workflows: sz.workflows, dir: gitCorpus(b, sz.workflows)}
	}
	first := 0
	for b.Loop() {
		for i, sz := range sizes {
			r := rows[i]
			for run := range sz.runs + 1 {
				for k := range 2 {
					t := (first + k) % 2
					// The corpus is clean: any non-zero exit is a broken benchmark.
					if run < sz.runs {
						r.wall[t] = append(r.wall[t], timeRun(b, r.dir, tools[t].bin, tools[t].args...).Seconds())
					} else if gnuTime != "" {
						r.peak[t] = append(r.peak[t], peakMiB(b, gnuTime, r.dir, tools[t].bin, tools[t].args...))
					}
				}
				first = 1 - first
			}
		}
	}
	fmt.Printf("\n%-10s  %-25s  %-25s  %s\n", "workflows", "actionlint wall / peak", "releasegate wall / peak", "ratio wall / peak")
	for _, r := range rows {
		alWall, rgWall := medianOf(r.wall[0]), medianOf(r.wall[1])
		alPeak, rgPeak := medianOf(r.peak[0]), medianOf(r.peak[1])
		fmt.Printf("%-10d  %9s / %6.1f MiB  %9s / %6.1f MiB  %.2f / %.2f\n", r.workflows,
			ms(alWall), alPeak, ms(rgWall), rgPeak, rgWall/alWall, rgPeak/alPeak)
		b.ReportMetric(rgWall/alWall, fmt.Sprintf("wall-ratio-%d", r.workflows))
		if alPeak > 0 {
			b.ReportMetric(rgPeak/alPeak, fmt.Sprintf("peak-ratio-%d", r.workflows))
		}
	}
}

// sizeRow is one repository size: where it is, and the wall times
// (seconds) and peaks (MiB) of actionlint [0] and releasegate [1].
type sizeRow struct {
	workflows  int
	dir        string
	wall, peak [2][]float64
}

// timeRun runs a tool in dir and returns its wall time.
func timeRun(b *testing.B, dir, name string, args ...string) time.Duration {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s in %s: %v\n%s", filepath.Base(name), dir, err, out)
	}
	return wall
}

// peakMiB runs a tool under GNU time and returns its peak resident
// memory.
func peakMiB(b *testing.B, gnuTime, dir, name string, args ...string) float64 {
	report := filepath.Join(b.TempDir(), "rss")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", report, name}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s in %s: %v\n%s", filepath.Base(name), dir, err, out)
	}
	text, err := os.ReadFile(report)
	if err != nil {
		b.Fatal(err)
	}
	kb, err := strconv.ParseFloat(strings.TrimSpace(string(text)), 64)
	if err != nil {
		b.Fatalf("GNU time: %q: %v", text, err)
	}
	return kb / 1024
}

// gitCorpus writes a benchcorpus repository of n workflows and makes it a
// git repository with every file added, as a checkout is: actionlint
// finds workflows through .git, releasegate lists files with git.
func gitCorpus(b *testing.B, n int) string {
	dir := b.TempDir()
	if err := benchcorpus.Write(dir, n); err != nil {
		b.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %s: %v\n%s", args[0], err, out)
		}
	}
	return dir
}

func medianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(seconds float64) string {
	if seconds < 1 {
		return fmt.Sprintf("%.1f ms", seconds*1000)
	}
	return fmt.Sprintf("%.2f s", seconds)
}

// BenchmarkPerWorkflowVsActionlint is the per-file path without process
// start-up: releasegate's lint engine with every check, in process, over
// the 50-workflow repository, against actionlint's own Linter over the
// same files, alternating. Besides -benchmem's totals (both tools) it
// reports each one's time, bytes and allocations per workflow and the
// ratios:
//
//	go test ./cmd/internal/cli -run '^$' -bench PerWorkflowVsActionlint -benchmem
func BenchmarkPerWorkflowVsActionlint(b *testing.B) {
	const n = 50
	dir := gitCorpus(b, n)
	files, err := filepath.Glob(filepath.Join(dir, ".github", "workflows", "*.yml"))
	if err != nil || len(files) != n {
		b.Fatalf("%d workflows: %v", len(files), err)
	}
	cfg, err := config.Load(filepath.Join(dir, ".releasegate.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	checks, rules := catalog.Checks(), catalog.Rules()
	releasegate := func() {
		res, err := lint.Run(lint.Options{Load: workspace.Options{Paths: []string{dir}, WorkingDir: dir},
			Config: cfg, Checks: checks, Rules: rules})
		if err != nil || len(res.Findings) > 0 || len(res.Errors) > 0 {
			b.Fatalf("releasegate: %v, %d findings, %d errors", err, len(res.Findings), len(res.Errors))
		}
	}
	actionlintRun := func() {
		l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if errs, err := l.LintFiles(files, nil); err != nil || len(errs) > 0 {
			b.Fatalf("actionlint: %v, %d findings", err, len(errs))
		}
	}
	var rg, al allocCost
	for b.Loop() {
		al.add(actionlintRun)
		rg.add(releasegate)
	}
	per := float64(b.N * n)
	b.ReportMetric(float64(al.wall.Nanoseconds())/per, "actionlint-ns/wf")
	b.ReportMetric(float64(rg.wall.Nanoseconds())/per, "releasegate-ns/wf")
	b.ReportMetric(float64(al.bytes)/per, "actionlint-B/wf")
	b.ReportMetric(float64(rg.bytes)/per, "releasegate-B/wf")
	b.ReportMetric(float64(al.allocs)/per, "actionlint-allocs/wf")
	b.ReportMetric(float64(rg.allocs)/per, "releasegate-allocs/wf")
	b.ReportMetric(float64(rg.wall)/float64(al.wall), "time-ratio")
	b.ReportMetric(float64(rg.bytes)/float64(al.bytes), "bytes-ratio")
}

// allocCost adds up the time and the heap allocations of calls.
type allocCost struct {
	wall          time.Duration
	bytes, allocs uint64
}

func (c *allocCost) add(fn func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	c.wall += time.Since(start)
	runtime.ReadMemStats(&after)
	c.bytes += after.TotalAlloc - before.TotalAlloc
	c.allocs += after.Mallocs - before.Mallocs
}

// buildBoth builds actionlint and the lint binary as releases are built
// (-trimpath, no symbol table; .goreleaser.yaml) into a temporary
// directory.
func buildBoth(b *testing.B) (actionlint, releasegate string) {
	b.Helper()
	bin := b.TempDir()
	return buildRelease(b, bin, "actionlint", "github.com/rhysd/actionlint/cmd/actionlint"),
		buildRelease(b, bin, "releasegate", "github.com/releasegate/releasegate/cmd/releasegate")
}

func buildRelease(b *testing.B, dir, out, pkg string) string {
	b.Helper()
	path := filepath.Join(dir, out)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", path, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return path
}

// BenchmarkStartupVsActionlint measures what every invocation pays before
// any work: `releasegate version` (the lint binary) and
// `releasegate-gate version` (the gate half, which links OPA, sigstore-go
// and go-containerregistry) against `actionlint -version`, run alternately
// so all see the same machine load, plus binary sizes and the number of
// packages linked. It reports medians and their ratios (target <= 3 for
// the lint binary):
//
//	go test ./cmd/internal/cli -run '^$' -bench StartupVsActionlint -benchtime 200x
func BenchmarkStartupVsActionlint(b *testing.B) {
	actionlintBin, releasegateBin := buildBoth(b)
	gateBin := buildRelease(b, filepath.Dir(releasegateBin), "releasegate-gate", "github.com/releasegate/releasegate/cmd/releasegate-gate")
	timeRun := func(name string, args ...string) time.Duration {
		start := time.Now()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", filepath.Base(name), err, out)
		}
		return time.Since(start)
	}
	var tActionlint, tReleasegate, tGate []time.Duration
	for b.Loop() {
		tActionlint = append(tActionlint, timeRun(actionlintBin, "-version"))
		tReleasegate = append(tReleasegate, timeRun(releasegateBin, "version"))
		tGate = append(tGate, timeRun(gateBin, "version"))
	}
	al, rg, gt := median(tActionlint), median(tReleasegate), median(tGate)
	b.ReportMetric(float64(al.Microseconds())/1000, "actionlint-ms")
	b.ReportMetric(float64(rg.Microseconds())/1000, "releasegate-ms")
	b.ReportMetric(float64(gt.Microseconds())/1000, "gate-ms")
	b.ReportMetric(float64(rg)/float64(al), "ratio")
	b.ReportMetric(float64(gt)/float64(al), "gate-ratio")
	for name, path := range map[string]string{"actionlint-MB": actionlintBin, "releasegate-MB": releasegateBin, "gate-MB": gateBin} {
		if st, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(st.Size())/1e6, name)
		}
	}
	for name, pkg := range map[string]string{"packages": "cmd/releasegate", "gate-packages": "cmd/releasegate-gate"} {
		if out, err := exec.Command("go", "list", "-deps", "github.com/releasegate/releasegate/"+pkg).Output(); err == nil {
			b.ReportMetric(float64(len(strings.Fields(string(out)))), name)
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
