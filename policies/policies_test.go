package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/releasegate/releasegate/policies/gaterule"
)

// TestRego runs the Rego unit tests in this directory (what `opa test
// policies/` runs) and fails on any failing or erroring test.
func TestRego(t *testing.T) {
	results, err := tester.Run(context.Background(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 {
		t.Fatal("no Rego tests found")
	}
	for _, r := range results {
		if !r.Pass() {
			t.Errorf("%s.%s: %v %s", r.Package, r.Name, r.Error, r.Output)
		}
	}
}

// TestEveryRuleHasRegoTest keeps the documentation and the tests in step:
// each documented rule id must appear in a *_test.rego file.
func TestEveryRuleHasRegoTest(t *testing.T) {
	files, _ := filepath.Glob("*_test.rego")
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, r := range gaterule.Rules {
		if !strings.Contains(all.String(), `"`+r.ID+`"`) {
			t.Errorf("rule %s has no Rego unit test", r.ID)
		}
	}
}

func TestUserPolicyAddsViolation(t *testing.T) {
	dir := t.TempDir()
	src := `package releasegate.gate.custom

violation contains {"rule": "no-latest", "severity": "warning", "target": img.image, "message": "moving tag latest is not allowed"} if {
	some img in input.images
	some m in img.moving
	m.tag == "latest"
}
`
	if err := os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := Prepare(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"phase": "verify", "images": []any{map[string]any{
		"image": "r/a", "version": map[string]any{"state": "absent", "ref": "r/a:1", "tag": "1"},
		"moving": []any{map[string]any{"tag": "latest", "state": "absent", "ref": "r/a:latest"}}, "arch": []any{}, "integrity": []any{},
	}}}
	vs, err := e.Eval(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, v := range vs {
		got[v.Rule] = true
	}
	if !got["no-latest"] || !got["tag-missing"] {
		t.Fatalf("want user rule no-latest and built-in tag-missing, got %+v", vs)
	}
}

func TestPolicyErrors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"outside.rego": "package acme.checks\n\nviolation contains 1 if true\n",
		"broken.rego":  "package releasegate.gate.x\n\nviolation contains if {\n",
		"network.rego": "package releasegate.gate.net\n\nviolation contains v if {\n\tr := http.send({\"method\": \"GET\", \"url\": \"http://example.com\"})\n\tv := {\"rule\": \"x\", \"message\": r.body}\n}\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Prepare(context.Background(), []string{p}); err == nil {
				t.Fatalf("Prepare(%s) succeeded, want an error", name)
			} else if !strings.Contains(err.Error(), name) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestBadViolationShape(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.rego")
	src := "package releasegate.gate.bad\n\nviolation contains {\"rule\": \"x\", \"severity\": \"fatal\", \"target\": \"t\", \"message\": \"m\"} if true\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := Prepare(context.Background(), []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Eval(context.Background(), map[string]any{"images": []any{}}); err == nil || !strings.Contains(err.Error(), "fatal") {
		t.Fatalf("want severity error, got %v", err)
	}
}
