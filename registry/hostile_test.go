package registry_test

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
)

// route is a crafted answer for one path suffix (a tag or a digest).
type route struct {
	body      []byte
	mediaType string
	digest    string // Docker-Content-Digest; "" for none
}

// serving answers GET and HEAD for the routes' paths and passes the rest
// to the registry.
func serving(routes map[string]route) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for suffix, rt := range routes {
				if strings.HasSuffix(r.URL.Path, suffix) {
					w.Header().Set("Content-Type", rt.mediaType)
					if rt.digest != "" {
						w.Header().Set("Docker-Content-Digest", rt.digest)
					}
					w.Header().Set("Content-Length", fmt.Sprint(len(rt.body)))
					if r.Method == http.MethodGet {
						_, _ = w.Write(rt.body)
					}
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func sha256Of(b []byte) string { s := sha256.Sum256(b); return "sha256:" + hex.EncodeToString(s[:]) }
func sha512Of(b []byte) string { s := sha512.Sum512(b); return "sha512:" + hex.EncodeToString(s[:]) }

// craftedIndex is an OCI index over the given children (digest, size).
func craftedIndex(children ...v1.Descriptor) []byte {
	type desc struct {
		MediaType string       `json:"mediaType"`
		Digest    string       `json:"digest"`
		Size      int64        `json:"size"`
		Platform  *v1.Platform `json:"platform,omitempty"`
	}
	idx := struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Manifests     []desc `json:"manifests"`
	}{2, "application/vnd.oci.image.index.v1+json", []desc{}}
	for _, c := range children {
		idx.Manifests = append(idx.Manifests, desc{string(c.MediaType), c.Digest.String(), c.Size, c.Platform})
	}
	b, _ := json.Marshal(idx)
	return b
}

const imageManifest = "application/vnd.oci.image.manifest.v1+json"

// TestDigestAlgorithms: an index child referenced by sha512 is verified
// in sha512; content under an algorithm releasegate cannot verify, or a
// malformed digest, is unknown (unverifiable), never present.
func TestDigestAlgorithms(t *testing.T) {
	rel, err := scenario.Build(7, []string{"linux/amd64", "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	child, _ := rel.Images["linux/arm64"].RawManifest()
	corrupt := append([]byte(strings.Clone(string(child))), ' ')
	desc := func(digest string) v1.Descriptor {
		return v1.Descriptor{MediaType: imageManifest, Size: int64(len(child)), Digest: v1.Hash{Algorithm: strings.Split(digest, ":")[0], Hex: strings.Split(digest, ":")[1]},
			Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}
	}
	tests := []struct {
		name     string
		child    string // the digest the index gives its child
		served   []byte // what the registry serves for it
		state    string // of the child, or of the index when the child is never reached
		errorHas string
	}{
		{"sha512 child, bytes match", sha512Of(child), child, registry.Present, ""},
		{"sha512 child, bytes differ", sha512Of(child), corrupt, registry.Unknown, "does not match its digest"},
		{"sha512 child, bytes of another image", sha512Of(child), []byte(`{"schemaVersion":2}`), registry.Unknown, "does not match its digest"},
		{"sha384 child", "sha384:" + strings.Repeat("ab", 48), child, registry.Unknown, "sha384"},
		{"upper-case hex", "sha256:" + strings.ToUpper(strings.TrimPrefix(sha256Of(child), "sha256:")), child, registry.Unknown, "hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := craftedIndex(desc(tt.child))
			_, repo, _ := published(t, serving(map[string]route{
				"/manifests/evil":             {idx, "application/vnd.oci.image.index.v1+json", ""},
				"/manifests/" + sha256Of(idx): {idx, "application/vnd.oci.image.index.v1+json", sha256Of(idx)},
				"/manifests/" + tt.child:      {tt.served, imageManifest, ""},
			}))
			c := fast()
			objs := c.Walk(context.Background(), repo, sha256Of(idx))
			var got *registry.Object
			for i, o := range objs {
				if o.Digest == tt.child || (got == nil && o.Kind == "index" && o.State != registry.Present) {
					got = &objs[i]
				}
			}
			if got == nil {
				t.Fatalf("neither the child nor a failed index in %+v", objs)
			}
			if got.State != tt.state || !strings.Contains(got.Error, tt.errorHas) {
				t.Fatalf("%s %s: state %s (%s), want %s with %q", got.Kind, got.Digest, got.State, got.Error, tt.state, tt.errorHas)
			}
			if tt.state == registry.Present {
				for _, o := range objs {
					if o.State != registry.Present {
						t.Errorf("%s %s: %s %s", o.Kind, o.Digest, o.State, o.Error)
					}
				}
			}
		})
	}
}

// A digest reference releasegate cannot verify is unknown before anything
// is sent.
func TestUnverifiableReferences(t *testing.T) {
	_, repo, _ := published(t, nil)
	for _, ref := range []string{"sha384:" + strings.Repeat("ab", 48), "sha256:abc", "sha512:" + strings.Repeat("AB", 64)} {
		c := fast()
		for _, f := range []registry.TagFact{c.HeadTag(context.Background(), repo, ref), c.ResolveTag(context.Background(), repo, ref)} {
			if f.State != registry.Unknown || !strings.Contains(f.Error, "digest") {
				t.Errorf("%s: %+v", ref, f)
			}
		}
		if n := c.Requests().Total; n != 0 {
			t.Errorf("%s: %d requests sent", ref, n)
		}
	}
}

// TestWalkBlobChecks: the integrity walk's HEAD of a blob is a mismatch
// when the registry serves other content under the digest (same
// algorithm) or a size other than the manifest's.
func TestWalkBlobChecks(t *testing.T) {
	rel, err := scenario.Build(7, []string{"linux/amd64", "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := rel.Images["linux/amd64"].Layers()
	target, _ := layers[0].Digest()
	size, _ := layers[0].Size()
	other := sha256Of([]byte("something else"))
	tests := []struct {
		name          string
		digest, size  string
		state, errHas string
	}{
		{"honest", target.String(), fmt.Sprint(size), registry.Present, ""},
		{"other content under the digest", other, fmt.Sprint(size), registry.Mismatch, "registry serves digest " + other},
		{"other size", target.String(), fmt.Sprint(size + 1), registry.Mismatch, fmt.Sprintf("size %d, manifest says %d", size+1, size)},
		{"digest in another algorithm says nothing", sha512Of([]byte("x")), fmt.Sprint(size), registry.Present, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var armed atomic.Bool // after the push, which HEADs blobs too
			mw := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if armed.Load() && r.Method == http.MethodHead && strings.HasSuffix(r.URL.Path, "/blobs/"+target.String()) {
						w.Header().Set("Docker-Content-Digest", tt.digest)
						w.Header().Set("Content-Length", tt.size)
						w.WriteHeader(http.StatusOK)
						return
					}
					next.ServeHTTP(w, r)
				})
			}
			_, repo, pub := published(t, mw)
			armed.Store(true)
			objs := fast().Walk(context.Background(), repo, pub.Digest())
			for _, o := range objs {
				if o.Digest != target.String() {
					if o.State != registry.Present {
						t.Errorf("%s %s: %s", o.Kind, o.Digest, o.State)
					}
					continue
				}
				if o.State != tt.state || !strings.Contains(o.Error, tt.errHas) {
					t.Errorf("layer: %s %q, want %s with %q", o.State, o.Error, tt.state, tt.errHas)
				}
			}
		})
	}
}

