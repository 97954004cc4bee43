// Package hubapi is a test double of Docker Hub's own API, the part
// `gate cleanup` uses: POST /v2/users/login (user name and token for a
// JWT) and DELETE /v2/repositories/<ns>/<repo>/tags/<tag>/. It answers as
// the documented API does (204 on a deleted tag, 401 for a missing or
// insufficient token, 403 for an immutable tag, 404 for an unknown one)
// and carries a delete out on a real registry behind it (an
// internal/localregistry), so tests see the tag really gone.
//
// Test-only: it must never link into a shipped binary (depcheck_test.go).
package hubapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"sync/atomic"
)

// Account is a Docker Hub user and one of its access tokens.
type Account struct {
	User, Token string
	Delete      bool // the token has the Delete scope
}

// Server is a running double.
type Server struct {
	URL string

	backend   string // http://host:port of the registry behind
	accounts  []Account
	immutable func(repo, tag string) bool
	srv       *httptest.Server
	requests  atomic.Int64

	mu   sync.Mutex
	jwts map[string]Account
}

// Option configures a Server.
type Option func(*Server)

// WithImmutable makes the tags for which match returns true immutable:
// deleting them is refused with 403, as a repository with tag
// immutability answers.
func WithImmutable(match func(repo, tag string) bool) Option {
	return func(s *Server) { s.immutable = match }
}

// Start serves the double for the registry at backend (its base URL).
func Start(backend string, accounts []Account, opts ...Option) *Server {
	s := &Server{backend: strings.TrimSuffix(backend, "/"), accounts: accounts, jwts: map[string]Account{},
		immutable: func(string, string) bool { return false }}
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

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/users/login":
		s.login(w, r)
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v2/repositories/"):
		s.deleteTag(w, r)
	default:
		answer(w, http.StatusNotFound, "object not found")
	}
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var body struct{ Username, Password string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		answer(w, http.StatusBadRequest, "invalid request body")
		return
	}
	for _, a := range s.accounts {
		if a.User == body.Username && a.Token == body.Password {
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			jwt := "hubjwt." + hex.EncodeToString(b)
			s.mu.Lock()
			s.jwts[jwt] = a
			s.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"token": jwt})
			return
		}
	}
	answer(w, http.StatusUnauthorized, "Incorrect authentication credentials")
}

// deleteTag: /v2/repositories/<ns>/<repo>/tags/<tag>/ .
func (s *Server) deleteTag(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2/repositories/"), "/"), "/")
	if len(parts) != 4 || parts[2] != "tags" {
		answer(w, http.StatusNotFound, "object not found")
		return
	}
	repo, tag := path.Join(parts[0], parts[1]), parts[3]
	s.mu.Lock()
	a, ok := s.jwts[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	s.mu.Unlock()
	switch {
	case !ok:
		answer(w, http.StatusUnauthorized, "authentication credentials were not provided")
		return
	case !a.Delete:
		answer(w, http.StatusUnauthorized, "the access token does not have the Delete scope")
		return
	case s.immutable(repo, tag):
		answer(w, http.StatusForbidden, fmt.Sprintf("tag %s is immutable: immutability settings forbid deleting it", tag))
		return
	}
	status, err := s.untag(r, repo, tag)
	switch {
	case err != nil:
		answer(w, http.StatusBadGateway, err.Error())
	case status == http.StatusNotFound:
		answer(w, http.StatusNotFound, "tag not found")
	case status/100 != 2:
		answer(w, http.StatusInternalServerError, fmt.Sprintf("storage answered %d", status))
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) untag(r *http.Request, repo, tag string) (int, error) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodDelete, s.backend+"/v2/"+repo+"/manifests/"+tag, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func answer(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"detail": detail})
}
