// Package faultproxy is a loopback HTTP proxy that injects registry
// failures (5xx bursts, 429 with Retry-After, connection resets, answers
// lost after the server did the work, stalled, truncated or corrupted
// bodies, 401) and latency in front of a real registry or API double. The gate's tests use it to prove that transient faults recover
// and persistent ones end in "could not verify", never in a pass; the
// benchmark uses its latency to model a distant registry.
package faultproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Fault is a kind of failure.
type Fault string

// Faults.
const (
	Status500 Fault = "500"
	Status503 Fault = "503"
	Status429 Fault = "429"      // with Retry-After: 1
	Status401 Fault = "401"      // no challenge: plain refusal
	Reset     Fault = "reset"    // TCP connection reset before any answer
	Lost      Fault = "lost"     // the request reaches the server, which does its work; its answer is dropped with a reset
	Stall     Fault = "stall"    // GET: headers and half the body, then nothing; HEAD: no answer at all
	Truncate  Fault = "truncate" // GET: Content-Length promises more than is sent
	Corrupt   Fault = "corrupt"  // GET: body differs from what its digest says
	Trickle   Fault = "trickle"  // GET: headers, then the body one byte per trickle interval; HEAD: no answer at all
)

// BodyFault reports whether f only applies to responses with a body.
func (f Fault) BodyFault() bool { return f == Truncate || f == Corrupt }

// MatchPing selects the registry's /v2/ ping.
func MatchPing(r *http.Request) bool { return r.URL.Path == "/v2/" }

// Rule injects Fault into matching requests: the first Times of them, or
// all when Times is 0.
type Rule struct {
	Fault Fault
	Times int
	// Match selects requests; nil matches manifest and blob requests
	// (not the /v2/ ping or token requests).
	Match func(*http.Request) bool
}

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	// Host is "127.0.0.1:PORT"; URL is "http://" + Host.
	Host, URL string

	target  *url.URL
	latency time.Duration
	srv     *http.Server
	ln      net.Listener
	client  *http.Client

	mu       sync.Mutex
	rules    []Rule
	injected map[int]int
	faulted  int
	chaos    *chaos
}

// chaos faults requests at random: each with probability rate, the fault
// drawn from faults, from a seeded source so a run can be replayed.
type chaos struct {
	rng    *rand.Rand
	rate   float64
	faults []Fault
}

// trickleInterval is how long a Trickle fault waits between bytes.
const trickleInterval = 10 * time.Second

// Option configures a Proxy.
type Option func(*Proxy)

// WithLatency delays every request by d before forwarding it.
func WithLatency(d time.Duration) Option { return func(p *Proxy) { p.latency = d } }

// WithChaos faults each request (ping and token requests included) with
// probability rate, drawing the fault from faults with a source seeded by
// seed. Rules are consulted first.
func WithChaos(seed int64, rate float64, faults ...Fault) Option {
	return func(p *Proxy) {
		p.chaos = &chaos{rng: rand.New(rand.NewSource(seed)), rate: rate, faults: faults}
	}
}

// WithRules sets the fault rules.
func WithRules(rules ...Rule) Option { return func(p *Proxy) { p.rules = rules } }

// Start proxies to target (e.g. "http://127.0.0.1:5000").
func Start(target string, opts ...Option) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("faultproxy: target %q: %w", target, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		Host: ln.Addr().String(), URL: "http://" + ln.Addr().String(),
		target: u, ln: ln, injected: map[int]int{},
		client: &http.Client{
			Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	for _, o := range opts {
		o(p)
	}
	p.srv = &http.Server{Handler: p}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Close stops the proxy and drops its idle connections to the target, so
// proxies started and stopped by the thousand leak no file descriptors.
func (p *Proxy) Close() error {
	err := p.srv.Close()
	p.client.CloseIdleConnections()
	return err
}

// Faulted returns how many requests got a fault.
func (p *Proxy) Faulted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faulted
}

func defaultMatch(r *http.Request) bool {
	return strings.Contains(r.URL.Path, "/manifests/") || strings.Contains(r.URL.Path, "/blobs/")
}

// pick returns the fault for r, if any, and counts it.
func (p *Proxy) pick(r *http.Request) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, rule := range p.rules {
		match := rule.Match
		if match == nil {
			match = defaultMatch
		}
		if !match(r) {
			continue
		}
		if rule.Fault.BodyFault() && r.Method != http.MethodGet {
			continue
		}
		if rule.Times > 0 && p.injected[i] >= rule.Times {
			continue
		}
		p.injected[i]++
		p.faulted++
		return rule.Fault
	}
	if c := p.chaos; c != nil && len(c.faults) > 0 && c.rng.Float64() < c.rate {
		f := c.faults[c.rng.Intn(len(c.faults))]
		if f.BodyFault() && r.Method != http.MethodGet {
			return ""
		}
		p.faulted++
		return f
	}
	return ""
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.latency > 0 {
		select {
		case <-time.After(p.latency):
		case <-r.Context().Done():
			return
		}
	}
	switch f := p.pick(r); f {
	case Status500:
		writeError(w, http.StatusInternalServerError, "UNKNOWN", "injected server error")
	case Status503:
		writeError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "injected outage")
	case Status429:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "TOOMANYREQUESTS", "injected rate limit")
	case Status401:
		writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "injected authentication failure")
	case Reset:
		reset(w)
	case Lost:
		if resp, err := p.upstream(r); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		reset(w)
	case Stall, Truncate, Corrupt, Trickle:
		p.forward(w, r, f)
	default:
		p.forward(w, r, "")
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"errors":[{"code":%q,"message":%q}]}`, code, msg)
}

// reset closes the connection with SO_LINGER 0, so the client sees a TCP
// reset rather than a clean close.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// upstream sends r to the target.
func (p *Proxy) upstream(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = p.target.Scheme, p.target.Host
	out.Host = p.target.Host
	return p.client.Do(out)
}

// forward sends r upstream and copies the answer back, applying a body
// fault when asked.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, f Fault) {
	if (f == Stall || f == Trickle) && r.Method != http.MethodGet {
		<-stallUntil(r.Context())
		return
	}
	resp, err := p.upstream(r)
	if err != nil {
		writeError(w, http.StatusBadGateway, "UNKNOWN", err.Error())
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		writeError(w, http.StatusBadGateway, "UNKNOWN", err.Error())
		return
	}
	for k, vs := range resp.Header {
		if strings.EqualFold(k, "Location") {
			vs = rewriteLocation(vs, p.target.Host, p.Host)
		}
		w.Header()[k] = vs
	}
	if len(body) == 0 || resp.StatusCode != http.StatusOK {
		f = "" // nothing to mangle
	}
	switch f {
	case Corrupt:
		body = append(bytes.Clone(body), ' ')
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	case Truncate:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler) // drop the connection mid-body
	case Trickle:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		p.trickleBody(w, r, body)
	case Stall:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		<-stallUntil(r.Context())
		panic(http.ErrAbortHandler)
	default:
		w.WriteHeader(resp.StatusCode)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	}
}

// trickleBody writes body one byte per trickle interval until it is done
// or the client gives up.
func (p *Proxy) trickleBody(w http.ResponseWriter, r *http.Request, body []byte) {
	fl, _ := w.(http.Flusher)
	for i := range body {
		if _, err := w.Write(body[i : i+1]); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(trickleInterval):
		}
	}
}

// stallUntil is closed when the client gives up or after a minute.
func stallUntil(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute):
		}
	}()
	return done
}

func rewriteLocation(vs []string, from, to string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.Replace(v, "//"+from+"/", "//"+to+"/", 1)
	}
	return out
}
