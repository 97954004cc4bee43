package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// maxManifestSize bounds a manifest body; registries cap them at 4 MiB.
const maxManifestSize = 4 << 20

// manifestAccept lists the manifest media types releasegate understands.
var manifestAccept = strings.Join([]string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}, ",")

// FetchError is a request that did not give a usable answer: the method,
// URL and final HTTP status (0 when there was no response), how many
// attempts were made, and why.
type FetchError struct {
	Method   string
	URL      string
	Status   int
	Attempts int
	Err      error
}

func (e *FetchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", e.Method, e.URL)
	err := e.Err
	if errors.Is(err, errNotFound) {
		err = nil // the status says it all
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
		if err != nil {
			b.WriteString(": ")
		}
	}
	if err != nil {
		b.WriteString(err.Error())
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *FetchError) Unwrap() error { return e.Err }

// errNotFound marks a clean 404: the object does not exist.
var errNotFound = errors.New("not found")

// IsNotFound reports whether err is a registry 404 for the object.
func IsNotFound(err error) bool { return errors.Is(err, errNotFound) }

// response is what one successful request produced.
type response struct {
	status int
	header http.Header
	body   []byte
}

// repoClient talks to one repository: one auth handshake, one cache of
// calls so a digest is fetched once however many tags share it.
type repoClient struct {
	c    *Client
	repo name.Repository
	// scopes are the token scopes asked for; nil means pull on repo.
	scopes []string

	initOnce sync.Once
	rt       http.RoundTripper
	initErr  error

	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	val  any
	err  error
}

// once runs fn once per key and shares its result with concurrent and
// later callers.
func (r *repoClient) once(key string, fn func() (any, error)) (any, error) {
	r.mu.Lock()
	if c, ok := r.calls[key]; ok {
		r.mu.Unlock()
		<-c.done
		return c.val, c.err
	}
	c := &call{done: make(chan struct{})}
	r.calls[key] = c
	r.mu.Unlock()
	c.val, c.err = fn()
	close(c.done)
	return c.val, c.err
}

func (r *repoClient) scheme() string { return r.repo.Registry.Scheme() }

func (r *repoClient) endpoint(kind, ref string) string {
	return fmt.Sprintf("%s://%s/v2/%s/%s/%s", r.scheme(), r.repo.RegistryStr(), r.repo.RepositoryStr(), kind, ref)
}

// transport performs the auth handshake (ping, token) once, with retries
// for what may pass (429, 5xx, a dropped connection, a stall) and none
// for what cannot (a refused realm, a 401 or 403 from the token service,
// a body past its cap). A failure names the URL that failed: the token
// URL when the token request did.
func (r *repoClient) transport(ctx context.Context) (http.RoundTripper, error) {
	r.initOnce.Do(func() {
		auth, err := authn.Resolve(ctx, r.c.opts.keychain, r.repo.Registry)
		if err != nil {
			r.initErr = fmt.Errorf("%s: credentials: %w", r.repo.RegistryStr(), err)
			return
		}
		scopes := r.scopes
		if scopes == nil {
			scopes = []string{r.repo.Scope(transport.PullScope)}
		}
		pingURL := fmt.Sprintf("%s://%s/v2/", r.scheme(), r.repo.RegistryStr())
		err = r.c.retry(ctx, "GET", pingURL, func(actx context.Context) (int, time.Duration, error) {
			if err := r.c.acquire(actx); err != nil {
				return 0, 0, err
			}
			defer r.c.release()
			rt, err := transport.NewWithContext(actx, r.repo.Registry, auth, r.c.base, scopes)
			if err != nil {
				status := handshakeStatus(err)
				if !transientHandshake(actx, err, status) {
					return status, 0, permanent(err)
				}
				return status, 0, err
			}
			r.rt = rt
			return 0, 0, nil
		})
		r.initErr = nameFailedURL(err)
	})
	return r.rt, r.initErr
}

// handshakeStatus is the HTTP status a handshake error carries, 0 if none.
func handshakeStatus(err error) int {
	var te *transport.Error
	if errors.As(err, &te) {
		return te.StatusCode
	}
	return 0
}

// transientHandshake reports whether a failed handshake may succeed when
// tried again: a 429 or 5xx, or the connection or the attempt's time ran
// out. Anything else (a realm go-containerregistry or guardRealms
// refuses, a malformed challenge, 401 or 403, a body past its cap) will
// fail the same way.
func transientHandshake(actx context.Context, err error, status int) bool {
	var be *BodyError
	var re *RealmError
	var ne net.Error
	switch {
	case status != 0:
		return status == http.StatusTooManyRequests || status >= 500
	case errors.As(err, &be), errors.As(err, &re):
		return false
	case actx.Err() != nil, errors.As(err, &ne), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
		return true
	}
	return false
}

// nameFailedURL points a handshake failure at the request that failed:
// the token URL when the token service answered badly or endlessly.
func nameFailedURL(err error) error {
	var fe *FetchError
	if !errors.As(err, &fe) {
		return err
	}
	var be *BodyError
	var te *transport.Error
	switch {
	case errors.As(fe.Err, &be):
		fe.URL, fe.Method, fe.Status = be.URL, be.Method, be.Status
	case errors.As(fe.Err, &te) && te.Request != nil && te.Request.URL != nil:
		fe.URL, fe.Method = redactURL(te.Request.URL), te.Request.Method
	}
	return err
}

// do sends one request with retries and reads the whole body inside each
// attempt, so a stalled or cut-off body is retried like a 5xx. check
// validates the body; a failed check is retried too (a proxy may have
// mangled it). A 404 returns errNotFound at once.
func (r *repoClient) do(ctx context.Context, method, target, accept string, check func(*response) error) (*response, error) {
	rt, err := r.transport(ctx)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: rt, CheckRedirect: nil}
	var out *response
	err = r.c.retry(ctx, method, target, func(actx context.Context) (int, time.Duration, error) {
		if err := r.c.acquire(actx); err != nil {
			return 0, 0, err
		}
		defer r.c.release()
		req, err := http.NewRequestWithContext(actx, method, target, nil)
		if err != nil {
			return 0, 0, permanent(err)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := send(client, req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxManifestSize+1))
		switch {
		case resp.StatusCode == http.StatusNotFound:
			return resp.StatusCode, 0, permanent(errNotFound)
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			wait, _ := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			return resp.StatusCode, wait, errors.New(registryMessage(body))
		case resp.StatusCode != http.StatusOK:
			return resp.StatusCode, 0, permanent(errors.New(registryMessage(body)))
		}
		if rerr != nil {
			return resp.StatusCode, 0, fmt.Errorf("reading body: %w", rerr)
		}
		if len(body) > maxManifestSize {
			return resp.StatusCode, 0, permanent(fmt.Errorf("body larger than %d bytes", maxManifestSize))
		}
		res := &response{status: resp.StatusCode, header: resp.Header, body: body}
		if check != nil {
			if err := check(res); err != nil {
				return resp.StatusCode, 0, err
			}
		}
		out = res
		return resp.StatusCode, 0, nil
	})
	return out, err
}

