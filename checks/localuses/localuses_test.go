package localuses

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/lint/linttest"
)

const notifyWorkflow = `on: workflow_call
jobs:
  notify:
    runs-on: ubuntu-latest
    steps:
      - run: ./notify.sh
`

// job wraps steps in a workflow with one job.
func job(steps string) string {
	return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + steps
}

// TestNoInputError: a step naming a workflow file made actionlint's
// metadata lookup (x.yml/action.yml) an unreadable input, which ended the
// whole run with exit 2; it is a finding now, and nothing else.
func TestNoInputError(t *testing.T) {
	res := linttest.Run(t, map[string]string{
		".github/workflows/notify.yml": notifyWorkflow,
		".github/workflows/ci.yml":     job("      - uses: ./.github/workflows/notify.yml\n"),
	}, actionlintrules.Check, Check)
	for _, e := range res.Errors {
		t.Errorf("input error: %v", e)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != Rule.ID {
		t.Errorf("want one %s finding, got %v", Rule.ID, res.Findings)
	}
}

// TestSymlinkBoundary: a committed symbolic link is followed only while
// it stays inside the repository. A link leading outside is not looked
// through (no finding either way), so what exists on the machine running
// the lint can never show in, or hide, a finding.
func TestSymlinkBoundary(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "action.yml"), []byte("name: x\nruns:\n  using: node20\n  main: x.js\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(outside, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		link string // .github/actions/a -> link
		want int
	}{
		{"inside, a directory without metadata", "../../docs", 1},
		{"outside, a directory with metadata", outside, 0},
		{"outside, a directory without metadata", filepath.Join(outside, "empty"), 0},
		{"outside, nothing there", filepath.Join(outside, "gone"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := linttest.Write(t, map[string]string{
				"docs/README.md":           "# docs\n",
				".github/workflows/ci.yml": job("      - uses: ./.github/actions/a\n"),
			})
			if err := os.MkdirAll(filepath.Join(dir, ".github/actions"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tt.link, filepath.Join(dir, ".github/actions/a")); err != nil {
				t.Fatal(err)
			}
			res := linttest.RunDir(t, dir, Check)
			if len(res.Findings) != tt.want {
				t.Errorf("got %d findings, want %d: %v", len(res.Findings), tt.want, res.Findings)
			}
		})
	}
}

// TestSymlinkedMetadataOutside: action.yml itself a link out of the
// repository is not read as the action's metadata, nor reported.
func TestSymlinkedMetadataOutside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "action.yml")
	if err := os.WriteFile(outside, []byte("name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := linttest.Write(t, map[string]string{
		".github/actions/a/README.md": "# a\n",
		".github/workflows/ci.yml":    job("      - uses: ./.github/actions/a\n"),
	})
	if err := os.Symlink(outside, filepath.Join(dir, ".github/actions/a/action.yml")); err != nil {
		t.Fatal(err)
	}
	if res := linttest.RunDir(t, dir, Check); len(res.Findings) != 0 {
		t.Errorf("want no finding, got %v", res.Findings)
	}
}
