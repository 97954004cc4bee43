package gate

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// benchLatency models a registry across the internet.
const benchLatency = 20 * time.Millisecond

// BenchmarkVerifyVsNaive times `gate verify` for 2 images x 2 platforms
// (version, latest, two per-arch tags, integrity walk) against two
// in-process registries behind proxies adding 20 ms per request, and
// compares it with two sequential go-containerregistry baselines doing the
// same checks one call at a time:
//
//   - naive-calls: every check is its own remote.* call, as a script of
//     crane commands would do (each call does its own registry handshake);
//   - naive-puller: the same calls sharing one remote.Puller (one
//     handshake per repository).
//
// It reports requests per run and the wall-time ratios; it asserts
// nothing about time.
//
//	go test ./internal/gate -run '^$' -bench VerifyVsNaive -benchtime 5x
func BenchmarkVerifyVsNaive(b *testing.B) {
	env, err := scenariotest.StartEnv(2)
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	s, _ := scenario.Lookup("clean")
	if _, err := s.Setup(context.Background(), env); err != nil {
		b.Fatal(err)
	}
	var images, hosts []string
	for _, r := range env.Registries {
		p, err := faultproxy.Start(r.URL, faultproxy.WithLatency(benchLatency))
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		images = append(images, p.Host+"/acme/app")
		hosts = append(hosts, p.Host)
	}
	l := env.Layout

	var gateTime, callsTime, pullerTime time.Duration
	var gateReq, callsReq, pullerReq registry.Requests
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		client := registry.New(registry.WithInsecureRegistry(hosts...))
		res, err := Run(context.Background(), Options{
			Phase: Verify{}, Version: scenario.Version, Images: images, Platforms: l.Platforms,
			ArchTag: l.ArchTag, MovingTags: l.MovingTags, Client: client,
		})
		if err != nil || res.Decision != Pass {
			b.Fatalf("gate verify: %v %+v", err, res)
		}
		gateTime += time.Since(start)
		gateReq = res.Requests

		start = time.Now()
		callsReq, err = naiveVerify(images, l, false)
		if err != nil {
			b.Fatal(err)
		}
		callsTime += time.Since(start)

		start = time.Now()
		pullerReq, err = naiveVerify(images, l, true)
		if err != nil {
			b.Fatal(err)
		}
		pullerTime += time.Since(start)
	}
	b.StopTimer()
	n := time.Duration(b.N)
	b.ReportMetric(float64(gateReq.Total), "gate-requests")
	b.ReportMetric(float64(callsReq.Total), "naive-calls-requests")
	b.ReportMetric(float64(pullerReq.Total), "naive-puller-requests")
	b.ReportMetric(float64(gateTime)/float64(callsTime), "time-ratio-vs-calls")
	b.ReportMetric(float64(gateTime)/float64(pullerTime), "time-ratio-vs-puller")
	fmt.Printf("gate verify:   %8s/run, requests %s\n", (gateTime / n).Round(time.Millisecond), gateReq)
	fmt.Printf("naive-calls:   %8s/run, requests %s  (gate takes %.2fx the time)\n", (callsTime / n).Round(time.Millisecond), callsReq, float64(gateTime)/float64(callsTime))
	fmt.Printf("naive-puller:  %8s/run, requests %s  (gate takes %.2fx the time)\n", (pullerTime / n).Round(time.Millisecond), pullerReq, float64(gateTime)/float64(pullerTime))
}

// naiveVerify does verify's checks sequentially with go-containerregistry:
// GET the version index, GET each moving and per-arch tag and compare
// digests, GET each child manifest and HEAD its config and layers.
func naiveVerify(images []string, l scenario.Layout, sharePuller bool) (registry.Requests, error) {
	counter := &registry.Counter{}
	rt := registry.CountingTransport(http.DefaultTransport.(*http.Transport).Clone(), counter)
	opts := []remote.Option{remote.WithTransport(rt)}
	if sharePuller {
		p, err := remote.NewPuller(opts...)
		if err != nil {
			return registry.Requests{}, err
		}
		opts = append(opts, remote.Reuse(p))
	}
	for _, img := range images {
		repo, err := name.NewRepository(img, name.Insecure)
		if err != nil {
			return registry.Requests{}, err
		}
		desc, err := remote.Get(repo.Tag(scenario.Version), opts...)
		if err != nil {
			return registry.Requests{}, err
		}
		idx, err := v1.ParseIndexManifest(bytes.NewReader(desc.Manifest))
		if err != nil {
			return registry.Requests{}, err
		}
		children := map[string]string{}
		for _, m := range idx.Manifests {
			children[m.Platform.OS+"/"+m.Platform.Architecture] = m.Digest.String()
		}
		for _, t := range l.MovingTags {
			d, err := remote.Get(repo.Tag(t), opts...)
			if err != nil {
				return registry.Requests{}, err
			}
			if d.Digest != desc.Digest {
				return registry.Requests{}, fmt.Errorf("%s moved", t)
			}
		}
		for _, p := range l.Platforms {
			d, err := remote.Get(repo.Tag(registry.ArchTag(l.ArchTag, scenario.Version, p)), opts...)
			if err != nil {
				return registry.Requests{}, err
			}
			if d.Digest.String() != children[p] {
				return registry.Requests{}, fmt.Errorf("arch tag %s differs", p)
			}
		}
		for _, m := range idx.Manifests {
			d, err := remote.Get(repo.Digest(m.Digest.String()), opts...)
			if err != nil {
				return registry.Requests{}, err
			}
			mf, err := v1.ParseManifest(bytes.NewReader(d.Manifest))
			if err != nil {
				return registry.Requests{}, err
			}
			for _, blob := range append([]v1.Descriptor{mf.Config}, mf.Layers...) {
				layer, err := remote.Layer(repo.Digest(blob.Digest.String()), opts...)
				if err != nil {
					return registry.Requests{}, err
				}
				if _, err := layer.Size(); err != nil {
					return registry.Requests{}, err
				}
			}
		}
	}
	return counter.Snapshot(), nil
}
