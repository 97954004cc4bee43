package registry_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// published starts one registry (optionally behind middleware) holding
// a clean release, and returns the repository and the release.
func published(t *testing.T, mw func(http.Handler) http.Handler) (*scenario.Env, name.Repository, *scenario.Release) {
	t.Helper()
	var opts []localregistry.Option
	if mw != nil {
		opts = append(opts, localregistry.WithMiddleware(mw))
	}
	env, err := scenariotest.StartEnv(1, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	rel, err := scenario.Build(7, env.Layout.Platforms)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Publisher.PublishFull(env.Images[0], env.Layout, rel, "2.0.0", true); err != nil {
		t.Fatal(err)
	}
	repo, err := name.NewRepository(env.Images[0], name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return env, repo, rel
}

func fast(opts ...registry.Option) *registry.Client {
	return registry.New(append([]registry.Option{registry.WithRetry(4, time.Millisecond, 5*time.Millisecond),
		registry.WithMaxRetryAfter(10 * time.Millisecond)}, opts...)...)
}

func TestTagFacts(t *testing.T) {
	_, repo, rel := published(t, nil)
	c := fast()
	ctx := context.Background()

	v := c.ResolveTag(ctx, repo, "2.0.0")
	if v.State != registry.Present || v.Digest != rel.Digest() || !v.Index {
		t.Fatalf("version: %+v", v)
	}
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		if v.Platforms[p] != rel.PlatformDigest(p) {
			t.Errorf("platform %s: %s, want %s", p, v.Platforms[p], rel.PlatformDigest(p))
		}
	}
	if a := c.HeadTag(ctx, repo, "2.0.0-arm64"); a.State != registry.Present || a.Digest != rel.PlatformDigest("linux/arm64") || a.Index {
		t.Errorf("arch tag: %+v", a)
	}
	if n := c.HeadTag(ctx, repo, "9.9.9"); n.State != registry.Absent || n.Error != "" {
		t.Errorf("missing tag: %+v", n)
	}
	// A single-image tag learns its platform from its config.
	single := c.ResolveTag(ctx, repo, "2.0.0-amd64")
	if single.Platforms["linux/amd64"] != rel.PlatformDigest("linux/amd64") {
		t.Errorf("single image platforms: %+v", single.Platforms)
	}
	// Every digest was fetched once: a second resolve sends nothing.
	before := c.Requests().Total
	c.ResolveTag(ctx, repo, "2.0.0")
	if after := c.Requests().Total; after != before {
		t.Errorf("second resolve sent %d requests", after-before)
	}
}

func TestWalkFindsDeletedLayer(t *testing.T) {
	env, repo, rel := published(t, nil)
	img := rel.Images["linux/arm64"]
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	ld, _ := layers[1].Digest()
	req, _ := http.NewRequest(http.MethodDelete, env.Registries[0].URL+"/v2/acme/app/blobs/"+ld.String(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("delete blob: %v %v", err, resp)
	}
	objs := fast().Walk(context.Background(), repo, rel.Digest())
	var bad []registry.Object
	for _, o := range objs {
		if o.State != registry.Present {
			bad = append(bad, o)
		}
	}
	// index + 2 manifests + 2 configs + 4 layers
	if len(objs) != 9 || len(bad) != 1 || bad[0].Digest != ld.String() || bad[0].Kind != "layer" ||
		bad[0].State != registry.Missing || bad[0].Platform != "linux/arm64" {
		t.Fatalf("walk: %d objects, not present: %+v", len(objs), bad)
	}
}

// hostile serves a well-digested but invalid manifest for tag "evil".
func hostile(body string) func(http.Handler) http.Handler {
	sum := sha256.Sum256([]byte(body))
	dg := "sha256:" + hex.EncodeToString(sum[:])
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/manifests/evil") {
				w.Header().Set("Docker-Content-Digest", dg)
				w.Header().Set("Content-Type", "application/vnd.oci.image.index.v1+json")
				_, _ = w.Write([]byte(body))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestHostileManifestIsUnknown(t *testing.T) {
	for _, body := range []string{"not json", `{"schemaVersion":1}`, `{"schemaVersion":2,"mediaType":"text/html"}`,
		`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":"x"}`} {
		_, repo, _ := published(t, hostile(body))
		f := fast().ResolveTag(context.Background(), repo, "evil")
		if f.State != registry.Unknown || !strings.Contains(f.Error, "acme/app") {
			t.Errorf("%q: %+v", body, f)
		}
	}
}

// flaky answers 429 with Retry-After to the first n manifest requests
// once armed (after the fixture is pushed).
type flakyMW struct {
	armed atomic.Bool
	seen  atomic.Int32
}

func flaky(n int32, retryAfter string) (func(http.Handler) http.Handler, *flakyMW) {
	f := &flakyMW{}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if f.armed.Load() && strings.Contains(r.URL.Path, "/manifests/") && f.seen.Add(1) <= n {
				w.Header().Set("Retry-After", retryAfter)
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			next.ServeHTTP(w, r)
		})
	}, f
}

func TestRetryAfterRecovers(t *testing.T) {
	mw, fl := flaky(2, "1")
	_, repo, rel := published(t, mw)
	fl.armed.Store(true)
	f := fast().HeadTag(context.Background(), repo, "2.0.0")
	if f.State != registry.Present || f.Digest != rel.Digest() || fl.seen.Load() != 3 {
		t.Fatalf("%+v after %d requests", f, fl.seen.Load())
	}
}

func TestRetryAfterBeyondDeadlineFailsFast(t *testing.T) {
	mw, fl := flaky(100, "3600")
	_, repo, _ := published(t, mw)
	fl.armed.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	c := registry.New(registry.WithRetry(5, time.Millisecond, 5*time.Millisecond))
	f := c.HeadTag(ctx, repo, "2.0.0")
	if f.State != registry.Unknown || !strings.Contains(f.Error, "429") || !strings.Contains(f.Error, "deadline") || ctx.Err() != nil {
		t.Fatalf("%+v (ctx %v)", f, ctx.Err())
	}
}

func TestRequestsString(t *testing.T) {
	r := registry.Requests{Total: 3, ByMethod: map[string]int{"HEAD": 2, "GET": 1}}
	if r.String() != "3 (GET 1, HEAD 2)" {
		t.Errorf("%q", r.String())
	}
}

func TestGitHubTokenForGHCR(t *testing.T) {
	env := map[string]string{"GITHUB_TOKEN": "tok"}
	kc := registry.Keychain(func(k string) string { return env[k] })
	reg, _ := name.NewRegistry("ghcr.io")
	a, err := kc.Resolve(reg)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := a.Authorization()
	if cfg.Password != "tok" {
		t.Errorf("ghcr.io credentials: %+v", cfg)
	}
	other, _ := name.NewRegistry("registry.example.com")
	a, _ = kc.Resolve(other)
	cfg, _ = a.Authorization()
	if cfg.Password == "tok" {
		t.Error("GITHUB_TOKEN sent to another registry")
	}
}

var _ = remote.Get
