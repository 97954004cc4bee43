package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/cmd/internal/command"
)

// TestForGate: which command lines belong to the gate half, whatever
// global flags come first, and through help and shell completion.
func TestForGate(t *testing.T) {
	tests := []struct {
		args []string
		gate bool
	}{
		{[]string{"gate", "verify", "--version", "1.0.0"}, true},
		{[]string{"demo"}, true},
		{[]string{"--config", "x.yaml", "gate", "check"}, true},
		{[]string{"--color=never", "-q", "demo"}, true},
		{[]string{"--quiet", "gate", "preflight"}, true},     // a boolean flag takes no value
		{[]string{"--output", "gate", "lint"}, false},        // the value of a flag named in full
		{[]string{"--color", "never", "demo"}, true},         // every value-taking global flag
		{[]string{"--no-such-flag", "gate", "verify"}, true}, // an unknown flag takes no value
		{[]string{"-q", "-o", "demo", "lint", "."}, false},   // shorthands, boolean and not
		{[]string{"-o", "out.json", "--fail-on", "warning", "gate", "probe"}, true},
		{[]string{"help", "gate", "probe"}, true},
		{[]string{"__complete", "gate", "verify", "--format", ""}, true},
		{[]string{"__completeNoDesc", "demo"}, true},
		{[]string{"lint", "gate"}, false},             // a directory named gate
		{[]string{"--config", "gate", "lint"}, false}, // a config file named gate
		{[]string{"lint", "--", "demo"}, false},
		{[]string{"--", "gate"}, false},
		{[]string{"help"}, false},
		{[]string{"version"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := forGate(tt.args, globalFlags()); got != tt.gate {
			t.Errorf("forGate(%q) = %v, want %v", tt.args, got, tt.gate)
		}
	}
}

// TestGateStubsWithoutTheGateHalf: a command line built without the gate
// commands and without hand-off (as in-process callers get it) still lists
// gate and demo, and running one exits 2 naming the gate binary.
func TestGateStubsWithoutTheGateHalf(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, cmd := range []string{"gate", "demo"} {
		if !strings.Contains(out.String(), cmd) {
			t.Errorf("help does not list %s:\n%s", cmd, out.String())
		}
	}
	out.Reset()
	code := Main([]string{"gate", "verify", "--version", "1.0.0"}, strings.NewReader(""), &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), GateBinary) || out.Len() != 0 {
		t.Errorf("gate without the gate half: exit %d, stdout %q, stderr %q; want exit 2 naming %s", code, out.String(), errOut.String(), GateBinary)
	}
}

// TestInstallHintNamesAnInstallableVersion: the missing-gate message
// gives a command that installs the gate binary of this very version.
func TestInstallHintNamesAnInstallableVersion(t *testing.T) {
	const module = "`go install github.com/releasegate/releasegate/cmd/releasegate-gate@"
	for _, tt := range []struct {
		name  string
		build command.Build
		want  string
	}{
		{"release build, stamped without the v", command.Build{Version: "0.1.0"}, module + "v0.1.0`"},
		{"go install @version", command.Build{Version: "v0.2.1"}, module + "v0.2.1`"},
		{"checkout build with a pseudo-version", command.Build{Version: "v0.1.1-0.20261207170000-8f21e11aa8c1"}, module + "v0.1.1-0.20261207170000-8f21e11aa8c1`"},
		{"a pseudo-version's commit may not be pushed", command.Build{Version: "v0.1.1-0.20261207170000-8f21e11aa8c1"}, "`go install ./cmd/releasegate-gate`"},
		{"checkout with uncommitted changes", command.Build{Version: "v0.1.1-0.20261207170000-8f21e11aa8c1+dirty", Modified: true}, "`go install ./cmd/releasegate-gate`"},
		{"go run", command.Build{Version: "devel"}, "`go install ./cmd/releasegate-gate`"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := installHint(tt.build); !strings.Contains(got, tt.want) {
				t.Errorf("%q lacks %q", got, tt.want)
			}
		})
	}
}
