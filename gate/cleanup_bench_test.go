package gate

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/tagdelete"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// BenchmarkCleanupRequests counts what `gate cleanup --apply` costs a
// release of 2 images × 2 platforms × 2 registries, half-published (both
// per-arch tags of both images reached the first registry, nothing the
// second), against what `gate preflight` sends for the same release: the
// cleanup must cost no more than preflight's facts plus one resolve and
// one delete per deleted tag. Requests are counted by a counting
// transport under each client; each iteration publishes the half release
// again (untimed). It prints the ratio and fails if the bound is broken.
//
//	go test ./gate -run '^$' -bench CleanupRequests -benchtime 3x
func BenchmarkCleanupRequests(b *testing.B) {
	env, err := scenariotest.StartEnv(2)
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	rel, err := scenario.Build(11, env.Layout.Platforms)
	if err != nil {
		b.Fatal(err)
	}
	hosts := []string{env.Registries[0].Host, env.Registries[1].Host}
	var images []string
	for _, h := range hosts {
		images = append(images, h+"/acme/app", h+"/acme/tool")
	}
	l := env.Layout
	halfPublish := func() {
		for _, img := range images[:2] {
			for _, p := range l.Platforms {
				if err := env.Publisher.PushArch(img, rel, p, registry.ArchTag(l.ArchTag, "2.0.0", p)); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	counted := func() (*registry.Client, *registry.Counter) {
		c := &registry.Counter{}
		t := http.DefaultTransport.(*http.Transport).Clone()
		return registry.New(registry.WithInsecureRegistry(hosts...), registry.WithDeleteScope(),
			registry.WithTransport(registry.CountingTransport(t, c))), c
	}
	var pre, clean registry.Requests
	deleted := 0
	for b.Loop() {
		b.StopTimer()
		halfPublish()
		pc, pcount := counted()
		if _, err := Run(context.Background(), Options{Phase: Preflight{}, Version: "2.0.0", Images: images,
			Platforms: l.Platforms, ArchTag: l.ArchTag, OnExisting: "fail", Client: pc}); err != nil {
			b.Fatal(err)
		}
		pre = pcount.Snapshot()
		cc, ccount := counted()
		b.StartTimer()
		res, err := RunCleanup(context.Background(), CleanupOptions{Version: "2.0.0", Images: images, Platforms: l.Platforms,
			ArchTag: l.ArchTag, Apply: true, Client: cc, Deleter: tagdelete.New(cc)})
		if err != nil || res.Decision != Pass {
			b.Fatalf("cleanup: %v %+v", err, res)
		}
		clean, deleted = ccount.Snapshot(), res.Counts.Deleted
	}
	budget := pre.Total + 2*deleted
	b.ReportMetric(float64(clean.Total), "cleanup-requests")
	b.ReportMetric(float64(pre.Total), "preflight-requests")
	b.ReportMetric(float64(clean.Total)/float64(pre.Total), "ratio-vs-preflight")
	fmt.Printf("preflight: requests %s\ncleanup --apply (%d tags deleted): requests %s = %.2fx preflight; bound preflight + 2 per deleted tag = %d\n",
		pre, deleted, clean, float64(clean.Total)/float64(pre.Total), budget)
	if clean.Total > budget {
		b.Errorf("cleanup sent %d requests, more than preflight's %d plus a resolve and a delete per deleted tag (%d)", clean.Total, pre.Total, budget)
	}
}
