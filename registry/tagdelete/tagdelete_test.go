package tagdelete_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

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
