package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/scenario"
)

// TestRecordThenOverwrite reproduces an accidental release that overwrote
// a published version: `gate record` right after the push, then the
// overwrite, then `gate verify --ledger` names every moved tag.
func TestRecordThenOverwrite(t *testing.T) {
	s, _ := scenario.Lookup("clean")
	g := startScenario(t, s)
	ledger := filepath.Join(t.TempDir(), "ledger.json")
	if code, res, stderr := g.run("record", "--ledger", ledger); code != 0 || res.Decision != "pass" {
		t.Fatalf("record: exit %d %s %s", code, res.Decision, stderr)
	}
	var l struct {
		Release string                               `json:"release"`
		Images  map[string]map[string]map[string]any `json:"images"`
	}
	b, err := os.ReadFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &l); err != nil || l.Release != "1.1.0" || len(l.Images[g.env.Images[0]]) != 3 {
		t.Fatalf("ledger: %v %s", err, b)
	}
	if code, res, _ := g.run("verify", "--ledger", ledger); code != 0 || len(res.Violations) != 0 {
		t.Fatalf("verify right after record: exit %d %v", code, res.Violations)
	}

	acc, err := scenario.Build(99, g.env.Layout.Platforms)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.env.Publisher.PublishFull(g.env.Images[0], g.env.Layout, acc, scenario.Version, false); err != nil {
		t.Fatal(err)
	}
	// The accidental release replaced the version, its per-arch tags and
	// latest consistently: only the ledger shows that they all moved.
	code, res, _ := g.run("verify", "--ledger", ledger)
	want := []string{
		"digest-mismatch A:1.1.0", "digest-mismatch A:1.1.0", "digest-mismatch A:1.1.0",
		"digest-mismatch A:1.1.0-amd64", "digest-mismatch A:1.1.0-arm64",
		"moving-tag-mismatch A:latest", "moving-tag-mismatch A:latest",
		"registry-divergence B:1.1.0", "registry-divergence B:1.1.0",
	}
	if got := g.short(res); code != 1 || !slices.Equal(got, want) {
		t.Fatalf("verify after overwrite: exit %d\n got %q\nwant %q", code, got, want)
	}
}

func TestExpectFlag(t *testing.T) {
	s, _ := scenario.Lookup("overwritten")
	g := startScenario(t, s)
	args := []string{"--expect", "index=" + g.rel.Digest()}
	for _, p := range g.env.Layout.Platforms {
		args = append(args, "--expect", p+"="+g.rel.PlatformDigest(p))
	}
	code, res, _ := g.run("verify", args...)
	want := []string{"digest-mismatch A:1.1.0", "digest-mismatch A:1.1.0", "digest-mismatch A:1.1.0",
		"registry-divergence B:1.1.0", "registry-divergence B:1.1.0"}
	if got := g.short(res); code != 1 || !slices.Equal(got, want) {
		t.Fatalf("exit %d\n got %q\nwant %q", code, got, want)
	}
}

func TestProbe(t *testing.T) {
	s, _ := scenario.Lookup("orphan-index")
	g := startScenario(t, s)
	a, b := g.env.Images[0]+":1.1.0", g.env.Images[1]+":1.1.0"
	code, res, stderr := g.runArgs("probe", "--insecure-registry", g.env.Registries[0].Host, "--insecure-registry", g.env.Registries[1].Host, a, b)
	// A probe names the tag whose pull fails.
	if got := g.short(res); code != 1 || res.Phase != "probe" || !slices.Equal(got, []string{"integrity-missing A:1.1.0"}) {
		t.Fatalf("probe: exit %d %q %s", code, got, stderr)
	}
	code, res, _ = g.runArgs("probe", "--insecure-registry", g.env.Registries[1].Host, b)
	if code != 0 || res.Decision != "pass" {
		t.Fatalf("probe of the intact registry: exit %d %v", code, res.Violations)
	}
	byDigest := g.env.Images[0] + "@" + g.rel.Digest()
	code, res, _ = g.runArgs("probe", "--insecure-registry", g.env.Registries[0].Host, byDigest)
	if got := g.short(res); code != 1 || !slices.Equal(got, []string{"integrity-missing A@" + g.rel.Digest()}) {
		t.Fatalf("probe by digest: exit %d %q", code, got)
	}
	// Without arguments, probe walks --version of the configured images.
	code, res, _ = g.run("probe")
	if got := g.short(res); code != 1 || !slices.Equal(got, []string{"integrity-missing A:1.1.0"}) {
		t.Fatalf("probe of the configured images: exit %d %q", code, got)
	}
}

