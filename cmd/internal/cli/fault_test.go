package cli

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// proxied points a scenario's gate runs at fault proxies in front of its
// registries.
func (g *gateEnv) proxied(t *testing.T, rules ...faultproxy.Rule) (*gateEnv, []*faultproxy.Proxy) {
	t.Helper()
	var proxies []*faultproxy.Proxy
	var images []string
	for _, r := range g.env.Registries {
		p, err := faultproxy.Start(r.URL, faultproxy.WithRules(rules...))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		proxies = append(proxies, p)
		images = append(images, p.Host+"/acme/app")
	}
	cfg := filepath.Join(t.TempDir(), ".releasegate.yaml")
	body := fmt.Sprintf("version: 1\ngate:\n  images: [%s, %s]\n  platforms: [linux/amd64, linux/arm64]\n  arch-tag: \"{version}-{arch}\"\n  moving-tags: [latest]\n", images[0], images[1])
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	env := *g.env
	env.Images = images
	env.Registries = nil
	for range proxies {
		env.Registries = append(env.Registries, scenario.Registry{})
	}
	return &gateEnv{t: t, env: &env, rel: g.rel, cfg: cfg}, proxies
}

func (g *gateEnv) runVia(proxies []*faultproxy.Proxy, phase string, extra ...string) (int, gateJSON, string) {
	args := []string{"--attempt-timeout", "300ms"}
	for _, p := range proxies {
		args = append(args, "--insecure-registry", p.Host)
	}
	return g.runArgs(phase, append(args, extra...)...)
}

// TestFaultMatrix proves zero false passes: every fault, transient or
// persistent, against scenarios that pass and that fail. A transient
// fault must reach exactly the fault-free result; a persistent one must
// end in decision error, exit 2, naming the URL and what went wrong.
func TestFaultMatrix(t *testing.T) {
	faults := []struct {
		fault faultproxy.Fault
		says  string // what a persistent fault's message must contain
	}{
		{faultproxy.Status500, "500 Internal Server Error"},
		{faultproxy.Status429, "429 Too Many Requests"},
		{faultproxy.Status401, "401 Unauthorized"},
		{faultproxy.Reset, "connection reset"},
		{faultproxy.Stall, "no complete answer within"},
		{faultproxy.Truncate, "reading body"},
		{faultproxy.Corrupt, "does not match"},
	}
	cases := []struct{ scenario, phase string }{
		{"fresh", "preflight"},
		{"clean", "verify"},
		{"latest-drift", "verify"},
		{"orphan-index", "verify"},
	}
	for _, c := range cases {
		t.Run(c.scenario+"/"+c.phase, func(t *testing.T) {
			t.Parallel() // stalled attempts are idle time
			s, _ := scenario.Lookup(c.scenario)
			g := startScenario(t, s)
			clean, proxies := g.proxied(t)
			wantCode, want, stderr := clean.runVia(proxies, c.phase)
			if want.Decision == "error" || wantCode == 2 {
				t.Fatalf("fault-free run could not decide: %s %v", stderr, want.Violations)
			}
			for _, f := range faults {
				for _, times := range []int{2, 0} {
					kind := "persistent"
					if times > 0 {
						kind = "transient"
					}
					t.Run(string(f.fault)+"/"+kind, func(t *testing.T) {
						fg, fp := g.proxied(t, faultproxy.Rule{Fault: f.fault, Times: times})
						code, got, stderr := fg.runVia(fp, c.phase)
						faulted := fp[0].Faulted() + fp[1].Faulted()
						if faulted == 0 {
							// preflight sends HEADs only; body faults cannot apply.
							if !f.fault.BodyFault() {
								t.Fatalf("no request was faulted")
							}
						}
						if got.Decision == "pass" && (want.Decision != "pass" || (times == 0 && faulted > 0)) {
							t.Fatalf("FALSE PASS: %s fault (%d injected) turned %q into pass", f.fault, faulted, want.Decision)
						}
						// 401 is never retried: a refused credential does not
						// improve by asking again, so even one ends in error.
						if (times > 0 && f.fault != faultproxy.Status401) || faulted == 0 {
							if code != wantCode || got.Decision != want.Decision || !slices.Equal(fg.short(got), clean.short(want)) {
								t.Fatalf("transient %s: exit %d %s %v, want exit %d %s %v\n%s", f.fault, code, got.Decision,
									fg.short(got), wantCode, want.Decision, clean.short(want), stderr)
							}
							return
						}
						if code != 2 || got.Decision != "error" {
							t.Fatalf("%s %s: exit %d decision %s, want 2 error; %v", kind, f.fault, code, got.Decision, got.Violations)
						}
						named := false
						for _, v := range got.Violations {
							if v.Rule == "unverifiable" && strings.Contains(v.Message, "http://"+fp[0].Host+"/v2/") &&
								strings.Contains(v.Message, f.says) {
								named = true
							}
						}
						if !named {
							t.Fatalf("%s %s: no unverifiable violation names the URL and %q: %v", kind, f.fault, f.says, got.Violations)
						}
					})
				}
			}
		})
	}
}

