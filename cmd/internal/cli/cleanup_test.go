package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/releasegate/releasegate/internal/hubapi"
	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
)

// cleanupCLI is the half-published release in one counted registry:2,
// with a configuration declaring the registry's token family.
type cleanupCLI struct {
	reg      *localregistry.Registry
	image    string
	requests *atomic.Int64
	cfg      string
}

func startCleanupCLI(t *testing.T) *cleanupCLI {
	t.Helper()
	var n atomic.Int64
	reg, err := localregistry.Start(t.TempDir(), localregistry.WithMiddleware(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); h.ServeHTTP(w, r) })
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	c := &cleanupCLI{reg: reg, image: reg.Host + "/acme/app", requests: &n}
	rel, err := scenario.Build(4, scenario.DefaultLayout.Platforms)
	if err != nil {
		t.Fatal(err)
	}
	if err := (scenario.Publisher{}).PushArch(c.image, rel, "linux/amd64", scenario.Version+"-amd64"); err != nil {
		t.Fatal(err)
	}
	c.cfg = filepath.Join(t.TempDir(), ".releasegate.yaml")
	body := fmt.Sprintf(`version: 1
secrets:
  DOCKERHUB_TOKEN_RW:
    scopes: [read, write]
  DOCKERHUB_TOKEN_DELETE:
    scopes: [read, write, delete]
families:
  DOCKERHUB_TOKEN:
    hosts: [%s]
gate:
  images: [%s]
  platforms: [linux/amd64, linux/arm64]
  arch-tag: "{version}-{arch}"
`, reg.Host, c.image)
	if err := os.WriteFile(c.cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	n.Store(0)
	return c
}

func (c *cleanupCLI) run(t *testing.T, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"gate", "cleanup", "--config", c.cfg, "--version", scenario.Version, "--insecure-registry", c.reg.Host, "--format", "json"}, fastFlags...)
	var stdout, stderr bytes.Buffer
	code := runMain(append(args, extra...), strings.NewReader(""), &stdout, &stderr)
	if strings.TrimSpace(stdout.String()) != "" { // every plan and result has the documented shape
		ValidateJSON(t, CleanupSchema, stdout.String())
	}
	return code, stdout.String(), stderr.String()
}

func (c *cleanupCLI) tagLeft(t *testing.T) bool {
	t.Helper()
	cl := registry.New(registry.WithInsecureRegistry(c.reg.Host))
	repo, _ := cl.ParseRepository(c.image)
	return cl.ResolveNow(context.Background(), repo, scenario.Version+"-amd64").State == registry.Present
}

// TestCleanupCredentials: cleanup uses only the family's delete-scoped
// secret and refuses before the first request otherwise.
func TestCleanupCredentials(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		code     int
		stderr   string
		tagLeft  bool
		requests bool
	}{
		{"read-write token only: refused before any request", map[string]string{"DOCKERHUB_TOKEN_RW": "rw"}, 2,
			"needs the delete-scoped DOCKERHUB_TOKEN_DELETE, but only DOCKERHUB_TOKEN_RW", true, false},
		{"no token at all: refused", nil, 2, "DOCKERHUB_TOKEN_DELETE in the environment; it is not set", true, false},
		{"delete-scoped token: deleted", map[string]string{"DOCKERHUB_TOKEN_RW": "rw", "DOCKERHUB_TOKEN_DELETE": "del"}, 0, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startCleanupCLI(t)
			for _, k := range []string{"DOCKERHUB_TOKEN_RW", "DOCKERHUB_TOKEN_DELETE"} {
				t.Setenv(k, tt.env[k])
			}
			code, out, stderr := c.run(t, "--apply")
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q\n%s", code, stderr, tt.code, tt.stderr, out)
			}
			if got := c.requests.Load() > 0; got != tt.requests {
				t.Errorf("the registry saw %d requests", c.requests.Load())
			}
			if c.tagLeft(t) != tt.tagLeft {
				t.Errorf("tag left = %v, want %v", !tt.tagLeft, tt.tagLeft)
			}
		})
	}
}

// TestCleanupThroughHubAPI deletes through Docker Hub's API (the double),
// logging in with the account and the delete-scoped token from the
// environment.
func TestCleanupThroughHubAPI(t *testing.T) {
	c := startCleanupCLI(t)
	hub := hubapi.Start(c.reg.URL, []hubapi.Account{{User: "acme", Token: "rw"}, {User: "acme", Token: "del", Delete: true}})
	defer hub.Close()
	t.Setenv("DOCKERHUB_USERNAME", "acme")
	t.Setenv("DOCKERHUB_TOKEN_RW", "rw")
	t.Setenv("DOCKERHUB_TOKEN_DELETE", "del")
	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(t.TempDir(), "summary.md"))
	t.Setenv("GITHUB_OUTPUT", filepath.Join(t.TempDir(), "output"))
	code, out, stderr := c.run(t, "--apply", "--delete-via", c.reg.Host+"=hub", "--hub-api", hub.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	var res struct {
		Decision string
		Items    []struct{ Tag, Outcome, Via string }
		Requests struct {
			ByMethod map[string]int `json:"by_method"`
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	deleted := 0
	for _, it := range res.Items {
		if it.Outcome == "deleted" && it.Via == "hub" {
			deleted++
		}
	}
	if deleted != 1 || c.tagLeft(t) || hub.Requests() != 2 {
		t.Errorf("deleted %d via hub, tag left %v, hub saw %d requests (want login + delete)", deleted, c.tagLeft(t), hub.Requests())
	}
	if by := res.Requests.ByMethod; by["POST"] != 1 || by["DELETE"] != 1 {
		t.Errorf("requests by method %v: the login and the delete are not counted", by)
	}
	summary, _ := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY"))
	outputs, _ := os.ReadFile(os.Getenv("GITHUB_OUTPUT"))
	if !strings.Contains(string(summary), "| deleted |") || !strings.Contains(string(outputs), "deleted=1\nremaining=0") {
		t.Errorf("step summary or outputs:\n%s\n%s", summary, outputs)
	}
}

// TestCleanupHubWithoutFamilyRefuses: Docker Hub's API needs a declared
// family; without one nothing is sent.
func TestCleanupHubWithoutFamilyRefuses(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), ".releasegate.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\ngate:\n  images: [docker.io/acme/app]\n  platforms: [linux/amd64]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := runMain([]string{"gate", "cleanup", "--config", cfg, "--version", "1.0.0"}, strings.NewReader(""), &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "no token family") {
		t.Errorf("exit %d, stderr %s", code, stderr.String())
	}
}
