package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestGateHandOff: `releasegate gate …` and `releasegate demo` run the
// releasegate-gate binary beside it with the arguments unchanged, and its
// exit code is the run's; help and completion of the gate commands come
// from it too; without it, or with one of another version, the run exits 2
// saying what to install.
func TestGateHandOff(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both binaries")
	}
	if runtime.GOOS == "windows" {
		t.Skip("stand-in gate binary is a shell script")
	}
	bin := t.TempDir()
	lint := filepath.Join(bin, "releasegate")
	for _, b := range []struct{ out, pkg string }{{lint, "."}, {filepath.Join(bin, "releasegate-gate"), "../releasegate-gate"}} {
		if out, err := exec.Command("go", "build", "-o", b.out, b.pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	noGate := []string{"PATH=" + t.TempDir()} // nothing on PATH: only the binary beside counts

	tests := []struct {
		name     string
		args     []string
		env      []string
		code     int
		contains string
	}{
		{"demo runs the gate", []string{"demo"}, nil, 0, "orphan-arch-tag"},
		{"global flags before the command", []string{"--color", "never", "--fail-on=warning", "gate", "verify", "--help"}, nil, 0, "--expect"},
		{"help of a gate command", []string{"help", "gate", "probe"}, nil, 0, "--catalog"},
		{"completion of a gate flag", []string{"__complete", "gate", "verify", "--format", ""}, nil, 0, "json"},
		{"a gate usage error is the gate's", []string{"gate", "verify", "--no-such-flag"}, nil, 2, "--no-such-flag"},
		{"lint stays in the lint binary", []string{"version"}, nil, 0, "releasegate"},
		{"another version's gate binary is refused", []string{"version"}, []string{"RELEASEGATE_HANDOFF_VERSION=0.0.1-other"}, 2, "install both binaries from the same release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := lint
			if tt.env != nil {
				target = filepath.Join(bin, "releasegate-gate")
			}
			code, out := runBin(t, target, append(noGate, tt.env...), tt.args...)
			if code != tt.code || !strings.Contains(out, tt.contains) {
				t.Errorf("releasegate %s: exit %d, want %d with %q in:\n%s", strings.Join(tt.args, " "), code, tt.code, tt.contains, out)
			}
		})
	}

	t.Run("arguments, version and exit code pass through", func(t *testing.T) {
		dir := t.TempDir()
		alone := filepath.Join(dir, "releasegate")
		copyFile(t, lint, alone)
		standIn := "#!/bin/sh\nprintf '%s|' \"$@\"\necho \"version=$RELEASEGATE_HANDOFF_VERSION\"\nexit 7\n"
		if err := os.WriteFile(filepath.Join(dir, "releasegate-gate"), []byte(standIn), 0o755); err != nil {
			t.Fatal(err)
		}
		code, out := runBin(t, alone, noGate, "--config", "x y.yaml", "gate", "check", "--version", "1.2.3")
		want := "--config|x y.yaml|gate|check|--version|1.2.3|version="
		if code != 7 || !strings.HasPrefix(out, want) || strings.HasSuffix(strings.TrimSpace(out), "version=") {
			t.Errorf("exit %d, output %q; want exit 7 and %q followed by the lint binary's version", code, out, want)
		}
	})

	t.Run("no gate binary", func(t *testing.T) {
		alone := filepath.Join(t.TempDir(), "releasegate")
		copyFile(t, lint, alone)
		code, out := runBin(t, alone, noGate, "gate", "check")
		if code != 2 || !strings.Contains(out, "releasegate-gate, is neither beside this releasegate nor on PATH") {
			t.Errorf("exit %d, want 2 naming the missing binary:\n%s", code, out)
		}
		if code, _ := runBin(t, alone, noGate, "lint", "--help"); code != 0 {
			t.Errorf("lint --help without the gate binary: exit %d", code)
		}
	})
}

func runBin(t *testing.T, bin string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	return 0, string(out)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}
