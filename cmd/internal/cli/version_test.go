package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/cmd/internal/command"
)

// runBuild runs the CLI as a binary stamped with b; it returns the exit
// code and stdout.
func runBuild(t *testing.T, b command.Build, args ...string) (int, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := runMain(args, strings.NewReader(""), &out, &errOut, WithBuild(b))
	t.Logf("%v: exit %d, stderr: %s", args, code, errOut.String())
	return code, out.String()
}

func TestVersionCommandAndFlag(t *testing.T) {
	b := command.Build{Version: "1.2.3", Commit: "97ff42c1a2b3", Date: "2026-11-28T10:00:00Z"}
	code, cmd := runBuild(t, b, "version")
	if code != 0 || !strings.HasPrefix(cmd, "releasegate 1.2.3\ncommit:  97ff42c1a2b3\ndate:    2026-11-28T10:00:00Z\ngo:      ") {
		t.Fatalf("version: exit %d\n%s", code, cmd)
	}
	if code, flag := runBuild(t, b, "--version"); code != 0 || flag != cmd {
		t.Errorf("--version: exit %d, printed\n%s\nwant what `version` prints:\n%s", code, flag, cmd)
	}
	code, js := runBuild(t, b, "version", "--format", "json")
	var v struct{ Name, Version, Commit, Date, Go string }
	if err := json.Unmarshal([]byte(js), &v); code != 0 || err != nil || v.Version != "1.2.3" || v.Commit != "97ff42c1a2b3" || v.Go == "" {
		t.Errorf("version --format json: exit %d, %v\n%s", code, err, js)
	}
}

// TestOutputsNameTheTool: lint JSON, SARIF and gate JSON say which
// binary wrote them, next to (not instead of) the format version.
func TestOutputsNameTheTool(t *testing.T) {
	b := command.Build{Version: "1.2.3", Commit: "97ff42c1a2b3"}
	fixture, _ := filepath.Abs("../../../fixtures/testdata/tokens/clean")
	t.Chdir(fixture)
	type doc struct {
		Version any // 1 in JSON outputs, "2.1.0" in SARIF
		Tool    struct{ Name, Version, Commit string }
		Runs    []struct {
			Tool struct {
				Driver struct{ Name, Version string }
			}
		}
	}
	decodeDoc := func(args ...string) doc {
		t.Helper()
		_, out := runBuild(t, b, args...)
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return d
	}
	if d := decodeDoc("lint", "--format", "json"); d.Version != 1.0 || d.Tool.Name != "releasegate" || d.Tool.Version != "1.2.3" || d.Tool.Commit != "97ff42c1a2b3" {
		t.Errorf("lint JSON: %+v", d)
	}
	if d := decodeDoc("lint", "--format", "sarif"); len(d.Runs) != 1 || d.Runs[0].Tool.Driver.Version != "1.2.3" {
		t.Errorf("SARIF driver: %+v", d)
	}
	cfg := filepath.Join(t.TempDir(), "gate.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\ngate:\n  images: [127.0.0.1:1/none]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := decodeDoc("gate", "preflight", "--config", cfg, "--version", "1.0", "--format", "json", "--retries", "1", "--timeout", "5s")
	if d.Version != 1.0 || d.Tool.Version != "1.2.3" {
		t.Errorf("gate JSON: %+v", d)
	}
}