func TestUserPolicyFromConfig(t *testing.T) {
	s, _ := scenario.Lookup("half-published")
	g := startScenario(t, s)
	_, file, _, _ := runtime.Caller(0)
	policy := filepath.Join(filepath.Dir(file), "..", "..", "..", "fixtures", "policies")
	cfg, err := os.ReadFile(g.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, []byte("  policies: ["+policy+"]\n")...)
	if err := os.WriteFile(g.cfg, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	code, res, _ := g.run("verify")
	n := 0
	for _, v := range res.Violations {
		if v.Rule == "acme-moving-without-version" {
			n++
		}
	}
	if code != 1 || n != 2 {
		t.Fatalf("want the user policy on both latest tags, got exit %d %v", code, res.Violations)
	}
}

func TestGitHubOutputs(t *testing.T) {
	s, _ := scenario.Lookup("clean")
	g := startScenario(t, s)
	dir := t.TempDir()
	out, summary := filepath.Join(dir, "output"), filepath.Join(dir, "summary.md")
	t.Setenv("GITHUB_OUTPUT", out)
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	var stdout, stderr bytes.Buffer
	args := []string{"gate", "preflight", "--config", g.cfg, "--version", "1.1.0", "--on-existing", "skip", "--format", "github",
		"--insecure-registry", g.env.Registries[0].Host, "--insecure-registry", g.env.Registries[1].Host}
	if code := runMain(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "::notice title=tag-exists::"+g.env.Images[0]+"%3A1.1.0") &&
		!strings.Contains(stdout.String(), "::notice title=tag-exists::"+g.env.Images[0]+":1.1.0: ") {
		t.Errorf("github annotations:\n%s", stdout.String())
	}
	b, _ := os.ReadFile(out)
	if string(b) != "decision=skip\nskip=true\n" {
		t.Errorf("GITHUB_OUTPUT = %q", b)
	}
	b, _ = os.ReadFile(summary)
	if !strings.Contains(string(b), "### releasegate gate preflight 1.1.0") || !strings.Contains(string(b), "| `tag-exists` | note |") {
		t.Errorf("step summary:\n%s", b)
	}
}

func TestGateTextTree(t *testing.T) {
	s, _ := scenario.Lookup("latest-drift")
	g := startScenario(t, s)
	var stdout, stderr bytes.Buffer
	args := []string{"gate", "verify", "--config", g.cfg, "--version", "1.1.0",
		"--insecure-registry", g.env.Registries[0].Host, "--insecure-registry", g.env.Registries[1].Host}
	if code := runMain(args, strings.NewReader(""), &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{
		"\n" + g.env.Images[1] + "\n",
		"✗ latest ",
		"[moving-tag-mismatch]",
		"≠ 1.1.0 " + g.rel.PlatformDigest("linux/amd64")[:19],
		"✓ integrity ",
		"decision: fail (2 errors, 0 warnings, 0 notes); requests: ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}

func TestGateUsageErrors(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), ".releasegate.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\ngate:\n  images: [127.0.0.1:1/acme/app]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"gate", "verify"}, "--version is required"},
		{[]string{"gate", "verify", "--version", "1.0", "--format", "sarif"}, "gate results are about registries"},
		{[]string{"gate", "verify", "--version", "1.0", "--expect", "linux/amd64=abc"}, "--expect"},
		{[]string{"gate", "verify", "--version", "1.0", "--image", "UPPER/Case:bad:ref"}, "image"},
		{[]string{"gate", "verify", "--version", "bad tag"}, "not a valid tag"},
		{[]string{"gate", "preflight", "--version", "1.0", "--on-existing", "maybe"}, "--on-existing"},
		{[]string{"gate", "record", "--version", "1.0"}, "--ledger FILE is required"},
		{[]string{"gate", "verify", "--version", "1.0", "--ledger", "/nonexistent/ledger.json"}, "--ledger"},
		{[]string{"gate", "verify", "--version", "1.0", "--policy", "/nonexistent/p.rego"}, "/nonexistent/p.rego"},
		{[]string{"gate", "probe"}, "give image references"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := runMain(append(tt.args, "--config", cfg), strings.NewReader(""), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tt.want) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want 2 and one line with %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}

func TestUnreachableRegistryIsError(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), ".releasegate.yaml")
	// Port 1 on loopback refuses connections.
	if err := os.WriteFile(cfg, []byte("version: 1\ngate:\n  images: [127.0.0.1:1/acme/app]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := runMain([]string{"gate", "preflight", "--config", cfg, "--version", "1.0", "--format", "json", "--retry-backoff", "1ms"},
		strings.NewReader(""), &stdout, &stderr)
	var res gateJSON
	_ = json.Unmarshal(stdout.Bytes(), &res)
	if code != 2 || res.Decision != "error" || len(res.Violations) == 0 || res.Violations[0].Rule != "unverifiable" {
		t.Fatalf("exit %d %s %v %s", code, res.Decision, res.Violations, stderr.String())
	}
}

func TestDemo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runMain([]string{"demo"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("demo exit %d: %s\n%s", code, stderr.String(), stdout.String())
	}
	for _, want := range []string{"[orphan-arch-tag]", "[partial-publish]", "[tag-exists]", "[moving-tag-mismatch]", "[tag-missing]",
		"gate cleanup --version 1.1.0 --apply", "decision: pass (4 deleted, 0 kept"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("demo output lacks %s", want)
		}
	}
}

var _ = context.Background

// TestVerifyRequestBudget pins what a clean verify of 2 images x 2
// platforms costs: HEAD for latest and the per-arch tags, GET only for the
// version index and the child manifests (each once), HEAD for every config
// and layer. The GETs also include the /v2/ pings.
func TestVerifyRequestBudget(t *testing.T) {
	s, _ := scenario.Lookup("clean")
	g := startScenario(t, s)
	code, res, _ := g.run("verify")
	if code != 0 {
		t.Fatalf("exit %d %v", code, res.Violations)
	}
	// per image: latest + 2 arch tags + 2 configs + 4 layers
	if h := res.Requests.ByMethod["HEAD"]; h != 18 {
		t.Errorf("HEAD requests = %d, want 18", h)
	}
	// per image: version index + 2 children, plus at most 2 pings (https, http)
	if get := res.Requests.ByMethod["GET"]; get < 6 || get > 10 {
		t.Errorf("GET requests = %d, want 6 manifests + pings", get)
	}
	if len(res.Requests.ByMethod) != 2 {
		t.Errorf("methods: %v", res.Requests.ByMethod)
	}
}
