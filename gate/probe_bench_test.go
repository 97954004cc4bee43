package gate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// BenchmarkCatalogProbeVsCurlLoop walks a registry of 200 repositories x 5
// tags (three releases per repository sharing a base layer, "1.1" and
// "latest" on the newest; three orphan indexes and three deleted layers
// planted) behind a proxy adding 20 ms per request, with `gate probe
// --catalog`, and compares it with the seeds' probe script done in Go: a
// sequential loop that lists the catalog and each repository's tags, then
// tag by tag GETs the manifest, GETs each child manifest (its content
// names the blobs) and HEADs each config and layer, with one keep-alive
// HTTP client (kinder to the loop than one curl process per request).
//
// It prints both wall times, request counts and the ratios, and the live
// heap sampled as the probe walks (forcing a GC at each sample, in a run
// of its own), to show memory does not grow with the tags walked. It
// asserts only that both find the same broken tags.
//
//	go test ./gate -run '^$' -bench CatalogProbeVsCurlLoop -benchtime 1x -timeout 30m
func BenchmarkCatalogProbeVsCurlLoop(b *testing.B) {
	const repos = 200
	start := time.Now()
	cat := scenariotest.Catalog(b, repos, 11)
	plantBenchFaults(b, cat)
	want := cat.Broken()
	fmt.Printf("catalog: %d repositories x %d tags, %d broken tags planted (set up in %s), %s per request\n",
		repos, len(scenario.CatalogTags), len(want), time.Since(start).Round(time.Second), benchLatency)
	p, err := faultproxy.Start(cat.Registry.URL, faultproxy.WithLatency(benchLatency))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()

	var probeTime, loopTime time.Duration
	var probeReq, loopReq registry.Requests
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		client := registry.New(registry.WithInsecureRegistry(p.Host))
		res, err := Run(context.Background(), Options{Phase: Probe{Catalogs: []string{p.Host}}, Client: client})
		if err != nil {
			b.Fatal(err)
		}
		probeTime += time.Since(start)
		probeReq = res.Requests
		if got := brokenTags(res); !slices.Equal(got, want) {
			b.Fatalf("probe found %v, planted %v", got, want)
		}

		start = time.Now()
		broken, req, err := curlLoop(p.URL)
		if err != nil {
			b.Fatal(err)
		}
		loopTime += time.Since(start)
		loopReq = req
		if !slices.Equal(broken, want) {
			b.Fatalf("the loop found %v, planted %v", broken, want)
		}
	}
	b.StopTimer()
	n := time.Duration(b.N)
	b.ReportMetric(float64(probeReq.Total), "probe-requests")
	b.ReportMetric(float64(loopReq.Total), "loop-requests")
	b.ReportMetric(float64(probeTime)/float64(loopTime), "time-ratio")
	fmt.Printf("gate probe --catalog: %8s/run, requests %s\n", (probeTime / n).Round(time.Millisecond), probeReq)
	fmt.Printf("sequential curl loop: %8s/run, requests %s\n", (loopTime / n).Round(time.Millisecond), loopReq)
	fmt.Printf("the probe takes %.3fx the loop's time (%.0fx faster) and sends %.2fx its requests\n",
		float64(probeTime)/float64(loopTime), float64(loopTime)/float64(probeTime), float64(probeReq.Total)/float64(loopReq.Total))
	heapWhileProbing(b, p.Host, repos*len(scenario.CatalogTags))
}

