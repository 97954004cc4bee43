package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// gateEnv is a scenario published into two in-process registries, plus a
// config file describing the release layout.
type gateEnv struct {
	t   *testing.T
	env *scenario.Env
	rel *scenario.Release
	cfg string
}

func startScenario(t *testing.T, s scenario.Scenario) *gateEnv {
	t.Helper()
	env, err := scenariotest.StartEnv(2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	rel, err := s.Setup(context.Background(), env)
	if err != nil {
		t.Fatalf("setup %s: %v", s.Name, err)
	}
	cfg := filepath.Join(t.TempDir(), ".releasegate.yaml")
	body := fmt.Sprintf(`version: 1
gate:
  images: [%s, %s]
  platforms: [linux/amd64, linux/arm64]
  arch-tag: "{version}-{arch}"
  moving-tags: [latest]
`, env.Images[0], env.Images[1])
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return &gateEnv{t: t, env: env, rel: rel, cfg: cfg}
}

// fastFlags keep retries short so fault tests stay quick.
var fastFlags = []string{"--retry-backoff", "1ms", "--max-retry-after", "20ms", "--attempt-timeout", "2s"}

// run runs `releasegate gate PHASE` with JSON output and returns the exit
// code, the decoded result and stderr.
func (g *gateEnv) run(phase string, extra ...string) (int, gateJSON, string) {
	g.t.Helper()
	args := []string{"--insecure-registry", g.env.Registries[0].Host, "--insecure-registry", g.env.Registries[1].Host}
	return g.runArgs(phase, append(args, extra...)...)
}

func (g *gateEnv) runArgs(phase string, extra ...string) (int, gateJSON, string) {
	g.t.Helper()
	args := []string{"gate", phase, "--config", g.cfg, "--format", "json", "--version", scenario.Version}
	args = append(append(args, fastFlags...), extra...)
	var stdout, stderr bytes.Buffer
	code := runMain(args, strings.NewReader(""), &stdout, &stderr)
	var res gateJSON
	if stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			g.t.Fatalf("gate %s: output is not JSON: %v\n%s", phase, err, stdout.String())
		}
		ValidateJSON(g.t, GateSchema, stdout.String())
	}
	return code, res, stderr.String()
}

type gateJSON struct {
	Version    int    `json:"version"`
	Phase      string `json:"phase"`
	Decision   string `json:"decision"`
	Violations []struct {
		Rule, Severity, Target, Message string
	} `json:"violations"`
	Facts    map[string]any `json:"facts"`
	Requests struct {
		Total    int            `json:"total"`
		ByMethod map[string]int `json:"by_method"`
	} `json:"requests"`
}

// short renders violations as "rule target" with the registries written
// A and B and the release's arm64 digest written ARM.
func (g *gateEnv) short(res gateJSON) []string {
	r := strings.NewReplacer(g.env.Images[0], "A", g.env.Images[1], "B", g.rel.PlatformDigest("linux/arm64"), "ARM")
	var out []string
	for _, v := range res.Violations {
		out = append(out, v.Rule+" "+r.Replace(v.Target))
	}
	slices.Sort(out)
	return out
}

func TestGateScenarios(t *testing.T) {
	type run struct {
		phase    string
		args     []string
		code     int
		decision string
		want     []string
	}
	tests := []struct {
		scenario string
		runs     []run
	}{
		{"fresh", []run{
			{phase: "preflight", code: 0, decision: "pass"},
			{phase: "verify", code: 1, decision: "fail", want: []string{
				"tag-missing A:1.1.0", "tag-missing A:1.1.0-amd64", "tag-missing A:1.1.0-arm64",
				"tag-missing B:1.1.0", "tag-missing B:1.1.0-amd64", "tag-missing B:1.1.0-arm64"}},
		}},
		{"clean", []run{
			{phase: "preflight", code: 1, decision: "fail", want: []string{"tag-exists A:1.1.0", "tag-exists B:1.1.0"}},
			{phase: "preflight", args: []string{"--on-existing", "skip"}, code: 0, decision: "skip",
				want: []string{"tag-exists A:1.1.0", "tag-exists B:1.1.0"}},
			{phase: "preflight", args: []string{"--on-existing", "warn"}, code: 0, decision: "pass",
				want: []string{"tag-exists A:1.1.0", "tag-exists B:1.1.0"}},
			{phase: "verify", code: 0, decision: "pass"},
		}},
		{"half-published", []run{
			{phase: "preflight", code: 1, decision: "fail", want: []string{"orphan-arch-tag A:1.1.0-amd64"}},
			{phase: "preflight", args: []string{"--on-existing", "skip"}, code: 1, decision: "fail", want: []string{"orphan-arch-tag A:1.1.0-amd64"}},
			{phase: "verify", code: 1, decision: "fail", want: []string{
				"tag-missing A:1.1.0", "tag-missing A:1.1.0-arm64",
				"tag-missing B:1.1.0", "tag-missing B:1.1.0-amd64", "tag-missing B:1.1.0-arm64"}},
		}},
		{"latest-drift", []run{
			{phase: "preflight", code: 1, decision: "fail", want: []string{"tag-exists A:1.1.0", "tag-exists B:1.1.0"}},
			{phase: "verify", code: 1, decision: "fail", want: []string{"moving-tag-mismatch B:latest", "moving-tag-mismatch B:latest"}},
		}},
		{"overwritten", []run{
			{phase: "preflight", code: 1, decision: "fail", want: []string{"tag-exists A:1.1.0", "tag-exists B:1.1.0"}},
			// Without a record of the push, only the divergence shows (a warning).
			{phase: "verify", code: 0, decision: "pass", want: []string{"registry-divergence B:1.1.0", "registry-divergence B:1.1.0"}},
			{phase: "verify", args: []string{"--fail-on", "warning"}, code: 1, decision: "fail",
				want: []string{"registry-divergence B:1.1.0", "registry-divergence B:1.1.0"}},
		}},
		{"orphan-index", []run{
			{phase: "preflight", code: 1, decision: "fail", want: []string{"tag-exists A:1.1.0", "tag-exists B:1.1.0"}},
			{phase: "verify", code: 1, decision: "fail", want: []string{"integrity-missing A@ARM", "tag-missing A:1.1.0-arm64"}},
		}},
		{"one-registry", []run{
			{phase: "preflight", code: 1, decision: "fail", want: []string{"partial-publish B:1.1.0", "tag-exists A:1.1.0"}},
			{phase: "verify", code: 1, decision: "fail", want: []string{
				"tag-missing B:1.1.0", "tag-missing B:1.1.0-amd64", "tag-missing B:1.1.0-arm64"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			s, ok := scenario.Lookup(tt.scenario)
			if !ok {
				t.Fatalf("no scenario %s", tt.scenario)
			}
			g := startScenario(t, s)
			for _, r := range tt.runs {
				code, res, stderr := g.run(r.phase, r.args...)
				name := r.phase + " " + strings.Join(r.args, " ")
				if code != r.code || res.Decision != r.decision {
					t.Errorf("%s: exit %d decision %q, want %d %q\nstderr: %s\nviolations: %v", name, code, res.Decision, r.code, r.decision, stderr, res.Violations)
				}
				if got := g.short(res); !slices.Equal(got, r.want) {
					t.Errorf("%s: violations\n got %q\nwant %q", name, got, r.want)
				}
				if res.Phase != r.phase || res.Version != 1 || res.Requests.Total == 0 {
					t.Errorf("%s: phase %q version %d requests %d", name, res.Phase, res.Version, res.Requests.Total)
				}
			}
		})
	}
}