// TestDigestAlgorithmFaults: a registry whose index references a child by
// sha512 gets that child verified in sha512. Bytes that do not match, or
// a digest under an algorithm releasegate cannot verify, end in decision
// error (exit 2); only the honest sha512 child passes.
func TestDigestAlgorithmFaults(t *testing.T) {
	rel, err := scenario.Build(7, []string{"linux/amd64", "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	child, _ := rel.Images["linux/arm64"].RawManifest()
	sum := sha512.Sum512(child)
	sha512Child := "sha512:" + hex.EncodeToString(sum[:])
	tests := []struct {
		name   string
		digest string // the child's digest in the index
		served []byte // what the registry answers for it
		code   int
		says   string
	}{
		{"honest sha512 child", sha512Child, child, 0, ""},
		{"sha512 child with other bytes", sha512Child, append(slices.Clone(child), '\n'), 2, "does not match its digest"},
		{"child under an unverifiable algorithm", "sha384:" + strings.Repeat("0f", 48), child, 2, "sha384"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[`+
				`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d,"platform":{"os":"linux","architecture":"arm64"}}]}`,
				tt.digest, len(child))
			isum := sha256.Sum256([]byte(idx))
			routes := map[string][]byte{
				"/manifests/crafted": []byte(idx),
				"/manifests/sha256:" + hex.EncodeToString(isum[:]): []byte(idx),
				"/manifests/" + tt.digest:                          tt.served,
			}
			env, err := scenariotest.StartEnv(1, localregistry.WithMiddleware(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					for suffix, body := range routes {
						if strings.HasSuffix(r.URL.Path, suffix) {
							mt := "application/vnd.oci.image.manifest.v1+json"
							if strings.Contains(string(body), "image.index") {
								mt = "application/vnd.oci.image.index.v1+json"
							}
							w.Header().Set("Content-Type", mt)
							_, _ = w.Write(body)
							return
						}
					}
					next.ServeHTTP(w, r)
				})
			}))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(env.Close)
			if err := env.Publisher.PublishFull(env.Images[0], env.Layout, rel, "2.0.0", false); err != nil {
				t.Fatal(err)
			}
			g := &gateEnv{t: t, env: env, rel: rel, cfg: filepath.Join(t.TempDir(), "none.yaml")}
			if err := os.WriteFile(g.cfg, []byte("version: 1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, res, stderr := g.runArgs("probe", "--insecure-registry", env.Registries[0].Host, env.Images[0]+":crafted")
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s %+v", code, tt.code, stderr, res.Violations)
			}
			if tt.code == 2 && (res.Decision != "error" || !strings.Contains(fmt.Sprint(res.Violations), tt.says)) {
				t.Fatalf("decision %s, violations %+v, want unverifiable saying %q", res.Decision, res.Violations, tt.says)
			}
		})
	}
}
