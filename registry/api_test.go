package registry_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/releasegate/releasegate/registry"
)

// TestSendRepeatable: an API answer is read only up to its cap, a
// request's body is sent whole on every attempt, and every attempt is
// counted.
func TestSendRepeatable(t *testing.T) {
	tests := []struct {
		name     string
		serve    func(w http.ResponseWriter, r *http.Request, n int, sent *atomic.Int64)
		attempts int    // requests the client counts
		bodyErr  bool   // the error is a *registry.BodyError
		status   int    // the answer's or the error's status
		message  string // in the error
	}{
		{name: "endless 200 body: refused at the cap, not retried", attempts: 1, bodyErr: true, status: 200, message: "more than 4194304 bytes",
			serve: func(w http.ResponseWriter, r *http.Request, _ int, sent *atomic.Int64) { endless(w, r, sent) }},
		{name: "endless 502 body: retried, the message stays short", attempts: 3, status: 502, message: "(after 3 attempts)",
			serve: func(w http.ResponseWriter, r *http.Request, _ int, sent *atomic.Int64) {
				w.WriteHeader(http.StatusBadGateway)
				endless(w, r, sent)
			}},
		{name: "503, then the login body again: answered", attempts: 2, status: 200,
			serve: func(w http.ResponseWriter, r *http.Request, n int, _ *atomic.Int64) {
				if n == 1 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				_, _ = io.Copy(w, r.Body)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent atomic.Int64
			var mu sync.Mutex
			var bodies []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(strings.NewReader(string(b)))
				mu.Lock()
				bodies = append(bodies, string(b))
				n := len(bodies)
				mu.Unlock()
				tt.serve(w, r, n, &sent)
			}))
			defer srv.Close()
			c := registry.New(registry.WithRetry(3, time.Millisecond, time.Millisecond))
			const login = `{"username":"acme","password":"tok"}`
			res, err := c.SendRepeatable(context.Background(), registry.APIRequest{Method: http.MethodPost, URL: srv.URL + "/v2/users/login",
				Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(login)})
			var be *registry.BodyError
			var fe *registry.FetchError
			switch {
			case err == nil:
				if res.Status != tt.status || string(res.Body) != login || res.Attempts != tt.attempts {
					t.Errorf("answer %d %.100q after %d attempts", res.Status, res.Body, res.Attempts)
				}
			case tt.bodyErr != errors.As(err, &be), !errors.As(err, &fe), fe.Status != tt.status,
				!strings.Contains(err.Error(), tt.message), !strings.Contains(err.Error(), srv.URL), len(err.Error()) > 500:
				t.Errorf("error %.600q", err)
			}
			if err == nil && tt.message != "" {
				t.Errorf("no error, want one with %q", tt.message)
			}
			if got := c.Requests(); got.Total != tt.attempts || got.ByMethod[http.MethodPost] != tt.attempts {
				t.Errorf("requests %s, want %d POST", got, tt.attempts)
			}
			if sent.Load() > 64<<20 {
				t.Errorf("the server wrote %d bytes before the client stopped reading", sent.Load())
			}
			for i, b := range bodies {
				if b != login {
					t.Errorf("attempt %d sent %q", i+1, b)
				}
			}
		})
	}
}
