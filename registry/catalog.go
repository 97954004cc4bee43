package registry

// Listing what a registry holds: its catalog of repositories and each
// repository's tags, page by page, as the distribution spec describes
// (`n=` asks for a page size, a `Link: <…>; rel="next"` header leads to the
// next page).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// maxListed bounds how many names one listing may return, so a registry
// whose Link headers never end cannot grow the probe without limit. Each
// page's body is bounded like a manifest's.
const maxListed = 1 << 20

// catalogScope is the token scope registries ask for the catalog.
const catalogScope = "registry:catalog:*"

// ParseRegistry parses HOST[:PORT], honouring the client's insecure
// registries.
func (c *Client) ParseRegistry(host string) (name.Registry, error) {
	var nopts []name.Option
	if c.opts.insecure[host] {
		nopts = append(nopts, name.Insecure)
	}
	if host == "" || strings.ContainsAny(host, "/ \t") {
		return name.Registry{}, fmt.Errorf("registry %q: want HOST[:PORT]", host)
	}
	reg, err := name.NewRegistry(host, append(nopts, name.StrictValidation)...)
	if err != nil {
		return name.Registry{}, fmt.Errorf("registry %q: %w", host, err)
	}
	return reg, nil
}

// Catalog lists every repository of reg (GET /v2/_catalog), calling page
// with each page of names in order; an error from page stops the listing
// and is returned. A registry that offers no catalog (Docker Hub and GHCR
// do not) or refuses it gets an error that says so, with the URL and
// status, and the advice to name the images instead.
func (c *Client) Catalog(ctx context.Context, reg name.Registry, page func(repos []string) error) error {
	rc := &repoClient{c: c, repo: name.Repository{Registry: reg}, scopes: []string{catalogScope}, calls: map[string]*call{}}
	first := fmt.Sprintf("%s://%s/v2/_catalog", reg.Scheme(), reg.RegistryStr())
	err := rc.pages(ctx, first, func(body []byte) ([]string, error) {
		var doc struct {
			Repositories *[]string `json:"repositories"`
		}
		if err := json.Unmarshal(body, &doc); err != nil || doc.Repositories == nil {
			return nil, fmt.Errorf("not a catalog (want {\"repositories\": [...]}): %s", registryMessage(body))
		}
		return *doc.Repositories, nil
	}, page)
	if err != nil {
		return catalogAdvice(reg, err)
	}
	return nil
}

// noCatalog are public registries known to offer no catalog endpoint.
var noCatalog = map[string]string{"index.docker.io": "Docker Hub", "registry-1.docker.io": "Docker Hub", "ghcr.io": "GHCR"}

// catalogAdvice explains a refused or missing catalog endpoint.
func catalogAdvice(reg name.Registry, err error) error {
	var fe *FetchError
	if !errors.As(err, &fe) {
		return err
	}
	if who, ok := noCatalog[reg.RegistryStr()]; ok && fe.Status >= 400 && fe.Status < 500 {
		return fmt.Errorf("%w (%s offers no catalog endpoint; name the images to probe instead)", err, who)
	}
	switch fe.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w (the credentials for %s do not allow listing its catalog, or it offers none: "+
			"Docker Hub and GHCR do not; name the images to probe instead)", err, reg.RegistryStr())
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return fmt.Errorf("%w (%s offers no catalog endpoint, as Docker Hub and GHCR do not; name the images to probe instead)",
			err, reg.RegistryStr())
	}
	return err
}

