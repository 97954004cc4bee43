// Package ghcrapi is a test double of GitHub's packages API for container
// packages, the part `gate cleanup` uses: GET
// /{orgs|users}/{owner}/packages/container/{package}/versions (paginated
// with per_page and page) and DELETE .../versions/{id}. A package version
// is one manifest (its digest is the version's name) with the tags
// pointing at it, read live from a real registry behind the double (an
// internal/localregistry); deleting a version deletes that manifest there,
// and with it every tag it carries, as GHCR does.
//
// Answers follow the documented ones: 401 without a token, 403 when the
// token lacks delete:packages, 404 for an unknown owner, package or
// version. Test-only: it must never link into a shipped binary.
package ghcrapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Token is an access token and whether it has delete:packages.
type Token struct {
	Value  string
	Delete bool
}

// Server is a running double.
type Server struct {
	URL string

	backend string
	kind    string // "orgs" or "users": how the owner is addressed
	tokens  []Token
	srv     *httptest.Server

	requests atomic.Int64

	mu  sync.Mutex
	ids map[string]int64 // digest -> version id
}

// Option configures a Server.
type Option func(*Server)

// AsUser makes the owners users: /orgs/... answers 404, /users/... serves.
func AsUser() Option { return func(s *Server) { s.kind = "users" } }

// Start serves the double for the registry at backend (its base URL).
func Start(backend string, tokens []Token, opts ...Option) *Server {
	s := &Server{backend: strings.TrimSuffix(backend, "/"), kind: "orgs", tokens: tokens, ids: map[string]int64{}}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the double.
func (s *Server) Close() { s.srv.Close() }

// Requests is how many requests the double has answered.
func (s *Server) Requests() int { return int(s.requests.Load()) }

type version struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Metadata struct {
		PackageType string `json:"package_type"`
		Container   struct {
			Tags []string `json:"tags"`
		} `json:"container"`
	} `json:"metadata"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	// /{kind}/{owner}/packages/container/{package}/versions[/{id}]
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	if len(parts) < 6 || parts[0] != s.kind || parts[2] != "packages" || parts[3] != "container" || parts[5] != "versions" {
		answer(w, http.StatusNotFound, "Not Found")
		return
	}
	tok, ok := s.token(r)
	if !ok {
		answer(w, http.StatusUnauthorized, "Requires authentication")
		return
	}
	owner := parts[1]
	pkg := strings.ReplaceAll(parts[4], "%2F", "/")
	switch {
	case len(parts) == 6 && r.Method == http.MethodGet:
		s.list(w, r, owner+"/"+pkg)
	case len(parts) == 7 && r.Method == http.MethodDelete:
		if !tok.Delete {
			answer(w, http.StatusForbidden, "You need at least delete:packages scope to delete a package version")
			return
		}
		s.delete(w, r, owner+"/"+pkg, parts[6])
	default:
		answer(w, http.StatusNotFound, "Not Found")
	}
}

func (s *Server) token(r *http.Request) (Token, bool) {
	v := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	for _, t := range s.tokens {
		if v != "" && t.Value == v {
			return t, true
		}
	}
	return Token{}, false
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, repo string) {
	vs, status, err := s.versions(r, repo)
	if err != nil {
		answer(w, status, err.Error())
		return
	}
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	per, page = min(max(per, 1), 100), max(page, 1)
	from, to := min((page-1)*per, len(vs)), min(page*per, len(vs))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(vs[from:to])
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, repo, id string) {
	vs, status, err := s.versions(r, repo)
	if err != nil {
		answer(w, status, err.Error())
		return
	}
	i := slices.IndexFunc(vs, func(v version) bool { return strconv.FormatInt(v.ID, 10) == id })
	if i < 0 {
		answer(w, http.StatusNotFound, "Not Found")
		return
	}
	code, err := s.backendDo(r, http.MethodDelete, "/v2/"+repo+"/manifests/"+vs[i].Name, nil)
	if err != nil || code/100 != 2 {
		answer(w, http.StatusInternalServerError, fmt.Sprintf("storage answered %d %v", code, err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// versions groups the backing repository's tags by digest, one version
// per manifest, in a stable order.
func (s *Server) versions(r *http.Request, repo string) ([]version, int, error) {
	var list struct {
		Tags []string `json:"tags"`
	}
	code, err := s.backendDo(r, http.MethodGet, "/v2/"+repo+"/tags/list", &list)
	if err != nil || code == http.StatusNotFound {
		return nil, http.StatusNotFound, fmt.Errorf("package not found")
	}
	byDigest := map[string][]string{}
	for _, t := range list.Tags {
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodHead, s.backend+"/v2/"+repo+"/manifests/"+t, nil)
		req.Header.Set("Accept", "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json,application/vnd.docker.distribution.manifest.list.v2+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, http.StatusBadGateway, err
		}
		resp.Body.Close()
		if d := resp.Header.Get("Docker-Content-Digest"); resp.StatusCode == http.StatusOK && d != "" {
			byDigest[d] = append(byDigest[d], t)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []version
	for d, tags := range byDigest {
		id, ok := s.ids[d]
		if !ok {
			id = int64(1000 + len(s.ids))
			s.ids[d] = id
		}
		v := version{ID: id, Name: d}
		v.Metadata.PackageType = "container"
		slices.Sort(tags)
		v.Metadata.Container.Tags = tags
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b version) int { return int(b.ID - a.ID) })
	return out, 0, nil
}

func (s *Server) backendDo(r *http.Request, method, p string, into any) (int, error) {
	req, err := http.NewRequestWithContext(r.Context(), method, s.backend+p, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if into != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

func answer(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest/packages/packages"})
}
