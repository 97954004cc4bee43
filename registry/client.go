// Package registry gathers facts about container images in OCI registries
// with go-containerregistry: whether tags exist, which digests they point
// at per platform, and whether every object a release references (index,
// child manifests, configs, layers) can still be fetched.
//
// The client prefers HEAD (it does not count against Docker Hub pull
// limits), GETs a manifest only when its content is needed, fetches each
// digest once per repository, bounds concurrency, retries 429/5xx and
// connection errors with capped exponential backoff, jitter and
// Retry-After, and verifies every fetched manifest against its digest. A
// fact it could not establish is recorded as unknown with the URL and
// status, never guessed.
package registry

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Client fetches registry facts. It is safe for concurrent use; build one
// per run so its request counter describes that run.
type Client struct {
	opts    options
	counter *Counter
	base    http.RoundTripper // counting, body-capping and realm-checking; the client's own requests retry around it
	retrier http.RoundTripper // base behind the retry path, for other go-containerregistry callers
	api     http.RoundTripper // counting only, for SendRepeatable: APIs beside the registries have no realms, and their bodies are bounded there
	sem     chan struct{}
	walked  atomic.Int64 // objects the integrity walks of this run have taken on

	mu    sync.Mutex
	repos map[string]*repoClient
}

// Option configures a Client.
type Option func(*options)

type options struct {
	transport      http.RoundTripper
	keychain       authn.Keychain
	resolver       Resolver
	insecure       map[string]bool
	jobs           int
	attempts       int
	backoffBase    time.Duration
	backoffMax     time.Duration
	maxRetryAfter  time.Duration
	attemptTimeout time.Duration
	maxChildren    int
	maxObjects     int64
	pageSize       int
	// actions are the token actions each repository is asked for; nil
	// means pull (see WithDeleteScope).
	actions []string
}

// Bounds of the integrity walk against a hostile or broken registry.
// Beyond them the walk stops and says so: the objects it did not take on
// are unknown, not silently left out.
const (
	// MaxIndexChildren is the most manifests one index may list (real
	// multi-platform indexes list tens, with attestations).
	MaxIndexChildren = 1000
	// MaxObjects is the most objects (manifests, configs, layers) the
	// walks of one run take on.
	MaxObjects = 20000
)

// WithTransport sets the base HTTP transport (default: a clone of
// http.DefaultTransport).
func WithTransport(rt http.RoundTripper) Option { return func(o *options) { o.transport = rt } }

// WithKeychain sets where credentials come from (default: Keychain()).
func WithKeychain(kc authn.Keychain) Option { return func(o *options) { o.keychain = kc } }

// WithInsecureRegistry allows plain HTTP to host (host[:port]). Meant for
// loopback test registries only.
func WithInsecureRegistry(hosts ...string) Option {
	return func(o *options) {
		for _, h := range hosts {
			o.insecure[h] = true
		}
	}
}

// WithJobs bounds the number of requests in flight (default 16).
func WithJobs(n int) Option { return func(o *options) { o.jobs = max(n, 1) } }

// WithRetry sets how many attempts a request gets (default 5) and the
// capped exponential backoff between them (default 250ms doubling up to
// 5s, with jitter). Tests use tiny values to stay fast.
func WithRetry(attempts int, base, maxDelay time.Duration) Option {
	return func(o *options) {
		o.attempts, o.backoffBase, o.backoffMax = max(attempts, 1), base, maxDelay
	}
}

// WithMaxRetryAfter caps how long a Retry-After header may make the client
// wait before one retry (default 30s). The overall deadline still applies.
func WithMaxRetryAfter(d time.Duration) Option { return func(o *options) { o.maxRetryAfter = d } }

// WithAttemptTimeout bounds one attempt, including reading the body, so a
// stalled response is retried instead of hanging (default 30s).
func WithAttemptTimeout(d time.Duration) Option { return func(o *options) { o.attemptTimeout = d } }

// WithWalkLimits sets MaxIndexChildren and MaxObjects for this client
// (tests use small values).
func WithWalkLimits(children int, objects int64) Option {
	return func(o *options) { o.maxChildren, o.maxObjects = max(children, 1), max(objects, 1) }
}

