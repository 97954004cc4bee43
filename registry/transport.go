package registry

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Counter counts the HTTP requests a Client sends, by method. It sits at
// the bottom of the transport stack, so pings, token requests and retries
// are all counted: it measures what the registry actually saw.
type Counter struct {
	mu       sync.Mutex
	byMethod map[string]int
	byAnswer map[Answer]int
}

// Answer is a request method and the status it got: "200", "404", …,
// HTTPFallback for an HTTPS request a plain-HTTP registry answered in
// plain HTTP, or "error" when no response came (refused, reset, timed out).
type Answer struct {
	Method string
	Code   string
}

// HTTPFallback is the Code of an HTTPS request that a registry answered
// in plain HTTP. go-containerregistry tries HTTPS first even for an
// --insecure-registry host and repeats the request over HTTP, so on a
// healthy plain-HTTP registry this is routine, not a failure.
const HTTPFallback = "http_fallback"

// Answers returns how many requests got each answer so far.
func (c *Counter) Answers() map[Answer]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[Answer]int, len(c.byAnswer))
	for a, n := range c.byAnswer {
		out[a] = n
	}
	return out
}

func (c *Counter) answered(method string, resp *http.Response, err error) {
	code := "error"
	switch {
	case resp != nil:
		code = strconv.Itoa(resp.StatusCode)
	case answeredInPlainHTTP(err):
		code = HTTPFallback
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byAnswer == nil {
		c.byAnswer = map[Answer]int{}
	}
	c.byAnswer[Answer{method, code}]++
}

// Requests is a snapshot of a Counter, shaped as in the gate JSON output.
type Requests struct {
	Total    int            `json:"total"`
	ByMethod map[string]int `json:"by_method"`
}

// Snapshot returns the counts so far.
func (c *Counter) Snapshot() Requests {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := Requests{ByMethod: map[string]int{}}
	for m, n := range c.byMethod {
		r.ByMethod[m] = n
		r.Total += n
	}
	return r
}

func (c *Counter) add(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byMethod == nil {
		c.byMethod = map[string]int{}
	}
	c.byMethod[method]++
}

// String renders "N (GET a, HEAD b)".
func (r Requests) String() string {
	methods := make([]string, 0, len(r.ByMethod))
	for m := range r.ByMethod {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	s := itoa(r.Total)
	for i, m := range methods {
		if i == 0 {
			s += " ("
		} else {
			s += ", "
		}
		s += m + " " + itoa(r.ByMethod[m])
		if i == len(methods)-1 {
			s += ")"
		}
	}
	return s
}

// CountingTransport returns an http.RoundTripper that counts every request
// it sends in c before handing it to inner.
func CountingTransport(inner http.RoundTripper, c *Counter) http.RoundTripper {
	return countingTransport{inner, c}
}

type countingTransport struct {
	inner http.RoundTripper
	c     *Counter
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.c.add(req.Method)
	resp, err := t.inner.RoundTrip(req)
	t.c.answered(req.Method, resp, err)
	return resp, err
}

// answeredInPlainHTTP reports whether err is a TLS handshake that got a
// plain HTTP answer instead (net/http turns it into
// http.ErrSchemeMismatch only above the transport, where this counter
// does not sit).
func answeredInPlainHTTP(err error) bool {
	var rh tls.RecordHeaderError
	return errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/"
}

// Body caps. A registry, a proxy in front of it or a token service may
// answer with an endless body; nothing releasegate reads needs more.
const (
	// maxErrorBody bounds an error answer (any status but 2xx) and the
	// ping's: only a message is read from them.
	maxErrorBody = 64 << 10
	// maxAuthBody bounds what a token service may send. It is below
	// go-containerregistry's own token limit, so an endless token body is
	// reported with the token URL rather than against the ping.
	maxAuthBody = 32 << 10
	// maxBody bounds any other answer read whole by Transport(): the
	// largest object read is a 16 MiB attestation bundle.
	maxBody = 32 << 20
)

// BodyError is a response body cut off at its cap.
type BodyError struct {
	Method, URL string // the URL without its query
	Status      int
	Limit       int64
}

func (e *BodyError) Error() string {
	return fmt.Sprintf("reading the %d %s answer to %s %s: more than %d bytes",
		e.Status, http.StatusText(e.Status), e.Method, e.URL, e.Limit)
}

// capBodies caps the bodies of pings, token requests and error answers.
// It sits under every request the client or go-containerregistry sends.
func capBodies(inner http.RoundTripper) http.RoundTripper { return capTransport{inner} }

type capTransport struct{ inner http.RoundTripper }

func (t capTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.inner.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	if limit := bodyCap(req, resp.StatusCode); limit > 0 {
		resp.Body = &cappedBody{rc: resp.Body, left: limit,
			err: &BodyError{Method: req.Method, URL: redactURL(req.URL), Status: resp.StatusCode, Limit: limit}}
	}
	return resp, nil
}

// bodyCap is the cap for a response, 0 for none (the caller bounds it).
func bodyCap(req *http.Request, status int) int64 {
	switch {
	case status < 200 || status > 299:
		return maxErrorBody
	case req.URL.Path == "/v2/":
		return maxErrorBody
	case !isRegistryAPI(req.URL.Path) && req.Response == nil:
		// Not a registry object, and not a redirect to where one is
		// stored (a CDN): a token request.
		return maxAuthBody
	}
	return 0
}

// isRegistryAPI reports whether path names registry content: manifests,
// blobs, referrers, tag lists or the catalog.
func isRegistryAPI(path string) bool {
	if !strings.HasPrefix(path, "/v2/") {
		return false
	}
	for _, part := range []string{"/manifests/", "/blobs/", "/referrers/", "/tags/list"} {
		if strings.Contains(path, part) {
			return true
		}
	}
	return path == "/v2/_catalog"
}

func redactURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.User, c.Fragment = "", nil, ""
	return c.String()
}

// cappedBody fails a read past its cap instead of reading on.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	err  error
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, b.err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// retryTransport sends GET and HEAD requests of other go-containerregistry
// callers through the client's retry path: attempts, backoff, Retry-After,
// the per-attempt timeout and the client's request slots. Each attempt
// reads the whole body (bounded), so a stall or a cut mid-body is retried
// like a 5xx. 429 and 5xx are retried; other answers, 401, 403 and 404
// among them, are handed back at once, for go-containerregistry to act on
// (a 401 refreshes the token above this transport). Other methods go
// through once.
type retryTransport struct{ c *Client }

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if (req.Method != http.MethodGet && req.Method != http.MethodHead) || (req.Body != nil && req.Body != http.NoBody) {
		if err := t.c.acquire(req.Context()); err != nil {
			return nil, err
		}
		defer t.c.release()
		return t.c.base.RoundTrip(req)
	}
	var last *http.Response
	err := t.c.retry(req.Context(), req.Method, redactURL(req.URL), func(actx context.Context) (int, time.Duration, error) {
		last = nil
		resp, err := t.attempt(actx, req)
		if err != nil {
			return 0, 0, err
		}
		last = resp
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			body, _ := io.ReadAll(resp.Body)
			wait, _ := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			return resp.StatusCode, wait, errors.New(registryMessage(body))
		}
		return resp.StatusCode, 0, nil
	})
	if err != nil {
		return nil, err
	}
	return last, nil
}

// attempt sends one request in a request slot and reads its body whole
// before the attempt's deadline.
func (t *retryTransport) attempt(actx context.Context, req *http.Request) (*http.Response, error) {
	if err := t.c.acquire(actx); err != nil {
		return nil, err
	}
	defer t.c.release()
	resp, err := t.c.base.RoundTrip(req.Clone(actx))
	var re *RealmError
	switch {
	case errors.As(err, &re):
		return nil, permanent(err) // the same challenge would be refused again
	case err != nil:
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	var be *BodyError
	switch {
	case errors.As(err, &be):
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			return nil, permanent(err)
		}
		// An error answer cut at its cap still says enough.
	case err != nil:
		return nil, fmt.Errorf("reading body: %w", err)
	case len(body) > maxBody:
		return nil, permanent(&BodyError{Method: req.Method, URL: redactURL(req.URL), Status: resp.StatusCode, Limit: maxBody})
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}
