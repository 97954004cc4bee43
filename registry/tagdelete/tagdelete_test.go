package tagdelete_test

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/internal/ghcrapi"
	"github.com/releasegate/releasegate/internal/hubapi"
	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/tagdelete"
	"github.com/releasegate/releasegate/scenario"
)

// fixture is one registry:2 with acme/app holding a per-arch tag
// (2.0.0-amd64) and, for some cases, latest on the same image.
type fixture struct {
	reg    *localregistry.Registry
	image  string
	rel    *scenario.Release
	amd64  string // digest of the amd64 image
	client *registry.Client
}

const archTag = "2.0.0-amd64"

// middlewares shape how the registry answers deletes: as distribution
// does, or as a registry that deletes only by digest, or one that keeps
// tags immutable.
var (
	asIs       = func(h http.Handler) http.Handler { return h }
	digestOnly = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/manifests/") && !strings.Contains(r.URL.Path, "sha256:") {
				w.WriteHeader(http.StatusMethodNotAllowed)
				_, _ = w.Write([]byte(`{"errors":[{"code":"UNSUPPORTED","message":"delete by digest only"}]}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	immutable = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete {
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"errors":[{"code":"DENIED","message":"tag is immutable"}]}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
)

func newFixture(t *testing.T, mw func(http.Handler) http.Handler, alsoLatest bool) *fixture {
	t.Helper()
	reg, err := localregistry.Start(t.TempDir(), localregistry.WithMiddleware(mw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	rel, err := scenario.Build(7, []string{"linux/amd64", "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{reg: reg, image: reg.Host + "/acme/app", rel: rel, amd64: rel.PlatformDigest("linux/amd64")}
	pub := scenario.Publisher{}
	if err := pub.PushArch(f.image, rel, "linux/amd64", archTag); err != nil {
		t.Fatal(err)
	}
	if alsoLatest {
		if err := pub.PushArch(f.image, rel, "linux/amd64", "latest"); err != nil {
			t.Fatal(err)
		}
	}
	f.client = registry.New(registry.WithInsecureRegistry(reg.Host), registry.WithDeleteScope(), registry.WithRetry(2, time.Millisecond, time.Millisecond))
	return f
}

func (f *fixture) state(t *testing.T, tag string) registry.TagFact {
	t.Helper()
	c := registry.New(registry.WithInsecureRegistry(f.reg.Host))
	repo, err := c.ParseRepository(f.image)
	if err != nil {
		t.Fatal(err)
	}
	return c.ResolveNow(context.Background(), repo, tag)
}

func TestCompareAndDeleteOCI(t *testing.T) {
	other := strings.Repeat("ab", 32)
	tests := []struct {
		name       string
		mw         func(http.Handler) http.Handler
		alsoLatest bool
		want       string // "" = the recorded digest
		outcome    tagdelete.Outcome
		via        string
		tagLeft    bool // the tag still exists afterwards
	}{
		{name: "tag deleted", mw: asIs, outcome: tagdelete.Deleted, via: "tag"},
		{name: "tag deleted, latest on the same image stays", mw: asIs, alsoLatest: true, outcome: tagdelete.Deleted, via: "tag"},
		{name: "moved since recorded: kept", mw: asIs, want: "sha256:" + other, outcome: tagdelete.Moved, tagLeft: true},
		{name: "digest-only registry: deleted by digest", mw: digestOnly, outcome: tagdelete.Deleted, via: "digest"},
		{name: "digest-only registry, digest shared with latest: kept", mw: digestOnly, alsoLatest: true, outcome: tagdelete.Shared, via: "digest", tagLeft: true},
		{name: "immutable: refused with the manual step", mw: immutable, outcome: tagdelete.Refused, via: "tag", tagLeft: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.mw, tt.alsoLatest)
			want := tt.want
			if want == "" {
				want = f.amd64
			}
			d := tagdelete.New(f.client)
			res := d.CompareAndDelete(context.Background(), tagdelete.Target{Image: f.image, Tag: archTag, Digest: want})
			if res.Outcome != tt.outcome || res.Via != tt.via {
				t.Fatalf("outcome %s via %q (%s), want %s via %q", res.Outcome, res.Via, res.Message, tt.outcome, tt.via)
			}
			if left := f.state(t, archTag).State == registry.Present; left != tt.tagLeft {
				t.Errorf("tag left = %v, want %v", left, tt.tagLeft)
			}
			if tt.alsoLatest && f.state(t, "latest").Digest != f.amd64 {
				t.Error("latest no longer points at the image: deleting took it with it")
			}
			if (tt.outcome == tagdelete.Refused || tt.outcome == tagdelete.Shared) && res.Manual == "" {
				t.Error("a kept tag names no manual step")
			}
			// A second run finds nothing more to do.
			if tt.outcome == tagdelete.Deleted {
				again := d.CompareAndDelete(context.Background(), tagdelete.Target{Image: f.image, Tag: archTag, Digest: want})
				if again.Outcome != tagdelete.Gone {
					t.Errorf("second run: %s (%s), want gone", again.Outcome, again.Message)
				}
			}
		})
	}
}

func TestCompareAndDeleteHub(t *testing.T) {
	tests := []struct {
		name      string
		token     string
		immutable bool
		outcome   tagdelete.Outcome
	}{
		{"delete-scoped token", "tok-delete", false, tagdelete.Deleted},
		{"read-write token: 401", "tok-rw", false, tagdelete.Refused},
		{"wrong token: login refused", "nope", false, tagdelete.Refused},
		{"immutable tag: 403", "tok-delete", true, tagdelete.Refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, asIs, false)
			hub := hubapi.Start(f.reg.URL, []hubapi.Account{{User: "acme", Token: "tok-rw"}, {User: "acme", Token: "tok-delete", Delete: true}},
				hubapi.WithImmutable(func(string, string) bool { return tt.immutable }))
			defer hub.Close()
			d := tagdelete.New(f.client, tagdelete.WithMechanism(f.reg.Host, tagdelete.Hub), tagdelete.WithHub(hub.URL, "acme", tt.token))
			res := d.CompareAndDelete(context.Background(), tagdelete.Target{Image: f.image, Tag: archTag, Digest: f.amd64})
			if res.Outcome != tt.outcome {
				t.Fatalf("outcome %s (%s), want %s", res.Outcome, res.Message, tt.outcome)
			}
			gone := f.state(t, archTag).State == registry.Absent
			if gone != (tt.outcome == tagdelete.Deleted) {
				t.Errorf("tag gone = %v after %s", gone, res.Outcome)
			}
			if tt.outcome == tagdelete.Refused && (!strings.Contains(res.Manual, f.amd64) || !strings.Contains(res.Message, hub.URL)) {
				t.Errorf("refusal names no digest or URL: %+v", res)
			}
		})
	}
}

func TestCompareAndDeleteGHCR(t *testing.T) {
	tests := []struct {
		name       string
		token      string
		asUser     bool
		alsoLatest bool
		outcome    tagdelete.Outcome
	}{
		{"organisation package", "gh-delete", false, false, tagdelete.Deleted},
		{"user package (orgs answers 404)", "gh-delete", true, false, tagdelete.Deleted},
		{"version also carries latest: kept", "gh-delete", false, true, tagdelete.Shared},
		{"token without delete:packages", "gh-read", false, false, tagdelete.Refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, asIs, tt.alsoLatest)
			var opts []ghcrapi.Option
			if tt.asUser {
				opts = append(opts, ghcrapi.AsUser())
			}
			gh := ghcrapi.Start(f.reg.URL, []ghcrapi.Token{{Value: "gh-read"}, {Value: "gh-delete", Delete: true}}, opts...)
			defer gh.Close()
			d := tagdelete.New(f.client, tagdelete.WithMechanism(f.reg.Host, tagdelete.GHCR), tagdelete.WithGHCR(gh.URL, tt.token))
			res := d.CompareAndDelete(context.Background(), tagdelete.Target{Image: f.image, Tag: archTag, Digest: f.amd64})
			if res.Outcome != tt.outcome {
				t.Fatalf("outcome %s (%s), want %s", res.Outcome, res.Message, tt.outcome)
			}
			if gone := f.state(t, archTag).State == registry.Absent; gone != (tt.outcome == tagdelete.Deleted) {
				t.Errorf("tag gone = %v after %s", gone, res.Outcome)
			}
			if tt.alsoLatest && (f.state(t, "latest").State != registry.Present || !strings.Contains(res.Manual, "gh api -X DELETE")) {
				t.Errorf("latest lost or no manual step: %+v", res)
			}
		})
	}
}

// apiDouble is Docker Hub's or GitHub's API double for the fixture's
// registry, behind a fault proxy, and the Deleter options that reach it.
type apiDouble struct {
	mech tagdelete.Mechanism
	// clean is what one delete costs with no fault, in client requests
	// by method other than HEAD: the registry's two GETs (its ping, over
	// HTTPS then HTTP) and the API's requests.
	clean map[string]int
	// before is the API request sent before the delete: the login, the
	// version listing.
	before string
	start  func(t *testing.T, f *fixture, rules ...faultproxy.Rule) []tagdelete.Option
}

func behindProxy(t *testing.T, url string, rules []faultproxy.Rule) string {
	t.Helper()
	p, err := faultproxy.Start(url, faultproxy.WithRules(rules...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p.URL
}

var apiDoubles = []apiDouble{
	{mech: tagdelete.Hub, clean: map[string]int{"GET": 2, "POST": 1, "DELETE": 1}, before: http.MethodPost,
		start: func(t *testing.T, f *fixture, rules ...faultproxy.Rule) []tagdelete.Option {
			hub := hubapi.Start(f.reg.URL, []hubapi.Account{{User: "acme", Token: "tok-delete", Delete: true}})
			t.Cleanup(hub.Close)
			return []tagdelete.Option{tagdelete.WithMechanism(f.reg.Host, tagdelete.Hub), tagdelete.WithHub(behindProxy(t, hub.URL, rules), "acme", "tok-delete")}
		}},
	{mech: tagdelete.GHCR, clean: map[string]int{"GET": 3, "DELETE": 1}, before: http.MethodGet,
		start: func(t *testing.T, f *fixture, rules ...faultproxy.Rule) []tagdelete.Option {
			gh := ghcrapi.Start(f.reg.URL, []ghcrapi.Token{{Value: "gh-delete", Delete: true}})
			t.Cleanup(gh.Close)
			return []tagdelete.Option{tagdelete.WithMechanism(f.reg.Host, tagdelete.GHCR), tagdelete.WithGHCR(behindProxy(t, gh.URL, rules), "gh-delete")}
		}},
}

// TestAPIRetries: Docker Hub's and GitHub's API calls are retried and
// counted as registry requests are. The client makes 3 attempts, gives
// each 1s and honours Retry-After up to 150ms.
func TestAPIRetries(t *testing.T) {
	const maxWait, attemptTimeout = 150 * time.Millisecond, time.Second
	tests := []struct {
		name    string
		fault   faultproxy.Fault
		times   int    // 0: every matching request
		method  string // the faulted request: "" the delete, "before" the one before it, "nothing" none
		outcome tagdelete.Outcome
		extra   int           // attempts of that method beyond a clean run
		message string        // in the result's message
		waits   time.Duration // what the delete must wait, and not much longer: the Retry-After bound, the attempt timeout
	}{
		{name: "no fault", fault: faultproxy.Status503, times: 1, method: "nothing", outcome: tagdelete.Deleted},
		{name: "503 once, then deleted", fault: faultproxy.Status503, times: 1, outcome: tagdelete.Deleted, extra: 1},
		{name: "429 with Retry-After: waits the bound, then deleted", fault: faultproxy.Status429, times: 1, outcome: tagdelete.Deleted, extra: 1, waits: maxWait},
		{name: "reset before the delete's answer, then deleted", fault: faultproxy.Reset, times: 1, outcome: tagdelete.Deleted, extra: 1},
		{name: "the delete stalls once: retried after the attempt timeout, then deleted", fault: faultproxy.Stall, times: 1, outcome: tagdelete.Deleted, extra: 1, waits: attemptTimeout},
		{name: "endless 500: failed after the attempts", fault: faultproxy.Status500, outcome: tagdelete.Failed, extra: 2,
			message: "500 Internal Server Error: " + `{"errors":[{"code":"UNKNOWN","message":"injected server error"}]} (after 3 attempts)`},
		{name: "answer lost after the delete: the retry's 404 is gone", fault: faultproxy.Lost, times: 1, outcome: tagdelete.Gone, extra: 1,
			message: "(on attempt 2): an earlier attempt got no usable answer"},
		{name: "401: refused, not retried", fault: faultproxy.Status401, outcome: tagdelete.Refused, message: "401 Unauthorized"},
		{name: "the request before the delete reset once, then deleted", fault: faultproxy.Reset, times: 1, method: "before", outcome: tagdelete.Deleted, extra: 1},
		{name: "the request before the delete: endless 503, failed", fault: faultproxy.Status503, method: "before", outcome: tagdelete.Failed, extra: 2,
			message: "503 Service Unavailable"},
	}
	for _, api := range apiDoubles {
		for _, tt := range tests {
			t.Run(string(api.mech)+"/"+tt.name, func(t *testing.T) {
				f := newFixture(t, asIs, false)
				f.client = registry.New(registry.WithInsecureRegistry(f.reg.Host), registry.WithDeleteScope(),
					registry.WithRetry(3, time.Millisecond, time.Millisecond), registry.WithMaxRetryAfter(maxWait), registry.WithAttemptTimeout(attemptTimeout))
				method := map[string]string{"": http.MethodDelete, "before": api.before}[tt.method]
				rule := faultproxy.Rule{Fault: tt.fault, Times: tt.times, Match: func(r *http.Request) bool { return r.Method == method }}
				d := tagdelete.New(f.client, api.start(t, f, rule)...)
				start := time.Now()
				res := d.CompareAndDelete(context.Background(), tagdelete.Target{Image: f.image, Tag: archTag, Digest: f.amd64})
				took := time.Since(start)
				if res.Outcome != tt.outcome || !strings.Contains(res.Message, tt.message) {
					t.Fatalf("outcome %s (%s), want %s with %q", res.Outcome, res.Message, tt.outcome, tt.message)
				}
				if gone := f.state(t, archTag).State == registry.Absent; gone != (tt.outcome == tagdelete.Deleted || tt.outcome == tagdelete.Gone) {
					t.Errorf("tag gone = %v after %s", gone, res.Outcome)
				}
				if tt.outcome == tagdelete.Failed && !strings.Contains(res.Message, "http://") {
					t.Errorf("the failure names no URL: %s", res.Message)
				}
				if tt.outcome == tagdelete.Refused && res.Manual == "" {
					t.Error("a refusal names no manual step")
				}
				want := maps.Clone(api.clean)
				if method != "" {
					want[method] += tt.extra
				}
				if tt.outcome != tagdelete.Deleted && tt.outcome != tagdelete.Gone && tt.method == "before" {
					delete(want, http.MethodDelete) // it never got that far
				}
				got := f.client.Requests().ByMethod
				delete(got, http.MethodHead) // the resolve before the delete
				if !maps.Equal(got, want) {
					t.Errorf("client requests %v, want %v", got, want)
				}
				// The slack is well below the 1s Retry-After the proxy asks for.
				if slack := 700 * time.Millisecond; took < tt.waits || took > tt.waits+slack {
					t.Errorf("took %s, want %s to %s (Retry-After bounded by %s, an attempt by %s)", took, tt.waits, tt.waits+slack, maxWait, attemptTimeout)
				}
			})
		}
	}
}