// New returns a Client.
func New(opts ...Option) *Client {
	o := options{
		insecure:       map[string]bool{},
		jobs:           16,
		attempts:       5,
		backoffBase:    250 * time.Millisecond,
		backoffMax:     5 * time.Second,
		maxRetryAfter:  30 * time.Second,
		attemptTimeout: 30 * time.Second,
		maxChildren:    MaxIndexChildren,
		maxObjects:     MaxObjects,
		pageSize:       1000,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32
		t.ResponseHeaderTimeout = o.attemptTimeout
		o.transport = t
	}
	if o.keychain == nil {
		o.keychain = Keychain(os.Getenv)
	}
	if o.resolver == nil {
		o.resolver = net.DefaultResolver
	}
	c := &Client{opts: o, counter: &Counter{}, sem: make(chan struct{}, o.jobs), repos: map[string]*repoClient{}}
	c.base = guardRealms(capBodies(CountingTransport(o.transport, c.counter)), o.transport, o.resolver)
	c.retrier = &retryTransport{c: c}
	c.api = CountingTransport(o.transport, c.counter)
	return c
}

// Requests returns how many requests the client has sent so far.
func (c *Client) Requests() Requests { return c.counter.Snapshot() }

// ParseRepository parses an image repository (no tag) honouring the
// client's insecure registries.
func (c *Client) ParseRepository(s string) (name.Repository, error) {
	var nopts []name.Option
	if c.insecureHost(s) {
		nopts = append(nopts, name.Insecure)
	}
	repo, err := name.NewRepository(s, nopts...)
	if err != nil {
		return name.Repository{}, fmt.Errorf("image %q: %w", s, err)
	}
	return repo, nil
}

// ParseReference parses an image reference (tag or digest).
func (c *Client) ParseReference(s string) (name.Reference, error) {
	var nopts []name.Option
	if c.insecureHost(s) {
		nopts = append(nopts, name.Insecure)
	}
	ref, err := name.ParseReference(s, nopts...)
	if err != nil {
		return nil, fmt.Errorf("image reference %q: %w", s, err)
	}
	return ref, nil
}

func (c *Client) insecureHost(ref string) bool {
	for h := range c.opts.insecure {
		if len(ref) > len(h) && ref[:len(h)] == h && ref[len(h)] == '/' {
			return true
		}
	}
	return false
}

// repo returns the per-repository client (one auth handshake, one cache).
func (c *Client) repo(r name.Repository) *repoClient {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := r.Name()
	rc, ok := c.repos[key]
	if !ok {
		rc = &repoClient{c: c, repo: r, scopes: c.opts.scopes(r), calls: map[string]*call{}}
		c.repos[key] = rc
	}
	return rc
}

// acquire takes one of the client's request slots.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) release() { <-c.sem }

// retryAfter parses a Retry-After header (seconds or HTTP date).
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		// Cap before multiplying: a huge value must not overflow into a
		// negative wait. A day is longer than any --timeout.
		return time.Duration(min(s, 86400)) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func itoa(n int) string { return strconv.Itoa(n) }

// Transport returns a transport for other go-containerregistry callers in
// the same run, such as attestation discovery: their requests are counted
// into the run's totals and go through the client's retry path (attempts,
// backoff, Retry-After, attempt timeout, request slots, body caps), so
// the same bounds and the same "no retry on 401, 403, 404" apply to every
// request. It does no authentication: go-containerregistry adds that on
// top, and RemoteOptions turns off its own retries.
func (c *Client) Transport() http.RoundTripper { return c.retrier }

// RemoteOptions are the go-containerregistry options for other callers in
// the same run: Transport(), the client's keychain, and no retries of
// go-containerregistry's own (the transport already retries; two layers
// would multiply attempts past every bound).
func (c *Client) RemoteOptions() []remote.Option {
	return []remote.Option{
		remote.WithTransport(c.retrier),
		remote.WithAuthFromKeychain(c.opts.keychain),
		remote.WithRetryPredicate(func(error) bool { return false }),
		remote.WithRetryStatusCodes(),
	}
}
