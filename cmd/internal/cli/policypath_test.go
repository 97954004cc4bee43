package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/scenario"
)

// TestPolicyPaths: a user policy named by --policy or by gate.policies is
// read whatever form its path takes: a directory or a file, relative or
// absolute, with ./ or a trailing slash; gate.policies resolves from the
// configuration's directory, wherever the gate is run from.
func TestPolicyPaths(t *testing.T) {
	s, _ := scenario.Lookup("clean")
	g := startScenario(t, s)
	layout, err := os.ReadFile(g.cfg)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	for name, text := range map[string]string{
		"rules/house.rego":         "package releasegate.gate.house\n\nviolation contains {\"rule\": \"house-rule\", \"severity\": \"note\", \"target\": \"policies\", \"message\": \"read\"} if true\n",
		"rules/house_test.rego":    "package releasegate.gate.house_test\n\nthis is not Rego, and tests are skipped\n",
		"elsewhere/placeholder.md": "the gate is run from here in some cases\n",
	} {
		p := filepath.Join(work, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	abs := filepath.Join(work, "rules")
	tests := []struct {
		name   string
		cwd    string   // relative to work
		config string   // gate.policies entry, "" for none
		flags  []string // after the common ones
	}{
		{"flag relative dir", ".", "", []string{"--policy", "rules"}},
		{"flag ./dir", ".", "", []string{"--policy", "./rules"}},
		{"flag dir/", ".", "", []string{"--policy", "rules/"}},
		{"flag relative file", ".", "", []string{"--policy", "rules/house.rego"}},
		{"flag relative from below", "elsewhere", "", []string{"--policy", "../rules"}},
		{"flag absolute dir", "elsewhere", "", []string{"--policy", abs}},
		{"flag absolute file", "elsewhere", "", []string{"--policy", filepath.Join(abs, "house.rego")}},
		{"config relative dir", ".", "rules", nil},
		{"config ./dir/", ".", "./rules/", nil},
		{"config relative file", ".", "rules/house.rego", nil},
		{"config relative dir, run from elsewhere", "elsewhere", "rules", nil},
		{"config absolute dir", "elsewhere", abs, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := string(layout)
			if tt.config != "" {
				cfg += "  policies: [" + tt.config + "]\n"
			}
			if err := os.WriteFile(filepath.Join(work, ".releasegate.yaml"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(filepath.Join(work, tt.cwd))
			// The configuration named relative to the working directory.
			config, err := filepath.Rel(filepath.Join(work, tt.cwd), filepath.Join(work, ".releasegate.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			local := *g
			local.t, local.cfg = t, config
			code, res, stderr := local.run("verify", tt.flags...)
			var rules []string
			for _, v := range res.Violations {
				rules = append(rules, v.Rule)
			}
			if code != 0 || strings.Join(rules, " ") != "house-rule" {
				t.Fatalf("exit %d, violations %v, want 0 with only house-rule\n%s", code, rules, stderr)
			}
		})
	}
}
