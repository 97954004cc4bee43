package registry_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// catalogEnv starts one registry whose catalog pages hold at most four
// repositories, publishes n repositories into it and returns the catalog.
func catalogEnv(t *testing.T, n int) *scenario.Catalog {
	return scenariotest.Catalog(t, n, 1, localregistry.WithCatalogPage(4))
}

func listCatalog(c *registry.Client, host string) ([]string, int, error) {
	reg, err := c.ParseRegistry(host)
	if err != nil {
		return nil, 0, err
	}
	var all []string
	pages := 0
	err = c.Catalog(context.Background(), reg, func(page []string) error {
		pages++
		all = append(all, page...)
		return nil
	})
	return all, pages, err
}

func TestCatalogPaginates(t *testing.T) {
	cat := catalogEnv(t, 9)
	host := cat.Registry.Host
	want := slices.Sorted(slices.Values(cat.Repositories))
	for _, tt := range []struct {
		name  string
		page  int
		pages int
	}{
		{"n within the registry's limit", 4, 3},
		{"n above the registry's limit: asked again without n", 1000, 3},
		{"small pages", 2, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := fast(registry.WithInsecureRegistry(host), registry.WithPageSize(tt.page))
			got, pages, err := listCatalog(c, host)
			if err != nil || !slices.Equal(got, want) || pages != tt.pages {
				t.Fatalf("catalog: %v, %d pages, %v; want %v in %d pages", got, pages, err, want, tt.pages)
			}
		})
	}
}

func TestTagsPaginate(t *testing.T) {
	cat := catalogEnv(t, 1)
	host := cat.Registry.Host
	c := fast(registry.WithInsecureRegistry(host), registry.WithPageSize(2))
	repo, err := c.ParseRepository(host + "/" + cat.Repositories[0])
	if err != nil {
		t.Fatal(err)
	}
	before := c.Requests().ByMethod["GET"]
	tags, err := c.Tags(context.Background(), repo)
	want := slices.Sorted(slices.Values(scenario.CatalogTags))
	if err != nil || !slices.Equal(tags, want) {
		t.Fatalf("tags %v %v, want %v", tags, err, want)
	}
	// 5 tags in pages of 2: 3 pages, plus the handshake's pings.
	if got := c.Requests().ByMethod["GET"] - before; got < 3 || got > 5 {
		t.Errorf("%d GETs for 3 pages", got)
	}
	if n := c.Answers()[registry.Answer{Method: "GET", Code: "200"}]; n < 3 {
		t.Errorf("answers: %v", c.Answers())
	}
}

