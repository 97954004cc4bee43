package gate

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// publishCatalog starts a registry (catalog pages of 4, so listing
// paginates) with n repositories of scenario.CatalogTags.
func publishCatalog(t *testing.T, n int) *scenario.Catalog {
	return scenariotest.Catalog(t, n, 3, localregistry.WithCatalogPage(4))
}

// breakCatalog plants the seeds' failures: an orphan index (a child
// deleted and garbage-collected), a missing release layer and a missing
// base layer.
func breakCatalog(t *testing.T, cat *scenario.Catalog) {
	t.Helper()
	ctx := context.Background()
	r := cat.Repositories
	if err := cat.OrphanChild(r[1], 2, "linux/arm64"); err != nil { // 1.1.0, 1.1, latest
		t.Fatal(err)
	}
	if err := cat.DeleteLayer(ctx, r[2], 0, "linux/amd64", 1); err != nil { // 1.0.0
		t.Fatal(err)
	}
	if err := cat.DeleteLayer(ctx, r[5], 1, "linux/arm64", 0); err != nil { // every tag
		t.Fatal(err)
	}
	if err := cat.GarbageCollect(ctx); err != nil {
		t.Fatal(err)
	}
}

func probeCatalog(t *testing.T, hosts []string, p Probe) *Result {
	t.Helper()
	p.Catalogs = hosts
	opts := Options{Phase: p}
	opts.Client = registry.New(registry.WithInsecureRegistry(hosts...), registry.WithPageSize(3),
		registry.WithRetry(3, time.Millisecond, 5*time.Millisecond), registry.WithMaxRetryAfter(10*time.Millisecond))
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// brokenTags lists the broken tags as repository:tag.
func brokenTags(res *Result) []string {
	out := []string{}
	for _, b := range res.Probe.Broken {
		out = append(out, b.Repository+":"+b.Tag)
	}
	return out
}

func TestCatalogProbeReportsExactlyTheBrokenTags(t *testing.T) {
	cat := publishCatalog(t, 8)
	host := cat.Registry.Host
	clean := probeCatalog(t, []string{host}, Probe{})
	if clean.Decision != Pass || len(clean.Violations) != 0 || len(clean.Facts.Images) != 0 {
		t.Fatalf("clean catalog: %s %v", clean.Decision, clean.Violations)
	}
	c := clean.Facts.Catalogs[0]
	// 3 indexes, 6 images, 6 configs, 2 base + 6 own layers per repository
	if !c.Accessible || len(c.Repositories) != 8 || c.Tags != 40 || c.Objects != 8*23 {
		t.Fatalf("clean catalog facts: %+v", c)
	}

	breakCatalog(t, cat)
	want := cat.Broken()
	if len(want) != 9 {
		t.Fatalf("planted %d broken tags, want 9: %v", len(want), want)
	}
	res := probeCatalog(t, []string{host}, Probe{})
	if got := brokenTags(res); res.Decision != Fail || res.Outcome().ExitCode() != 1 || !slices.Equal(got, want) {
		t.Fatalf("decision %s\n got %v\nwant %v\n%v", res.Decision, got, want, res.Violations)
	}
	targets := map[string]bool{}
	for _, v := range res.Violations {
		if v.Rule != gaterule.IntegrityMissing {
			t.Errorf("unexpected violation %+v", v)
		}
		targets[strings.TrimPrefix(v.Target, host+"/")] = true
		if !strings.Contains(v.Message, "sha256:") || !strings.Contains(v.Message, "404 Not Found") {
			t.Errorf("message lacks the digest or the status: %s", v.Message)
		}
	}
	if len(targets) != len(want) {
		t.Errorf("violations name %d tags, want %d", len(targets), len(want))
	}
	// Only the broken tags are kept, each with its whole walk.
	if len(res.Facts.Images) != len(want) || res.Facts.Catalogs[0].Tags != 40 {
		t.Errorf("kept %d tags of %d", len(res.Facts.Images), res.Facts.Catalogs[0].Tags)
	}
	reg := res.Probe.Registries[0]
	if reg.BrokenTags != 9 || !reg.CatalogAccessible || reg.Unverifiable != 0 {
		t.Errorf("summary: %+v", reg)
	}
}

func TestCatalogFilters(t *testing.T) {
	cat := publishCatalog(t, 6)
	host := cat.Registry.Host
	tests := []struct {
		repos, tags []string
		wantRepos   []string
		wantTags    int
	}{
		{[]string{"acme/*"}, nil, []string{"acme/app-000", "acme/app-002", "acme/app-004"}, 15},
		{[]string{"!acme/**", "!**/app-005"}, nil, []string{"labs/app-001", "labs/app-003"}, 10},
		{[]string{"acme/app-00{0,2}"}, []string{"1.*", "!*.*.*"}, []string{"acme/app-000", "acme/app-002"}, 2},
		{nil, []string{"latest"}, slices.Sorted(slices.Values(cat.Repositories)), 6},
	}
	for _, tt := range tests {
		repos, _ := ParseFilter("--repo", tt.repos)
		tags, _ := ParseFilter("--tag", tt.tags)
		res := probeCatalog(t, []string{host}, Probe{Repos: repos, Tags: tags})
		c := res.Facts.Catalogs[0]
		if res.Decision != Pass || !slices.Equal(c.Repositories, tt.wantRepos) || c.Tags != tt.wantTags {
			t.Errorf("--repo %v --tag %v: %s, repositories %v, %d tags; want %v, %d", tt.repos, tt.tags,
				res.Decision, c.Repositories, c.Tags, tt.wantRepos, tt.wantTags)
		}
	}
}

func TestCatalogFaultsAreUnverifiable(t *testing.T) {
	cat := publishCatalog(t, 3)
	onCatalog := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/_catalog") }
	onTags := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/tags/list") }
	tests := []struct {
		name       string
		rule       faultproxy.Rule
		accessible bool
		says       string
	}{
		{"catalog 401", faultproxy.Rule{Fault: faultproxy.Status401, Match: onCatalog}, false, "/v2/_catalog?n=3: 401 Unauthorized"},
		{"catalog 500", faultproxy.Rule{Fault: faultproxy.Status500, Match: onCatalog}, false, "/v2/_catalog?n=3: 500 Internal Server Error: {"},
		{"catalog reset", faultproxy.Rule{Fault: faultproxy.Reset, Match: onCatalog}, false, "/v2/_catalog?n=3: "},
		{"tag lists 429", faultproxy.Rule{Fault: faultproxy.Status429, Match: onTags}, true, "/tags/list?n=3: 429 Too Many Requests"},
		{"blobs 500", faultproxy.Rule{Fault: faultproxy.Status500, Match: func(r *http.Request) bool {
			return strings.Contains(r.URL.Path, "/blobs/")
		}}, true, "500 Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := faultproxy.Start(cat.Registry.URL, faultproxy.WithRules(tt.rule))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			res := probeCatalog(t, []string{p.Host}, Probe{})
			if res.Decision != Error || res.Outcome().ExitCode() != 2 || res.Facts.Catalogs[0].Accessible != tt.accessible {
				t.Fatalf("decision %s, accessible %v: %v", res.Decision, res.Facts.Catalogs[0].Accessible, res.Violations)
			}
			named := false
			for _, v := range res.Violations {
				if v.Rule != gaterule.Unverifiable {
					t.Errorf("a fault turned into %s on %s", v.Rule, v.Target)
				}
				named = named || (strings.HasPrefix(v.Target, p.Host) && strings.Contains(v.Message, "http://"+p.Host+"/v2/") &&
					strings.Contains(v.Message, tt.says))
			}
			if !named || len(res.Probe.Broken) != 0 {
				t.Errorf("no unverifiable violation names the URL and %q: %v", tt.says, res.Violations)
			}
		})
	}
}