// plantBenchFaults breaks six repositories: three orphan indexes (a child
// deleted, then garbage-collected), a deleted base layer and two deleted
// layers of one release.
func plantBenchFaults(b *testing.B, cat *scenario.Catalog) {
	ctx := context.Background()
	r := cat.Repositories
	for _, err := range []error{
		cat.OrphanChild(r[10], 2, "linux/arm64"),
		cat.OrphanChild(r[55], 0, "linux/amd64"),
		cat.OrphanChild(r[120], 1, "linux/arm64"),
		cat.DeleteLayer(ctx, r[20], 0, "linux/amd64", 0),
		cat.DeleteLayer(ctx, r[81], 2, "linux/arm64", 1),
		cat.DeleteLayer(ctx, r[163], 1, "linux/amd64", 1),
		cat.GarbageCollect(ctx),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
}

// heapWhileProbing runs the probe once more, sampling the live heap
// (after a forced GC) every 50 ms, and prints it against the tags walked
// so far, with what the run allocated per tag.
func heapWhileProbing(b *testing.B, host string, tags int) {
	type sample struct {
		tags int64
		heap uint64
	}
	var samples []sample
	progress := &Progress{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	wg.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				samples = append(samples, sample{progress.Snapshot().Tags, m.HeapAlloc})
			}
		}
	})
	client := registry.New(registry.WithInsecureRegistry(host))
	res, err := Run(context.Background(), Options{Phase: Probe{Catalogs: []string{host}, Progress: progress}, Client: client})
	if err != nil {
		b.Fatal(err)
	}
	close(done)
	wg.Wait()
	runtime.ReadMemStats(&after)
	var line []string
	for q := 1; q <= 5; q++ {
		// the first sample at or past a fifth, two fifths, … of the tags
		for _, s := range samples {
			if s.tags >= int64(tags*q/5) {
				line = append(line, fmt.Sprintf("%d tags %.1f MiB", s.tags, float64(s.heap)/(1<<20)))
				break
			}
		}
	}
	runtime.GC()
	var end runtime.MemStats
	runtime.ReadMemStats(&end)
	line = append(line, fmt.Sprintf("done, result held %.1f MiB", float64(end.HeapAlloc)/(1<<20)))
	runtime.KeepAlive(res)
	fmt.Printf("live heap while probing (whole process, registry included): %s; %.0f KiB allocated per tag\n",
		strings.Join(line, ", "), float64(after.TotalAlloc-before.TotalAlloc)/float64(tags)/1024)
}

// curlLoop is the seeds' probe script, sequential: list the catalog and
// the tags (following Link), then per tag GET the manifest, GET each
// child, HEAD each config and layer. A tag is broken if any answer is not
// 200.
func curlLoop(base string) ([]string, registry.Requests, error) {
	counter := &registry.Counter{}
	c := &http.Client{Transport: registry.CountingTransport(http.DefaultTransport.(*http.Transport).Clone(), counter)}
	repos, err := listAll(c, base, "/v2/_catalog?n=100")
	if err != nil {
		return nil, registry.Requests{}, err
	}
	var broken []string
	for _, repo := range repos {
		tags, err := listAll(c, base, "/v2/"+repo+"/tags/list?n=100")
		if err != nil {
			return nil, registry.Requests{}, err
		}
		for _, tag := range tags {
			ok, err := pullable(c, base+"/v2/"+repo, tag)
			if err != nil {
				return nil, registry.Requests{}, err
			}
			if !ok {
				broken = append(broken, repo+":"+tag)
			}
		}
	}
	slices.Sort(broken)
	return broken, counter.Snapshot(), nil
}

const acceptManifests = "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json," +
	"application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.docker.distribution.manifest.v2+json"

func listAll(c *http.Client, base, path string) ([]string, error) {
	var out []string
	for path != "" {
		resp, err := c.Get(base + path)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Repositories, Tags []string
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		out = append(append(out, doc.Repositories...), doc.Tags...)
		path = ""
		if target, _, ok := strings.Cut(resp.Header.Get("Link"), ">"); ok {
			path = strings.TrimPrefix(target, "<")
		}
	}
	return out, nil
}

// pullable walks one tag without remembering anything between tags.
func pullable(c *http.Client, repo, tag string) (bool, error) {
	body, status, err := getManifest(c, repo+"/manifests/"+tag)
	if err != nil || status != http.StatusOK {
		return false, err
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	for _, child := range idx.Manifests {
		body, status, err := getManifest(c, repo+"/manifests/"+child.Digest.String())
		if err != nil || status != http.StatusOK {
			return false, err
		}
		m, err := v1.ParseManifest(bytes.NewReader(body))
		if err != nil {
			return false, err
		}
		for _, blob := range append([]v1.Descriptor{m.Config}, m.Layers...) {
			resp, err := c.Head(repo + "/blobs/" + blob.Digest.String())
			if err != nil {
				return false, err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return false, nil
			}
		}
	}
	return true, nil
}

func getManifest(c *http.Client, url string) ([]byte, int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", acceptManifests)
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, resp.StatusCode, err
}
