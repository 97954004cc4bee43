package cli_test

// The parity rules, run through the command line.

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/cmd/internal/cli"
	"github.com/releasegate/releasegate/report"
)

const fixtures = "../../../fixtures/testdata/parity"

// TestLintCLIMissingAnchor is the acceptance path: `releasegate lint
// --format json` over a repository whose anchor is gone exits 1 with a
// parity-missing finding.
func TestLintCLIMissingAnchor(t *testing.T) {
	dir := filepath.Join(fixtures, "missing-anchor")
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"lint", "--format", "json", "--enable-only", "parity-drift,parity-missing", dir}, nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errOut.String())
	}
	var doc struct {
		Findings []report.Finding `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out.String())
	}
	if len(doc.Findings) != 1 || doc.Findings[0].Rule != "parity-missing" || doc.Findings[0].Line != 4 {
		t.Fatalf("findings: %+v", doc.Findings)
	}
	code = cli.Main([]string{"lint", "--format", "json", "--enable-only", "parity-drift,parity-missing", filepath.Join(fixtures, "clean")}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("clean fixture: exit %d, want 0", code)
	}
}

func TestExplain(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := cli.Main([]string{"explain", "parity-drift"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "facts") {
		t.Errorf("explain output lacks the facts-mode explanation:\n%s", out.String())
	}
}
