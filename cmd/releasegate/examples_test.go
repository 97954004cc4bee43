package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// exampleVersionFile names the one release every example uses.
const exampleVersionFile = "../../docs/example-version.txt"

// releaseMentions find where documentation names a release of releasegate
// itself: the action, the pre-commit rev, go install, the archives, the
// golangci-lint plugin and "such as" in the action's inputs. The first
// group is the version as written.
var releaseMentions = []*regexp.Regexp{
	regexp.MustCompile(`releasegate/releasegate@(v\d+\.\d+\.\d+\S*)`),
	regexp.MustCompile(`github\.com/releasegate/releasegate/[\w/.-]*@(v[\w.+-]+)`),
	regexp.MustCompile(`(?:uses: \.\.\.|full release tag \(` + "`" + `)@(v[\w.+-]+)`),
	regexp.MustCompile(`^\s*rev: (v\S+)`),
	regexp.MustCompile(`releasegate_(\d+\.\d+\.\d+\S*?)_(?:linux|darwin|windows)`),
	regexp.MustCompile(`^\s*version: (v\d+\.\d+\.\d+)\s+# or: path:`),
	regexp.MustCompile(`release[^.]*such as (v\d+\.\d+\.\d+)`),
}

// TestExamplesNameOneRelease: README, docs, the action and the pre-commit
// hooks name the same release, docs/example-version.txt, so that one
// clone-and-try session never meets two versions (one of which may not
// exist).
func TestExamplesNameOneRelease(t *testing.T) {
	data, err := os.ReadFile(exampleVersionFile)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(data))
	files := []string{"../../README.md", "../../CONTRIBUTING.md", "../../action.yml", "../../.pre-commit-hooks.yaml"}
	docs, _ := filepath.Glob("../../docs/*.md")
	files = append(files, docs...)
	seen := 0
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(text), "\n") {
			for _, re := range releaseMentions {
				for _, m := range re.FindAllStringSubmatch(line, -1) {
					seen++
					if got := m[1]; got != want && "v"+got != want {
						t.Errorf("%s:%d: names release %s; the examples use %s (%s)", strings.TrimPrefix(file, "../../"), i+1, got, want, exampleVersionFile)
					}
				}
			}
		}
	}
	if seen < 8 {
		t.Errorf("only %d mentions of a release found: are the patterns still right?", seen)
	}
}

// TestReadmeSaysWhatCIRuns: the README does not present `go test ./...`
// as the whole of CI, and names what .ci/run adds to it.
func TestReadmeSaysWhatCIRuns(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`go test \./\.\.\.\s+#[^\n]*what CI runs`).Match(readme) {
		t.Error("README calls go test ./... what CI runs")
	}
	_, dev, ok := strings.Cut(string(readme), "\n## Development\n")
	if !ok {
		t.Fatal("README has no Development section")
	}
	for _, step := range []string{"go vet ./...", "golangci-lint", "go test ./...", "deploy", "promtool"} {
		if !strings.Contains(string(ci), step) {
			t.Errorf(".ci/run no longer runs %q: update this test and the README", step)
		}
		if !strings.Contains(dev, step) {
			t.Errorf("README's Development section does not say that .ci/run runs %q", step)
		}
	}
}