// send sends one attempt's request. A failure is its bare cause: the
// FetchError that retry makes of it already names the method and URL.
func send(client *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := client.Do(req)
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return resp, err
}

// registryMessage summarises an error body: the registry's error codes
// when it sent the standard JSON, otherwise a short prefix.
func registryMessage(body []byte) string {
	s := strings.TrimSpace(string(bytes.ToValidUTF8(body, nil)))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "empty response body"
	}
	return strings.Join(strings.Fields(s), " ")
}

// permanentError marks an attempt failure that retrying cannot fix.
type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

func permanent(err error) error { return permanentError{err} }

// attemptFunc runs one attempt within actx and returns the HTTP status it
// saw (0 if none), a server-requested wait, and an error.
type attemptFunc func(actx context.Context) (status int, wait time.Duration, err error)

// retry runs attempt until it succeeds, fails permanently, runs out of
// attempts or the overall deadline would pass before the next try. When
// the deadline cuts it short, the error says so and keeps the last status
// and failure seen, so the report names what the run was waiting on.
func (c *Client) retry(ctx context.Context, method, url string, attempt attemptFunc) error {
	var status int
	var err, before error // before: the failure of the attempt preceding the last
	n := 0
	for n < c.opts.attempts {
		n++
		actx, cancel := context.WithTimeout(ctx, c.opts.attemptTimeout)
		st, wait, aerr := attempt(actx)
		// A stall shows either as this attempt's deadline or as the
		// transport's header timeout, whichever fires first; both mean the
		// server gave no complete answer in time.
		var netErr net.Error
		stalled := aerr != nil && ctx.Err() == nil &&
			(actx.Err() != nil || (errors.As(aerr, &netErr) && netErr.Timeout()))
		cancel()
		if aerr == nil {
			return nil
		}
		if st != 0 {
			status = st
		}
		if stalled {
			aerr = fmt.Errorf("no complete answer within %s", c.opts.attemptTimeout)
		}
		before, err = err, aerr
		var perm permanentError
		if errors.As(err, &perm) || ctx.Err() != nil || n == c.opts.attempts {
			break
		}
		delay := c.backoff(n, wait)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			err = fmt.Errorf("%w; giving up: next retry in %s would pass the deadline", err, delay.Round(time.Millisecond))
			break
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil && !errors.Is(err, errNotFound) {
		err = deadlineError(ctx, err, before)
	}
	var perm permanentError
	if errors.As(err, &perm) {
		err = perm.err
	}
	return &FetchError{Method: method, URL: url, Status: status, Attempts: n, Err: err}
}

// deadlineError describes a request the run's deadline cut short: what
// the last attempt had seen, or, when the deadline cut that attempt
// itself, that no answer came in time and what the attempt before saw.
func deadlineError(ctx context.Context, last, before error) error {
	if !errors.Is(last, context.DeadlineExceeded) && !errors.Is(last, context.Canceled) {
		return fmt.Errorf("%w (then the run's deadline passed: %w)", last, ctx.Err())
	}
	if before != nil {
		return fmt.Errorf("no complete answer before the run's deadline (%w); the attempt before: %w", ctx.Err(), before)
	}
	return fmt.Errorf("no complete answer before the run's deadline (%w)", ctx.Err())
}

// backoff returns the wait before attempt n+1: exponential from the base,
// capped, with full jitter over its upper half; a Retry-After from the
// server is honoured up to the configured cap.
func (c *Client) backoff(n int, serverWait time.Duration) time.Duration {
	d := c.opts.backoffBase << (n - 1)
	if d > c.opts.backoffMax || d <= 0 {
		d = c.opts.backoffMax
	}
	d = d/2 + rand.N(d/2+1)
	if serverWait > 0 {
		d = max(d, min(serverWait, c.opts.maxRetryAfter))
	}
	return d
}
