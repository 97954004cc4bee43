// Package pushgateway is a small in-process stand-in for the Prometheus
// Pushgateway, for tests: it takes pushes in the text exposition format at
// /metrics/job/<job>[/<label>/<value>…], parses them with the Prometheus
// parser, and keeps one group of metric families per grouping key with the
// Pushgateway's semantics: PUT replaces the group, POST replaces only the
// families it carries, DELETE drops the group. Anything else (another
// format, a body that does not parse) is refused with 400 or 415, as the
// real one would. Parse and ParseFile read the text format the same way,
// for tests of metrics files. It is a test double and never links into the
// binary.
package pushgateway

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Server is a running receiver.
type Server struct {
	URL string
	srv *httptest.Server

	mu     sync.Mutex
	groups map[string]map[string]*dto.MetricFamily
	pushes []string
}

// Start serves a receiver on 127.0.0.1.
func Start() *Server {
	s := &Server{groups: map[string]map[string]*dto.MetricFamily{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the receiver.
func (s *Server) Close() { s.srv.Close() }

// Group returns the families held under a grouping key, written as the
// URL path after /metrics/, e.g. "job/releasegate-probe/shard/1".
func (s *Server) Group(key string) map[string]*dto.MetricFamily {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]*dto.MetricFamily{}
	for n, f := range s.groups[key] {
		out[n] = f
	}
	return out
}

// Pushes lists the requests received, as "METHOD key".
func (s *Server) Pushes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.pushes...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutPrefix(r.URL.Path, "/metrics/")
	if !ok || !strings.HasPrefix(key, "job/") {
		http.Error(w, "push to /metrics/job/<job>", http.StatusNotFound)
		return
	}
	var fams map[string]*dto.MetricFamily
	if r.Method == http.MethodPut || r.Method == http.MethodPost {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/plain" {
			http.Error(w, "this receiver takes the text format only", http.StatusUnsupportedMediaType)
			return
		}
		var err error
		if fams, err = Parse(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushes = append(s.pushes, r.Method+" "+key)
	switch r.Method {
	case http.MethodPut:
		s.groups[key] = fams
	case http.MethodPost:
		if s.groups[key] == nil {
			s.groups[key] = map[string]*dto.MetricFamily{}
		}
		for n, f := range fams {
			s.groups[key][n] = f
		}
	case http.MethodDelete:
		delete(s.groups, key)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// Parse reads the Prometheus text format (at most 16 MiB), as the
// Pushgateway and node_exporter's textfile collector do.
func Parse(r io.Reader) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(io.LimitReader(r, 16<<20))
}

// ParseFile reads a metrics file in the text format.
func ParseFile(path string) (map[string]*dto.MetricFamily, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fams, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fams, nil
}
