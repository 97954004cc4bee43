package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestPreCommitHookBuildsOneCleanBinary runs the releasegate-lint hook as
// pre-commit does: the entry of .pre-commit-hooks.yaml, from a clone of
// this repository, in the repository being committed to. It must build
// the lint binary and nothing else, leave the clone clean, and stamp the
// clone's commit without "+dirty", whatever GOFLAGS says.
func TestPreCommitHookBuildsOneCleanBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	entry := hookEntry(t, "releasegate-lint")
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	clone := filepath.Join(t.TempDir(), "repo")
	gitOut(t, "", "clone", "--quiet", "--depth", "1", "file://"+strings.TrimSpace(string(top)), clone)
	head := gitOut(t, clone, "rev-parse", "HEAD")

	project := t.TempDir()
	if err := os.WriteFile(filepath.Join(project, "README.md"), []byte("# A project\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runHook := func() string {
		t.Helper()
		cmd := exec.Command(filepath.Join(clone, entry))
		cmd.Dir = project
		cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", entry, err, out)
		}
		return string(out)
	}
	if out := runHook(); !strings.Contains(out, "building releasegate") || !strings.Contains(out, "1 Markdown file") {
		t.Errorf("first run did not build and lint:\n%s", out)
	}
	if out := runHook(); strings.Contains(out, "building") {
		t.Errorf("second run built again:\n%s", out)
	}

	built, err := os.ReadDir(filepath.Join(clone, ".pre-commit-bin"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range built {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"releasegate"}) {
		t.Errorf("the hook built %v, want only releasegate", names)
	}
	if status := gitOut(t, clone, "status", "--porcelain"); status != "" {
		t.Errorf("the hook left the clone modified:\n%s", status)
	}
	version := runVersion(t, filepath.Join(clone, ".pre-commit-bin", "releasegate"))
	if !strings.Contains(version, "\ncommit:  "+head+"\n") || strings.Contains(version, "dirty") || strings.Contains(version, "uncommitted") {
		t.Errorf("the hook's binary says:\n%s\nwant commit %s, clean", version, head)
	}
}

// hookEntry returns the entry of a hook in .pre-commit-hooks.yaml, which
// must be a script of this repository (language: script).
func hookEntry(t *testing.T, id string) string {
	t.Helper()
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct{ ID, Entry, Language string }
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	for _, h := range hooks {
		if h.ID == id {
			if h.Language != "script" {
				t.Fatalf("hook %s: language %s; pre-commit's golang language runs go install ./... (three binaries)", id, h.Language)
			}
			return h.Entry
		}
	}
	t.Fatalf("no hook %s", id)
	return ""
}
