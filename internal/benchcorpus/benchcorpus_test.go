package benchcorpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteRepeatsTheProject(t *testing.T) {
	dir := t.TempDir()
	n := 2*len(Workflows) + 4
	if err := Write(dir, n); err != nil {
		t.Fatal(err)
	}
	wfs, err := os.ReadDir(filepath.Join(dir, ".github", "workflows"))
	if err != nil {
		t.Fatal(err)
	}
	if len(wfs) != n {
		t.Fatalf("%d workflows, want %d", len(wfs), n)
	}
	for _, f := range []string{".releasegate.yaml", ".github/actions/setup-toolchain/action.yml", "docs/runbooks/release.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("shared file: %v", err)
		}
	}
	// Each copy calls its own reusable workflows, and every call resolves.
	release, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "c0001-release.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(release), "uses: ./.github/workflows/c0001-_publish-image.yml") {
		t.Errorf("the second copy's release does not call its own image workflow:\n%s", release)
	}
	for _, wf := range wfs {
		src, _ := os.ReadFile(filepath.Join(dir, ".github", "workflows", wf.Name()))
		for _, line := range strings.Split(string(src), "\n") {
			if _, target, ok := strings.Cut(line, "uses: ./.github/workflows/"); ok {
				if _, err := os.Stat(filepath.Join(dir, ".github", "workflows", target)); err != nil {
					t.Errorf("%s calls %s: %v", wf.Name(), target, err)
				}
			}
		}
	}
}