// endless writes until the client goes away and counts what it wrote.
func endless(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) {
	chunk := []byte(strings.Repeat("x", 32<<10))
	for r.Context().Err() == nil {
		n, err := w.Write(chunk)
		sent.Add(int64(n))
		if err != nil || sent.Load() > 1<<30 {
			return
		}
	}
}

// endlessPing answers the ping with status and a body without end.
func endlessPing(status int) func(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) bool {
	return func(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) bool {
		if r.URL.Path != "/v2/" {
			return false
		}
		w.WriteHeader(status)
		endless(w, r, sent)
		return true
	}
}

// tokenService challenges the ping with a bearer realm on the registry's
// host, whose /token answers status, endlessly when asked.
func tokenService(status int, endlessBody bool) func(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) bool {
	return func(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) bool {
		switch r.URL.Path {
		case "/v2/":
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="http://%s/token",service="test"`, r.Host))
			w.WriteHeader(http.StatusUnauthorized)
		case "/token":
			w.WriteHeader(status)
			if endlessBody {
				endless(w, r, sent)
			}
		default:
			return false
		}
		return true
	}
}

// TestHandshakeBounds: the ping, token and error answers are read up to a
// cap; a handshake that cannot succeed is tried once; a token failure
// names the token URL.
func TestHandshakeBounds(t *testing.T) {
	tests := []struct {
		name string
		// answer handles /v2/ and /token, or returns false to pass on.
		answer   func(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) bool
		state    string
		errHas   []string
		attempts int // pings sent
	}{
		{"endless ping body", endlessPing(http.StatusOK), registry.Present, nil, 1},
		{"endless error body", endlessPing(http.StatusForbidden), registry.Unknown, []string{"/v2/", "403"}, 1},
		{"endless token body", tokenService(http.StatusOK, true), registry.Unknown,
			[]string{"GET http://127.0.0.1", "/token: 200 OK", "more than 32768 bytes"}, 1},
		{"token refused", tokenService(http.StatusUnauthorized, false), registry.Unknown, []string{"/token", "401"}, 1},
		{"realm the transport refuses", func(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) bool {
			if r.URL.Path != "/v2/" {
				return false
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="http://10.1.2.3/token",service="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return true
		}, registry.Unknown, []string{"realm"}, 1},
		{"ping 503 is retried", func(w http.ResponseWriter, r *http.Request, sent *atomic.Int64) bool {
			if r.URL.Path != "/v2/" {
				return false
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}, registry.Unknown, []string{"/v2/", "503", "after 4 attempts"}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent atomic.Int64
			var pings atomic.Int32
			var armed atomic.Bool
			mw := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if armed.Load() {
						if r.URL.Path == "/v2/" {
							pings.Add(1)
						}
						if tt.answer(w, r, &sent) {
							return
						}
					}
					next.ServeHTTP(w, r)
				})
			}
			_, repo, _ := published(t, mw)
			armed.Store(true)
			f := fast().HeadTag(context.Background(), repo, "2.0.0")
			if f.State != tt.state {
				t.Fatalf("%+v", f)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(f.Error, s) {
					t.Errorf("error %q does not contain %q", f.Error, s)
				}
			}
			if n := pings.Load(); int(n) != tt.attempts {
				t.Errorf("%d pings, want %d", n, tt.attempts)
			}
			// The server may have buffered some before the client hung up.
			if n := sent.Load(); n > 8<<20 {
				t.Errorf("the client read on: the server wrote %d MiB", n>>20)
			}
		})
	}
}

// TestWalkBounds: an index listing more children than releasegate walks,
// and a run past its object budget, are unknown, not silently cut.
func TestWalkBounds(t *testing.T) {
	var kids []v1.Descriptor
	for i := range 10000 {
		d := sha256Of([]byte(fmt.Sprint(i)))
		kids = append(kids, v1.Descriptor{MediaType: imageManifest, Size: 100, Digest: v1.Hash{Algorithm: "sha256", Hex: d[7:]}})
	}
	idx := craftedIndex(kids...)
	_, repo, _ := published(t, serving(map[string]route{
		"/manifests/wide":             {idx, "application/vnd.oci.image.index.v1+json", ""},
		"/manifests/" + sha256Of(idx): {idx, "application/vnd.oci.image.index.v1+json", ""},
	}))
	c := fast()
	objs := c.Walk(context.Background(), repo, sha256Of(idx))
	if len(objs) != 1 || objs[0].State != registry.Unknown || !strings.Contains(objs[0].Error, "lists 10000 manifests, more than the 1000") {
		t.Fatalf("%d objects: %+v", len(objs), objs[0])
	}
	if f := c.ResolveTag(context.Background(), repo, "wide"); f.State != registry.Unknown || !strings.Contains(f.Error, "more than the 1000") {
		t.Errorf("resolve: %+v", f)
	}
	if n := c.Requests().Total; n > 4 {
		t.Errorf("%d requests for an index that is not walked", n)
	}

	_, repo2, rel := published(t, nil)
	small := fast(registry.WithWalkLimits(1000, 4))
	objs = small.Walk(context.Background(), repo2, rel.Digest())
	unknown := 0
	for _, o := range objs {
		if o.State == registry.Unknown && strings.Contains(o.Error, "reached its bound of 4 objects") {
			unknown++
		}
	}
	if unknown == 0 {
		t.Fatalf("no object says the walk stopped: %+v", objs)
	}
}

// TestTransportRetries: requests through Transport() (attestation
// discovery) are retried like the client's own on 5xx, never on 404, and
// counted.
func TestTransportRetries(t *testing.T) {
	var manifestGets atomic.Int32
	var fail atomic.Int32
	mw := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/manifests/") && r.Method == http.MethodGet {
				manifestGets.Add(1)
				if fail.Add(-1) >= 0 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	_, repo, rel := published(t, mw)
	c := fast()
	fail.Store(2)
	ref, _ := name.ParseReference(repo.Name()+":2.0.0", name.Insecure)
	d, err := remote.Get(ref, c.RemoteOptions()...)
	if err != nil || d.Digest.String() != rel.Digest() {
		t.Fatalf("after two 503s: %v %v", d, err)
	}
	if n := manifestGets.Load(); n != 3 {
		t.Errorf("%d manifest GETs, want 3 (two 503s, then the answer)", n)
	}
	if c.Requests().ByMethod["GET"] < 3 {
		t.Errorf("requests not counted: %v", c.Requests())
	}
	manifestGets.Store(0)
	missing, _ := name.ParseReference(repo.Name()+":9.9.9", name.Insecure)
	if _, err := remote.Get(missing, c.RemoteOptions()...); err == nil {
		t.Fatal("a missing tag was found")
	}
	if n := manifestGets.Load(); n != 1 {
		t.Errorf("%d GETs for a 404, want 1", n)
	}
}