func TestProgressCountsTheWalk(t *testing.T) {
	cat := publishCatalog(t, 4)
	if err := cat.DeleteLayer(context.Background(), cat.Repositories[0], 0, "linux/amd64", 0); err != nil {
		t.Fatal(err)
	}
	p := &Progress{}
	res := probeCatalog(t, []string{cat.Registry.Host}, Probe{Progress: p})
	got := p.Snapshot()
	c := res.Facts.Catalogs[0]
	want := ProgressSnapshot{Listed: 4, Walked: 4, Tags: int64(c.Tags), Objects: int64(c.Objects), Problems: 5}
	if got != want {
		t.Errorf("progress %+v, want %+v", got, want)
	}
}

func TestShowProgress(t *testing.T) {
	p := &Progress{}
	p.repositoryListed()
	p.tagWalked(true)
	var b strings.Builder
	stop := ShowProgress(&b, p, ProgressDisplay{Every: 10 * time.Millisecond, Requests: func() int { return 42 }})
	time.Sleep(35 * time.Millisecond)
	stop()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) < 2 || !strings.Contains(lines[0], "0/1 repositories, 1 tag, 0 objects, 1 with problems, 42 requests") ||
		strings.Contains(b.String(), "\r") {
		t.Errorf("plain progress: %q", b.String())
	}
	b.Reset()
	stop = ShowProgress(&b, p, ProgressDisplay{Live: true, Requests: func() int { return 42 }})
	stop()
	if !strings.HasPrefix(b.String(), "\r\x1b[K") || !strings.HasSuffix(b.String(), "42 requests\n") {
		t.Errorf("live progress: %q", b.String())
	}
}

