package policies

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// houseRule is a user policy that always reports one note, so a test can
// see that it was read.
const houseRule = `package releasegate.gate.house

violation contains {"rule": "house-rule", "severity": "note", "target": "policies", "message": "the house policy was read"} if true
`

// TestPolicyPathForms: --policy and gate.policies name a file or a
// directory in any of the ways a shell user writes one, relative to the
// working directory or absolute.
func TestPolicyPathForms(t *testing.T) {
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "rules", "nested"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "rules", "nested", "house.rego"), []byte(houseRule), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	for _, path := range []string{
		"rules",
		"./rules",
		"rules/",
		"rules/nested",
		"rules/nested/house.rego",
		"./rules/nested/house.rego",
		filepath.Join(work, "rules"),
		filepath.Join(work, "rules") + "/",
		filepath.Join(work, "rules", "nested", "house.rego"),
		".",
	} {
		t.Run(path, func(t *testing.T) {
			e, err := Prepare(context.Background(), []string{path})
			if err != nil {
				t.Fatalf("Prepare(%q): %v", path, err)
			}
			vs, err := e.Eval(context.Background(), map[string]any{"images": []any{}})
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 1 || vs[0].Rule != "house-rule" {
				t.Fatalf("Prepare(%q): violations %+v, want the house rule", path, vs)
			}
		})
	}
}