// Tags lists every tag of repo (GET /v2/<name>/tags/list), following
// pagination.
func (c *Client) Tags(ctx context.Context, repo name.Repository) ([]string, error) {
	rc := c.repo(repo)
	var tags []string
	err := rc.pages(ctx, rc.endpoint("tags", "list"), func(body []byte) ([]string, error) {
		var doc struct {
			Tags []string `json:"tags"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, fmt.Errorf("not a tag list (want {\"tags\": [...]}): %s", registryMessage(body))
		}
		return doc.Tags, nil
	}, func(page []string) error {
		tags = append(tags, page...)
		return nil
	})
	return tags, err
}

// pages GETs first with ?n=PAGE and then every page its Link headers lead
// to, decoding each body into names and handing them to page. A registry
// that rejects the page size (400) is asked again without one. Links to
// another host, loops and endless listings are errors naming the URL.
func (r *repoClient) pages(ctx context.Context, first string, decode func([]byte) ([]string, error), page func([]string) error) error {
	next := first + "?n=" + strconv.Itoa(r.c.opts.pageSize)
	seen := map[string]bool{}
	total := 0
	for next != "" {
		if seen[next] {
			return &FetchError{Method: http.MethodGet, URL: next, Err: errors.New("the Link header leads back to a page already read")}
		}
		seen[next] = true
		res, err := r.do(ctx, http.MethodGet, next, "application/json", nil)
		var fe *FetchError
		if len(seen) == 1 && errors.As(err, &fe) && fe.Status == http.StatusBadRequest {
			next = first // the registry's own page size, then
			continue
		}
		if err != nil {
			return err
		}
		names, err := decode(res.body)
		if err != nil {
			return &FetchError{Method: http.MethodGet, URL: next, Status: res.status, Err: err}
		}
		if total += len(names); total > maxListed {
			return &FetchError{Method: http.MethodGet, URL: next, Status: res.status,
				Err: fmt.Errorf("more than %d entries; narrow the probe", maxListed)}
		}
		link, err := nextLink(next, res.header.Values("Link"))
		if err != nil {
			return &FetchError{Method: http.MethodGet, URL: next, Status: res.status, Err: err}
		}
		if link != "" && len(names) == 0 {
			return &FetchError{Method: http.MethodGet, URL: next, Status: res.status,
				Err: errors.New("an empty page whose Link header promises more")}
		}
		if err := page(names); err != nil {
			return err
		}
		next = link
	}
	return nil
}

// nextLink finds the rel="next" target among Link header values and
// resolves it against the page it came with. It must stay on the same
// scheme and host: credentials are never sent elsewhere.
func nextLink(current string, values []string) (string, error) {
	base, err := url.Parse(current)
	if err != nil {
		return "", err
	}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok || !isNextRel(params) {
				continue
			}
			target = strings.TrimSpace(target)
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				return "", fmt.Errorf("malformed Link header %q", v)
			}
			u, err := base.Parse(target[1 : len(target)-1])
			if err != nil {
				return "", fmt.Errorf("malformed Link header %q: %w", v, err)
			}
			if u.Scheme != base.Scheme || u.Host != base.Host {
				return "", fmt.Errorf("the Link header points at another host (%s)", u.Redacted())
			}
			return u.String(), nil
		}
	}
	return "", nil
}

func isNextRel(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "rel") {
			for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
				if strings.EqualFold(rel, "next") {
					return true
				}
			}
		}
	}
	return false
}

// WalkTag GETs a tag's manifest and walks everything it references, as a
// pull of that tag would. A tag the registry lists but does not serve is
// absent, with the answer in Error.
func (c *Client) WalkTag(ctx context.Context, repo name.Repository, tag string) (TagFact, []Object) {
	f := newTagFact(repo, tag)
	m, err := c.repo(repo).get(ctx, tag)
	f = f.fill(m, err)
	switch f.State {
	case Absent:
		f.Error = err.Error()
		return f, nil
	case Present:
		return f, c.Walk(ctx, repo, f.Digest)
	}
	return f, nil
}

// Forget drops what the client cached for repo (its handshake and every
// answer), once nothing more will be asked of it, so a probe over a whole
// catalog holds only the repositories in flight.
func (c *Client) Forget(repo name.Repository) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.repos, repo.Name())
}

// Derive returns a client with the same options and the same request
// counter but its own request slots and caches: one per registry bounds
// each registry's load on its own while the run's counts stay whole.
func (c *Client) Derive() *Client {
	return &Client{opts: c.opts, counter: c.counter, base: c.base, sem: make(chan struct{}, c.opts.jobs), repos: map[string]*repoClient{}}
}

// WithPageSize sets how many names a catalog or tag list page asks for
// (default 1000, the distribution registry's own limit).
func WithPageSize(n int) Option { return func(o *options) { o.pageSize = max(n, 1) } }

// Jobs is how many requests the client keeps in flight at most.
func (c *Client) Jobs() int { return c.opts.jobs }

// Answers returns how many requests got each answer (method and status).
func (c *Client) Answers() map[Answer]int { return c.counter.Answers() }