func TestShardsCoverEveryRepositoryOnce(t *testing.T) {
	owners := map[string]int{}
	per := make([]int, 3)
	for i := range 3 {
		s := Shard{Index: i, Count: 3}
		for n := range 1000 {
			if repo := fmt.Sprintf("team-%d/svc-%04d", n%7, n); s.Owns(repo) {
				owners[repo]++
				per[i]++
			}
		}
	}
	for repo, n := range owners {
		if n != 1 {
			t.Errorf("%s owned by %d shards", repo, n)
		}
	}
	if len(owners) != 1000 {
		t.Errorf("%d of 1000 repositories owned", len(owners))
	}
	for i, n := range per {
		if n < 250 || n > 420 {
			t.Errorf("shard %d/3 owns %d of 1000 repositories: the hash spreads badly", i, n)
		}
	}
	if !(Shard{}).Owns("anything") {
		t.Error("the whole catalog does not own a repository")
	}
}

func TestParseShard(t *testing.T) {
	env := map[string]string{"JOB_COMPLETION_INDEX": "2"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		in, want, err string
	}{
		{"", "", ""},
		{"0/3", "0/3", ""},
		{"2/3", "2/3", ""},
		{"auto/3", "2/3", ""},
		{"auto/2", "", "index \"2\" (from JOB_COMPLETION_INDEX) must be a number from 0 to 1"},
		{"3/3", "", "must be a number from 0 to 2"},
		{"-1/3", "", "must be a number"},
		{"1/0", "", "want I/N"},
		{"1", "", "want I/N"},
		{"a/b", "", "want I/N"},
	}
	for _, tt := range tests {
		s, err := ParseShard(tt.in, getenv)
		if s.String() != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%q: %q %v, want %q %q", tt.in, s, err, tt.want, tt.err)
		}
	}
	if _, err := ParseShard("auto/3", func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "JOB_COMPLETION_INDEX is not set") {
		t.Errorf("auto without the index: %v", err)
	}
}

func TestParseFilter(t *testing.T) {
	if _, err := ParseFilter("--repo", []string{"acme/[z-"}); err == nil || !strings.Contains(err.Error(), `--repo: "acme/[z-" is not a glob (a leading ! excludes)`) {
		t.Errorf("bad glob: %v", err)
	}
	if _, err := ParseFilter("--tag", []string{"!"}); err == nil {
		t.Error("a lone ! is accepted")
	}
	f, _ := ParseFilter("--repo", []string{"acme/**", "!acme/tmp-*"})
	for name, want := range map[string]bool{"acme/app": true, "acme/team/app": true, "acme/tmp-1": false, "labs/app": false} {
		if f.Match(name) != want {
			t.Errorf("%s: %v", name, !want)
		}
	}
}
