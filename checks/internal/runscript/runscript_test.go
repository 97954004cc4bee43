package runscript

import (
	"slices"
	"testing"

	"github.com/rhysd/actionlint"
)

func TestMask(t *testing.T) {
	tests := []struct {
		src, masked string
		exprs       []int // placeholders found in the masked text
	}{
		{"echo hi", "echo hi", nil},
		{"docker push app:${{ inputs.tag }}", "docker push app:RGX0_____________", []int{0}},
		{"a=${{ x }} b='${{ y || '}}' }}'", "a=RGX0____ b='RGX1____________'", []int{0, 1}},
	}
	for _, tt := range tests {
		masked, exprs := Mask(tt.src)
		if masked != tt.masked || len(masked) != len(tt.src) {
			t.Errorf("Mask(%q) = %q, want %q (same length)", tt.src, masked, tt.masked)
		}
		if len(exprs) != len(tt.exprs) {
			t.Errorf("Mask(%q): %d expressions, want %d", tt.src, len(exprs), len(tt.exprs))
		}
		if got := Placeholders(masked); !slices.Equal(got, tt.exprs) {
			t.Errorf("Placeholders(%q) = %v, want %v", masked, got, tt.exprs)
		}
	}
}

func TestShellName(t *testing.T) {
	for shell, want := range map[string]bool{
		"": true, "bash": true, "bash -euo pipefail {0}": true, "/bin/sh -e {0}": true,
		"pwsh": false, "python": false, "cmd": false, "node {0}": false,
	} {
		if got := ShellName(shell); got != want {
			t.Errorf("ShellName(%q) = %v, want %v", shell, got, want)
		}
	}
}

func TestIsShellFollowsTheRunner(t *testing.T) {
	tests := []struct {
		name, workflow string
		want           bool
	}{
		{"linux default", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n", true},
		{"windows default is PowerShell", "on: push\njobs:\n  j:\n    runs-on: windows-2022\n    steps:\n      - run: make\n", false},
		{"windows with bash", "on: push\njobs:\n  j:\n    runs-on: windows-latest\n    defaults:\n      run:\n        shell: bash\n    steps:\n      - run: make\n", true},
		{"matrix with windows", "on: push\njobs:\n  j:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: make\n", false},
		{"matrix without windows", "on: push\njobs:\n  j:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest]\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: make\n", true},
	}
	for _, tt := range tests {
		w, errs := actionlint.Parse([]byte(tt.workflow))
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tt.name, errs)
		}
		j := w.Jobs["j"]
		run := j.Steps[0].Exec.(*actionlint.ExecRun)
		if got := IsShell(run.Shell, j, w); got != tt.want {
			t.Errorf("%s: IsShell = %v, want %v", tt.name, got, tt.want)
		}
	}
}