// catalogAnswer replaces the catalog endpoint's answers.
func catalogAnswer(h http.HandlerFunc) localregistry.Option {
	return localregistry.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/_catalog") {
				h(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
}

// TestCatalogFailsClosed: every way a catalog can fail is an error naming
// the URL and what went wrong, never a short list.
func TestCatalogFailsClosed(t *testing.T) {
	tests := []struct {
		name   string
		answer http.HandlerFunc
		want   []string
	}{
		{"no catalog endpoint", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"errors":[{"code":"NOT_FOUND"}]}`, http.StatusNotFound)
		}, []string{"/v2/_catalog?n=1000: 404 Not Found", "offers no catalog endpoint", "name the images"}},
		{"refused", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED"}]}`, http.StatusUnauthorized)
		}, []string{"401 Unauthorized", "do not allow listing its catalog", "Docker Hub and GHCR"}},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, []string{"500 Internal Server Error", "after 4 attempts"}},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<html>login</html>")
		}, []string{"200 OK", "not a catalog", "<html>login</html>"}},
		{"JSON of another shape", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"repos":["a"]}`)
		}, []string{"not a catalog"}},
		{"Link loop", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `</v2/_catalog?n=1000>; rel="next"`)
			fmt.Fprint(w, `{"repositories":["a"]}`)
		}, []string{"leads back to a page already read"}},
		{"Link to another host", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `<https://elsewhere.example/v2/_catalog?last=a>; rel="next"`)
			fmt.Fprint(w, `{"repositories":["a"]}`)
		}, []string{"points at another host (https://elsewhere.example"}},
		{"endless empty pages", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", fmt.Sprintf(`</v2/_catalog?last=%s0>; rel="next"`, r.URL.Query().Get("last")))
			fmt.Fprint(w, `{"repositories":[]}`)
		}, []string{"empty page whose Link header promises more"}},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"repositories":["`)
			chunk := strings.Repeat("a", 64<<10)
			for range 100 {
				if _, err := fmt.Fprint(w, chunk); err != nil {
					return
				}
			}
		}, []string{"body larger than"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := scenariotest.StartEnv(1, catalogAnswer(tt.answer))
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			host := env.Registries[0].Host
			got, _, err := listCatalog(fast(registry.WithInsecureRegistry(host)), host)
			if err == nil {
				t.Fatalf("no error; listed %v", got)
			}
			for _, w := range append(tt.want, "GET http://"+host+"/v2/_catalog") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestWalkTag(t *testing.T) {
	cat := catalogEnv(t, 1)
	host, path := cat.Registry.Host, cat.Repositories[0]
	if err := cat.DeleteLayer(context.Background(), path, 2, "linux/arm64", 1); err != nil {
		t.Fatal(err)
	}
	c := fast(registry.WithInsecureRegistry(host))
	repo, _ := c.ParseRepository(host + "/" + path)
	ctx := context.Background()
	f, objs := c.WalkTag(ctx, repo, "1.0.0")
	if f.State != registry.Present || len(objs) != 9 || notPresent(objs) != 0 {
		t.Fatalf("1.0.0: %+v, %d objects, %d not present", f, len(objs), notPresent(objs))
	}
	// latest is release 2, whose arm64 layer is gone.
	f, objs = c.WalkTag(ctx, repo, "latest")
	if f.State != registry.Present || notPresent(objs) != 1 {
		t.Fatalf("latest: %+v %+v", f, objs)
	}
	// 1.1 shares latest's index: the walk reuses every answer.
	before := c.Requests().Total
	if _, objs = c.WalkTag(ctx, repo, "1.1"); notPresent(objs) != 1 {
		t.Fatalf("1.1: %+v", objs)
	}
	if sent := c.Requests().Total - before; sent != 1 {
		t.Errorf("walking a tag that shares an index sent %d requests, want 1 (its manifest)", sent)
	}
	f, _ = c.WalkTag(ctx, repo, "9.9.9")
	if f.State != registry.Absent || !strings.Contains(f.Error, "404 Not Found") {
		t.Errorf("absent tag: %+v", f)
	}
}

func notPresent(objs []registry.Object) int {
	n := 0
	for _, o := range objs {
		if o.State != registry.Present {
			n++
		}
	}
	return n
}

// TestNoCatalogAdvice: Docker Hub and GHCR are named as registries
// without a catalog whatever they answer.
func TestNoCatalogAdvice(t *testing.T) {
	for host, who := range map[string]string{"docker.io": "Docker Hub", "ghcr.io": "GHCR", "registry.example.com": ""} {
		reg, err := registry.New().ParseRegistry(host)
		if err != nil {
			t.Fatal(err)
		}
		got := registry.CatalogAdvice(reg, &registry.FetchError{Method: "GET", URL: "https://" + host + "/v2/_catalog", Status: 401}).Error()
		want := who + " offers no catalog endpoint"
		if who == "" {
			want = "do not allow listing its catalog"
		}
		if !strings.Contains(got, want) || !strings.Contains(got, "401 Unauthorized") {
			t.Errorf("%s: %s", host, got)
		}
	}
}

func TestParseRegistry(t *testing.T) {
	c := registry.New(registry.WithInsecureRegistry("127.0.0.1:5000"))
	for _, tt := range []struct {
		host, scheme string
		ok           bool
	}{
		{"127.0.0.1:5000", "http", true},
		{"registry.example.com", "https", true},
		{"registry.example.com/acme", "", false},
		{"", "", false},
		{"bad host", "", false},
	} {
		reg, err := c.ParseRegistry(tt.host)
		if (err == nil) != tt.ok || (tt.ok && reg.Scheme() != tt.scheme) {
			t.Errorf("%q: %v %v", tt.host, reg, err)
		}
	}
}

// TestPlainHTTPFallbackIsNotAnError: go-containerregistry pings a
// plain-HTTP registry over HTTPS first and then over HTTP. That first
// answer is counted as a fallback, so a healthy probe of such a registry
// shows no request without an answer.
func TestPlainHTTPFallbackIsNotAnError(t *testing.T) {
	cat := catalogEnv(t, 1)
	host := cat.Registry.Host
	c := fast(registry.WithInsecureRegistry(host))
	repo, err := c.ParseRepository(host + "/" + cat.Repositories[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tags(context.Background(), repo); err != nil {
		t.Fatal(err)
	}
	answers := c.Answers()
	for a, n := range answers {
		if a.Code == "error" {
			t.Errorf("%d %s requests counted as unanswered on a healthy registry: %v", n, a.Method, answers)
		}
	}
	if answers[registry.Answer{Method: "GET", Code: registry.HTTPFallback}] == 0 {
		t.Errorf("the HTTPS ping a plain-HTTP registry answered is not counted as %s: %v", registry.HTTPFallback, answers)
	}
}
