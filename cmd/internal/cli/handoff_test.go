package cli

import (
	"bytes"
	"strings"
	"testing"
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
		if got := forGate(tt.args); got != tt.gate {
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
