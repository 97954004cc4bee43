package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/gate/probemetrics"
	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/internal/pushgateway"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// probeJSON is the part of `gate probe --format json` these tests read.
type probeJSON struct {
	Decision   string `json:"decision"`
	Violations []struct {
		Rule, Target, Message string
	} `json:"violations"`
	Facts struct {
		Catalogs []struct {
			Registry     string   `json:"registry"`
			Accessible   bool     `json:"accessible"`
			Repositories []string `json:"repositories"`
			Tags         int      `json:"tags"`
		} `json:"catalogs"`
	} `json:"facts"`
	Probe struct {
		Shard  string `json:"shard"`
		Broken []struct {
			Repository, Tag string
			Rules           []string
		} `json:"broken"`
	} `json:"probe"`
}

func (p probeJSON) broken() []string {
	out := []string{}
	for _, b := range p.Probe.Broken {
		out = append(out, b.Repository+":"+b.Tag)
	}
	return out
}

// probe runs `releasegate gate probe ARGS` and returns the exit code,
// stdout and stderr.
func probe(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cfg := filepath.Join(t.TempDir(), ".releasegate.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	all := append([]string{"gate", "probe", "--config", cfg}, fastFlags...)
	code := runMain(append(all, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func probeJSONRun(t *testing.T, args ...string) (int, probeJSON, string) {
	t.Helper()
	code, out, stderr := probe(t, append([]string{"--format", "json"}, args...)...)
	var res probeJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("probe %v: exit %d, output is not JSON: %v\n%s\n%s", args, code, err, out, stderr)
	}
	ValidateJSON(t, GateSchema, out)
	return code, res, stderr
}

// catalogRegistry starts a registry with n repositories of release history.
func catalogRegistry(t *testing.T, n int) *scenario.Catalog {
	return scenariotest.Catalog(t, n, 5, localregistry.WithCatalogPage(5))
}

// readMetrics parses a metrics file as node_exporter would.
func readMetrics(t *testing.T, path string) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := pushgateway.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// gauge returns the value of the series of name whose labels include
// want, and whether there is one.
func gauge(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	for _, m := range fams[name].GetMetric() {
		n := 0
		for _, l := range m.GetLabel() {
			if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
				n++
			}
		}
		if n == len(want) {
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

// TestProbeCatalogEndToEnd is the seeds' incident on a whole registry: a
// clean catalog passes; with an orphan index and missing layers planted,
// exactly the broken tags are reported (exit 1), and the metrics file and
// the Pushgateway both carry them.
func TestProbeCatalogEndToEnd(t *testing.T) {
	cat := catalogRegistry(t, 8)
	host := cat.Registry.Host
	pg := pushgateway.Start()
	defer pg.Close()
	metrics := filepath.Join(t.TempDir(), "releasegate.prom")
	args := []string{"--catalog", host, "--insecure-registry", host, "--metrics-file", metrics, "--push-gateway", pg.URL}

	code, res, stderr := probeJSONRun(t, args...)
	if code != 0 || res.Decision != "pass" || len(res.Probe.Broken) != 0 || res.Facts.Catalogs[0].Tags != 40 {
		t.Fatalf("clean catalog: exit %d %s %v %s", code, res.Decision, res.Violations, stderr)
	}
	if !strings.Contains(stderr, "releasegate probe") || !strings.Contains(stderr, "8/8 repositories, 40 tags") {
		t.Errorf("no progress on stderr: %q", stderr)
	}

	ctx := context.Background()
	r := cat.Repositories
	for _, err := range []error{
		cat.OrphanChild(r[3], 2, "linux/amd64"),
		cat.DeleteLayer(ctx, r[4], 1, "linux/arm64", 1),
		cat.DeleteLayer(ctx, r[6], 0, "linux/amd64", 0),
		cat.GarbageCollect(ctx),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := cat.Broken()
	code, res, stderr = probeJSONRun(t, args...)
	if got := res.broken(); code != 1 || res.Decision != "fail" || !slices.Equal(got, want) {
		t.Fatalf("exit %d %s\n got %v\nwant %v\n%s", code, res.Decision, got, want, stderr)
	}
	for _, v := range res.Violations {
		if v.Rule != "integrity-missing" {
			t.Errorf("unexpected %s on %s: %s", v.Rule, v.Target, v.Message)
		}
	}

	pushed := pg.Group("job/" + probemetrics.Job)
	for name, fams := range map[string]map[string]*dto.MetricFamily{"metrics file": readMetrics(t, metrics), "push": pushed} {
		if v, ok := gauge(fams, probemetrics.BrokenTags, map[string]string{"registry": host}); !ok || v != float64(len(want)) {
			t.Errorf("%s: %s = %v (%v), want %d", name, probemetrics.BrokenTags, v, ok, len(want))
		}
		if v, _ := gauge(fams, probemetrics.CatalogAccessible, map[string]string{"registry": host}); v != 1 {
			t.Errorf("%s: catalog not accessible", name)
		}
		for _, b := range want {
			repo, tag, _ := strings.Cut(b, ":")
			if v, ok := gauge(fams, probemetrics.TagBroken, map[string]string{"registry": host, "repository": repo, "tag": tag}); !ok || v != 1 {
				t.Errorf("%s: no %s series for %s", name, probemetrics.TagBroken, b)
			}
		}
		if n := len(fams[probemetrics.TagBroken].GetMetric()); n != len(want) {
			t.Errorf("%s: %d %s series, want %d", name, n, probemetrics.TagBroken, len(want))
		}
		for _, n := range probemetrics.Names() {
			if fams[n] == nil {
				t.Errorf("%s lacks %s", name, n)
			}
		}
	}

	// text: a summary line for the catalog, then the broken tags.
	code, out, _ := probe(t, "--catalog", host, "--insecure-registry", host, "--quiet")
	if code != 1 || !strings.Contains(out, host+" catalog: 8 repositories, 40 tags") || !strings.Contains(out, fmt.Sprintf(", %d broken tags", len(want))) {
		t.Errorf("text output (exit %d):\n%s", code, out)
	}
	for _, b := range want {
		if !strings.Contains(out, host+"/"+b+": error: ") {
			t.Errorf("text output does not list %s", b)
		}
	}
}

// TestProbeCatalogRefused: a catalog answering 401 or 500 is exit 2 with
// the URL and status, and catalog_accessible 0 in the metrics.
func TestProbeCatalogRefused(t *testing.T) {
	cat := catalogRegistry(t, 2)
	for _, tt := range []struct {
		fault faultproxy.Fault
		says  string
	}{
		{faultproxy.Status401, "401 Unauthorized"},
		{faultproxy.Status500, "500 Internal Server Error"},
	} {
		t.Run(string(tt.fault), func(t *testing.T) {
			p, err := faultproxy.Start(cat.Registry.URL, faultproxy.WithRules(faultproxy.Rule{Fault: tt.fault,
				Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/_catalog") }}))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			metrics := filepath.Join(t.TempDir(), "releasegate.prom")
			code, _, stderr := probe(t, "--catalog", p.Host, "--insecure-registry", p.Host, "--metrics-file", metrics, "--quiet")
			if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "http://"+p.Host+"/v2/_catalog") ||
				!strings.Contains(stderr, tt.says) {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			fams := readMetrics(t, metrics)
			if v, ok := gauge(fams, probemetrics.CatalogAccessible, map[string]string{"registry": p.Host}); !ok || v != 0 {
				t.Errorf("catalog_accessible = %v (%v), want 0", v, ok)
			}
			if fams[probemetrics.LastSuccess] != nil {
				t.Error("an undecided run wrote a last success")
			}
		})
	}
}

// TestProbeShards: --shard 0/3, 1/3 and 2/3 together walk every
// repository exactly once; auto/3 takes its index from the Indexed Job.
func TestProbeShards(t *testing.T) {
	cat := catalogRegistry(t, 12)
	host := cat.Registry.Host
	seen := map[string]int{}
	var shard1 []string
	for _, s := range []string{"0/3", "1/3", "2/3"} {
		code, res, stderr := probeJSONRun(t, "--catalog", host, "--insecure-registry", host, "--shard", s, "--tag", "latest")
		if code != 0 || res.Probe.Shard != s {
			t.Fatalf("shard %s: exit %d %v %s", s, code, res.Violations, stderr)
		}
		for _, r := range res.Facts.Catalogs[0].Repositories {
			seen[r]++
		}
		if s == "1/3" {
			shard1 = res.Facts.Catalogs[0].Repositories
		}
	}
	for _, r := range cat.Repositories {
		if seen[r] != 1 {
			t.Errorf("%s walked by %d shards", r, seen[r])
		}
	}
	if len(seen) != len(cat.Repositories) {
		t.Errorf("shards walked %d repositories, the catalog has %d", len(seen), len(cat.Repositories))
	}
	t.Setenv("JOB_COMPLETION_INDEX", "1")
	_, res, _ := probeJSONRun(t, "--catalog", host, "--insecure-registry", host, "--shard", "auto/3", "--tag", "latest")
	if !slices.Equal(res.Facts.Catalogs[0].Repositories, shard1) || res.Probe.Shard != "1/3" {
		t.Errorf("auto/3 with JOB_COMPLETION_INDEX=1 walked %v, 1/3 walked %v", res.Facts.Catalogs[0].Repositories, shard1)
	}
}

func TestProbeUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--repo", "acme/*", "127.0.0.1:1/a:b"}, "narrow a --catalog probe"},
		{[]string{"--catalog", "127.0.0.1:1", "--shard", "3/3"}, "--shard 3/3"},
		{[]string{"--catalog", "127.0.0.1:1", "--shard", "auto/3"}, "JOB_COMPLETION_INDEX is not set"},
		{[]string{"--catalog", "127.0.0.1:1", "--repo", "[x"}, `--repo: "[x" is not a glob (a leading ! excludes)`},
		{[]string{"--catalog", "https://registry.example"}, `--catalog: "https://registry.example" is not HOST[:PORT]`},
		{[]string{"--expect", "linux/amd64=sha256:x", "a/b:c"}, "unknown flag: --expect"},
		{[]string{"--platform", "linux/amd64", "a/b:c"}, "unknown flag: --platform"},
		{[]string{"--trusted-root", "root.json", "a/b:c"}, "unknown flag: --trusted-root"},
		{[]string{"--format", "sarif", "a/b:c"}, "gate results are about registries"},
	}
	for _, tt := range tests {
		code, _, stderr := probe(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want 2 and one line with %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestProbeHelpShowsOnlyItsFlags: SPEC §2, each gate subcommand shows
// only the flags it uses.
func TestProbeHelpShowsOnlyItsFlags(t *testing.T) {
	code, out, _ := probe(t, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, f := range []string{"--catalog HOST[:PORT]", "--repo GLOB", "--tag GLOB", "--shard I/N", "--metrics-file FILE", "--push-gateway URL",
		"--timeout DURATION", "--insecure-registry HOST[:PORT]", "--version V", "--format text|json|github",
		"--jobs N", "--retries N", "--attempt-timeout DURATION", "--retry-backoff DURATION", "--max-retry-after DURATION", "--progress-every DURATION"} {
		if !strings.Contains(out, f) {
			t.Errorf("help lacks %s:\n%s", f, out)
		}
	}
	for _, f := range []string{"expect", "ledger", "on-existing", "platform", "trusted-root"} {
		if strings.Contains(out, "--"+f+" ") {
			t.Errorf("help shows --%s, which probe does not use", f)
		}
	}
}

// TestDeployManifestsUseProbeFlags runs the arguments of the Kubernetes
// manifests in deploy/kubernetes through the CLI (with --help, so nothing
// is contacted): a renamed or misspelt flag fails here, not at 3 a.m.
// (The deploy module's own tests decode the manifests strictly.)
func TestDeployManifestsUseProbeFlags(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "deploy", "kubernetes", "*.yaml"))
	if len(files) < 2 {
		t.Fatalf("manifests: %v", files)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var cj struct {
			Spec struct {
				JobTemplate struct {
					Spec struct {
						Template struct {
							Spec struct {
								Containers []struct{ Args []string }
							}
						}
					}
				} `yaml:"jobTemplate"`
			}
		}
		if err := yaml.Unmarshal(data, &cj); err != nil {
			t.Fatal(err)
		}
		args := cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args
		var stdout, stderr bytes.Buffer
		if code := runMain(append(args, "--help"), strings.NewReader(""), &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "--catalog") {
			t.Errorf("%s: releasegate %s: exit %d %s", file, strings.Join(args, " "), code, stderr.String())
		}
	}
}

// TestProbeWarnsOfAHelperOnlyDockerConfig: a Docker config mounted into a
// pod that names a credential helper but holds no credentials makes the
// probe say, before it starts, that its requests go anonymous.
func TestProbeWarnsOfAHelperOnlyDockerConfig(t *testing.T) {
	const host = "127.0.0.1:1"
	for _, tt := range []struct {
		config string
		warn   bool
	}{
		{`{"auths":{},"credsStore":"releasegate-test-absent"}`, true},
		{`{"auths":{"` + host + `":{"auth":"dTpw"}},"credsStore":"releasegate-test-absent"}`, false},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.config), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("DOCKER_CONFIG", dir)
		_, _, stderr := probe(t, "--timeout", "2s", host+"/acme/app:1.0")
		got := strings.Contains(stderr, "releasegate: warning: "+filepath.Join(dir, "config.json")+" has no credentials for "+host)
		if got != tt.warn {
			t.Errorf("config %s: warned %v, want %v:\n%s", tt.config, got, tt.warn, stderr)
		}
	}
}
