package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/scenario"
)

// deadlineFaults are registries that never finish answering: a ping or
// manifests that stall after half a body, or trickle one byte per 10 s.
var deadlineFaults = []struct {
	name string
	rule faultproxy.Rule
	path string // in the URL the report must name
}{
	{"stalled ping", faultproxy.Rule{Fault: faultproxy.Stall, Match: faultproxy.MatchPing}, "/v2/"},
	{"trickling ping", faultproxy.Rule{Fault: faultproxy.Trickle, Match: faultproxy.MatchPing}, "/v2/"},
	{"stalled manifests", faultproxy.Rule{Fault: faultproxy.Stall}, "/v2/acme/app/manifests/"},
	{"trickling manifests", faultproxy.Rule{Fault: faultproxy.Trickle}, "/v2/acme/app/manifests/"},
}

// runToDeadline runs gate verify against proxies that hold every matching
// request until the run's --timeout. No attempt times out first: the run's
// deadline is what ends it.
func (g *gateEnv) runToDeadline(proxies []*faultproxy.Proxy, format string) (int, string, string) {
	g.t.Helper()
	args := []string{"gate", "verify", "--config", g.cfg, "--format", format, "--version", scenario.Version,
		"--timeout", "1s", "--attempt-timeout", "30s", "--retry-backoff", "1ms"}
	for _, p := range proxies {
		args = append(args, "--insecure-registry", p.Host)
	}
	code, out, stderr := run(g.t, "", args...)
	return code, out, stderr
}

// TestDeadlineKeepsReport: a run that ends on --timeout still writes its
// whole report, with every fact it could not establish unverifiable and
// naming the URL it was waiting on. Each fault runs several times so a
// race between the deadline and the decision cannot hide.
func TestDeadlineKeepsReport(t *testing.T) {
	s, _ := scenario.Lookup("clean")
	g := startScenario(t, s)
	for _, f := range deadlineFaults {
		for rep := range 3 {
			t.Run(f.name+"/"+string(rune('a'+rep)), func(t *testing.T) {
				t.Parallel()
				fg, fp := g.proxied(t, f.rule)
				code, out, stderr := fg.runToDeadline(fp, "json")
				if code != 2 {
					t.Fatalf("exit %d, want 2\n%s\n%s", code, out, stderr)
				}
				var res gateJSON
				if err := json.Unmarshal([]byte(out), &res); err != nil {
					t.Fatalf("no JSON report (%v): stdout %q, stderr %q", err, out, stderr)
				}
				if res.Decision != "error" || len(res.Facts) == 0 {
					t.Fatalf("decision %q, facts %v", res.Decision, res.Facts)
				}
				named := false
				for _, v := range res.Violations {
					if v.Rule == "unverifiable" && strings.Contains(v.Message, "http://"+fp[0].Host+f.path) &&
						strings.Contains(v.Message, "deadline") {
						named = true
					}
					if v.Target == "policies" {
						t.Errorf("the policies were not evaluated: %s", v.Message)
					}
				}
				if !named {
					t.Fatalf("no unverifiable violation names %s and the deadline: %+v", f.path, res.Violations)
				}
				if !strings.Contains(stderr, "could not decide: ") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
					t.Errorf("stderr: %q", stderr)
				}
			})
		}
	}
}

// TestDeadlineWritesOutputs: inside GitHub Actions a run cut by the
// deadline still writes decision=error for the release job to branch on,
// and the text report in full.
func TestDeadlineWritesOutputs(t *testing.T) {
	s, _ := scenario.Lookup("clean")
	g := startScenario(t, s)
	for _, f := range []int{0, 3} { // a stalled ping, trickling manifests
		fault := deadlineFaults[f]
		outputs := filepath.Join(t.TempDir(), "outputs")
		t.Setenv("GITHUB_OUTPUT", outputs)
		fg, fp := g.proxied(t, fault.rule)
		code, out, stderr := fg.runToDeadline(fp, "text")
		if code != 2 || !strings.Contains(out, "unverifiable") || !strings.Contains(out, "http://"+fp[0].Host+fault.path) {
			t.Fatalf("%s: exit %d\n%s\n%s", fault.name, code, out, stderr)
		}
		b, err := os.ReadFile(outputs)
		if err != nil || !strings.Contains(string(b), "decision=error\n") {
			t.Fatalf("%s: GITHUB_OUTPUT %q (%v)", fault.name, b, err)
		}
	}
	// A run that cannot even start says decision=error too.
	outputs := filepath.Join(t.TempDir(), "outputs")
	t.Setenv("GITHUB_OUTPUT", outputs)
	code, _, _ := run(t, "", "gate", "verify", "--config", g.cfg, "--version", "not a tag!")
	if b, _ := os.ReadFile(outputs); code != 2 || string(b) != "decision=error\nskip=false\n" {
		t.Fatalf("exit %d, GITHUB_OUTPUT %q", code, b)
	}
}
