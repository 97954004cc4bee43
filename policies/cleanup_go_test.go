package policies

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCleanupKeepOutweighsDelete: a user policy can only make cleanup
// more careful; its keep comes first and decides.
func TestCleanupKeepOutweighsDelete(t *testing.T) {
	dir := t.TempDir()
	src := "package releasegate.gate.mine\n\ncleanup_decision contains {\"ref\": c.ref, \"action\": \"keep\", \"why\": \"frozen\", \"reason\": \"this image is frozen\"} if {\n\tsome c in input.candidates\n\tc.image == \"a/app\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "mine.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := PrepareCleanup(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	tag := func(state string) map[string]any { return map[string]any{"state": state, "digest": "sha256:1"} }
	in := map[string]any{
		"version": "3.0.0", "all_from_run": false,
		"images": []any{
			map[string]any{"image": "a/app", "version": tag("absent"), "arch": []any{tag("present")}},
			map[string]any{"image": "b/app", "version": tag("absent"), "arch": []any{tag("present")}},
		},
		"candidates": []any{
			map[string]any{"image": "a/app", "ref": "a/app:3.0.0-amd64", "kind": "arch", "state": "present", "digest": "sha256:1", "recorded": ""},
			map[string]any{"image": "b/app", "ref": "b/app:3.0.0-amd64", "kind": "arch", "state": "present", "digest": "sha256:1", "recorded": ""},
		},
	}
	got, err := e.Cleanup(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if a := got["a/app:3.0.0-amd64"]; len(a) != 2 || a[0].Action != Keep || a[0].Why != "frozen" || a[1].Action != Delete {
		t.Errorf("a/app: %+v, want the user's keep first, then the built-in delete", a)
	}
	if b := got["b/app:3.0.0-amd64"]; len(b) != 1 || b[0].Action != Delete || b[0].Why != "orphan-arch-tag" {
		t.Errorf("b/app: %+v", b)
	}
}

func TestCleanupRejectsMalformedDecision(t *testing.T) {
	dir := t.TempDir()
	src := "package releasegate.gate.bad\n\ncleanup_decision contains {\"ref\": \"x\", \"action\": \"purge\", \"reason\": \"r\"}\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := PrepareCleanup(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Cleanup(context.Background(), map[string]any{"candidates": []any{}, "images": []any{}}); err == nil {
		t.Error("an action other than delete, keep or none was accepted")
	}
}
