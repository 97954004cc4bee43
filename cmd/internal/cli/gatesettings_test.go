package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/config"
)

// TestGateSettingsOneRule: a gate setting that a flag can override is
// held to one rule, the configuration's (package config): the same bad
// value is refused from .releasegate.yaml and from the flag, exit 2, in
// the same words; from a flag, the message names the flag (the file's
// names its position).
func TestGateSettingsOneRule(t *testing.T) {
	long := strings.Repeat("a", 600) // past the bound on a glob's length
	tests := []struct {
		name   string
		yaml   string   // the gate section holding the bad value
		flags  []string // the same value given as a flag, with a valid configuration
		refuse error    // the rule's words
	}{
		{"platform without arch", "  platforms: [linux]\n",
			[]string{"preflight", "--version", "1.0", "--platform", "linux"}, config.CheckPlatform("linux")},
		{"platform in capitals", "  platforms: [Linux/AMD64]\n",
			[]string{"verify", "--version", "1.0", "--platform", "Linux/AMD64"}, config.CheckPlatform("Linux/AMD64")},
		{"on-existing", "  on-existing: maybe\n",
			[]string{"preflight", "--version", "1.0", "--on-existing", "maybe"}, config.CheckOnExisting("maybe")},
		{"image as a URL", "  images: ['https://registry.example/acme/app']\n",
			[]string{"preflight", "--version", "1.0", "--image", "https://registry.example/acme/app"}, config.CheckImage("https://registry.example/acme/app")},
		{"catalog with a scheme", "  probe:\n    catalogs: ['https://registry.example']\n",
			[]string{"probe", "--catalog", "https://registry.example"}, config.CheckCatalog("https://registry.example")},
		{"repository glob", "  probe:\n    catalogs: ['127.0.0.1:1']\n    repos: ['acme/[a-']\n",
			[]string{"probe", "--catalog", "127.0.0.1:1", "--repo", "acme/[a-"}, config.CheckProbeGlob("acme/[a-")},
		{"lone bang", "  probe:\n    catalogs: ['127.0.0.1:1']\n    tags: ['!']\n",
			[]string{"probe", "--catalog", "127.0.0.1:1", "--tag", "!"}, config.CheckProbeGlob("!")},
		{"glob past the bound", "  probe:\n    catalogs: ['127.0.0.1:1']\n    tags: ['" + long + "']\n",
			[]string{"probe", "--catalog", "127.0.0.1:1", "--tag", long}, config.CheckProbeGlob(long)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.refuse == nil {
				t.Fatal("the rule accepts the value")
			}
			want := tt.refuse.Error()
			valid := "version: 1\ngate:\n  images: [127.0.0.1:1/acme/app]\n"
			for _, run := range []struct {
				from, yaml string
				args       []string
			}{
				{"configuration", "version: 1\ngate:\n" + tt.yaml, []string{"gate", tt.flags[0]}},
				{"flag", valid, append([]string{"gate"}, tt.flags...)},
			} {
				cfg := filepath.Join(t.TempDir(), ".releasegate.yaml")
				if err := os.WriteFile(cfg, []byte(run.yaml), 0o644); err != nil {
					t.Fatal(err)
				}
				var stdout, stderr bytes.Buffer
				args := append(slices.Clip(run.args), "--config", cfg, "--quiet", "--retries", "1")
				code := runMain(args, strings.NewReader(""), &stdout, &stderr)
				if code != 2 || !strings.Contains(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
					t.Errorf("from the %s: exit %d, stderr %q; want exit 2 and one line with %q", run.from, code, stderr.String(), want)
				}
				if flag := tt.flags[len(tt.flags)-2]; run.from == "flag" && !strings.Contains(stderr.String(), flag+":") {
					t.Errorf("from the flag: stderr %q does not name %s", stderr.String(), flag)
				}
			}
		})
	}
}
