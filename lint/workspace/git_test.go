//go:build unix

package workspace

import (
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestGitBounded: a repository config that includes a FIFO keeps git
// waiting for a writer; lint's git command is killed at its time limit
// instead of hanging the run.
func TestGitBounded(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "-C", dir, "config", "include.path", fifo).CombinedOutput(); err != nil {
		t.Fatalf("git config: %v\n%s", err, out)
	}
	start := time.Now()
	_, err := gitWithin(time.Second, dir, "ls-files", "-z").Output()
	if err == nil {
		t.Fatal("git read its configuration from a FIFO nobody writes")
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("git took %v with a time limit of 1s", took)
	}
}
