package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCheckoutBuildNamesItsCommit builds releasegate the way a
// contributor does, `go build` in a git checkout, and checks that
// `releasegate version` names the commit (from the VCS information Go
// stamps), and that a release build's -ldflags -X values win.
//
// Go stamps VCS information only where .git is a directory (not in a
// `git worktree`), so the test builds in a shallow clone of HEAD.
func TestCheckoutBuildNamesItsCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary twice")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	head := gitOut(t, strings.TrimSpace(string(top)), "rev-parse", "HEAD")
	clone := filepath.Join(t.TempDir(), "src")
	gitOut(t, "", "clone", "--quiet", "--depth", "1", "file://"+strings.TrimSpace(string(top)), clone)
	if got := gitOut(t, clone, "rev-parse", "HEAD"); got != head {
		t.Fatalf("clone is at %s, want HEAD %s", got, head)
	}

	checkout := goBuild(t, clone, "checkout", "./cmd/releasegate")
	out := runVersion(t, checkout)
	if !strings.Contains(out, "\ncommit:  "+head+"\n") {
		t.Errorf("a checkout build of %s printed:\n%s", head, out)
	}
	if first := strings.SplitN(out, "\n", 2)[0]; first == "releasegate devel" || first == "releasegate dev" {
		t.Errorf("no version: %q", first)
	}

	release := goBuild(t, clone, "release", "./cmd/releasegate", "-ldflags", "-X main.version=9.8.7 -X main.commit=feedface -X main.date=2026-11-28T10:00:00Z")
	want := "releasegate 9.8.7\ncommit:  feedface\ndate:    2026-11-28T10:00:00Z\n"
	if out := runVersion(t, release); !strings.HasPrefix(out, want) {
		t.Errorf("release build printed:\n%s\nwant it to start with:\n%s", out, want)
	}
}

func goBuild(t *testing.T, dir, name, pkg string, flags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	args := append([]string{"build", "-trimpath", "-o", bin}, flags...)
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = dir
	// Whatever the machine's go env says, stamp VCS information as a
	// default `go build` does.
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=auto")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func runVersion(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", bin, err)
	}
	return string(out)
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// TestStartupDoesNotCollect: in the gate binary, the package initialisers
// of OPA, sigstore-go's dependencies and actionlint allocate about 3.5 MB,
// past the runtime's first heap goal (4 MB, collected from about 3 MB);
// internal/startup holds the collector off until main, so a run as short
// as `releasegate-gate version` does no garbage collection at all. (The
// lint binary's initialisers allocate about 1.3 MB.) Whether a
// collection happens also depends on timing, so the test checks the cause
// too: startup runs while the initialisers before it have allocated less
// than 1.5 MB, half of what starts the first collection.
func TestStartupDoesNotCollect(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := goBuild(t, "../..", "startup", "./cmd/releasegate-gate")
	cmd := exec.Command(bin, "version")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GODEBUG=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GODEBUG=gctrace=1,inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	const startup = "github.com/releasegate/releasegate/cmd/internal/startup"
	before, total, started := 0, 0, false
	for _, line := range strings.Split(string(out), "\n") {
		// init PKG @T ms, D ms clock, BYTES bytes, N allocs
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "gc "):
			t.Errorf("`releasegate-gate version` collected garbage: %s", line)
		case len(f) >= 9 && f[0] == "init":
			if f[1] == startup {
				started = true
			}
			n, _ := strconv.Atoi(f[7])
			total += n
			if !started {
				before += n
			}
		}
	}
	switch {
	case total < 2_000_000:
		t.Errorf("initialisers allocate only %d bytes; the check is not needed or the trace was not read", total)
	case !started:
		t.Errorf("%s never initialised; a collection during initialisation is left to chance", startup)
	case before > 1_500_000:
		t.Errorf("initialisers allocate %d bytes before %s runs", before, startup)
	}
	t.Logf("initialisers allocate %d bytes, %d before startup", total, before)
}
