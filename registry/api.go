package registry

// Requests to HTTP APIs beside the registries (Docker Hub's tag API,
// GitHub's packages API), for registry/tagdelete: they go through the
// client's retry path and counter, so a run's bounds and request counts
// cover them as they cover registry requests.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxAPIBody bounds an API answer: a page of 100 GHCR package versions
// is tens of KiB, a login answer a few hundred bytes.
const maxAPIBody = 4 << 20

// APIRequest is one request to an HTTP API. It must be safe to send more
// than once (see SendRepeatable).
type APIRequest struct {
	Method, URL string
	Header      http.Header
	Body        []byte // nil for none
}

// APIResponse is an API's whole answer.
type APIResponse struct {
	Status int
	Body   []byte
	// Attempts is how many attempts the answer took. Above 1, an earlier
	// attempt's answer was lost or deferred (429, 5xx, a reset, a
	// stall): a DELETE that now answers 404 was most likely carried out
	// by that earlier attempt.
	Attempts int
}

// SendRepeatable sends an API request as the client sends its own: in a
// request slot, counted in Requests, each attempt bounded by the attempt
// timeout with its body read whole (up to 4 MiB), and retried on 429,
// 5xx, a dropped connection or a stalled attempt, with the client's
// attempts, backoff and Retry-After bound. Every other answer (2xx, 401,
// 403, 404, …) is returned for the caller to act on; an error is a
// *FetchError with the URL and the last status.
//
// Only for requests that are safe to send again: GET, or a DELETE or a
// login POST whose repetition does no harm. A retried DELETE may find
// what it deletes already gone, deleted by the attempt whose answer was
// lost: the caller reads that 404 as done.
func (c *Client) SendRepeatable(ctx context.Context, req APIRequest) (*APIResponse, error) {
	client := &http.Client{Transport: c.api}
	var out *APIResponse
	n := 0
	err := c.retry(ctx, req.Method, req.URL, func(actx context.Context) (int, time.Duration, error) {
		n++
		if err := c.acquire(actx); err != nil {
			return 0, 0, err
		}
		defer c.release()
		var body io.Reader
		if req.Body != nil {
			body = bytes.NewReader(req.Body)
		}
		hreq, err := http.NewRequestWithContext(actx, req.Method, req.URL, body)
		if err != nil {
			return 0, 0, permanent(err)
		}
		hreq.Header = req.Header.Clone()
		resp, err := send(client, hreq)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		b, err := readAPIBody(resp)
		if err != nil {
			return resp.StatusCode, 0, err
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			wait, _ := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			return resp.StatusCode, wait, errors.New(registryMessage(b))
		}
		out = &APIResponse{Status: resp.StatusCode, Body: b, Attempts: n}
		return resp.StatusCode, 0, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readAPIBody reads an answer up to maxAPIBody. A success past the cap
// is a permanent failure (a cut list would be read as the whole); an
// error answer cut at the cap still says enough. A body cut off by the
// connection is retried.
func readAPIBody(resp *http.Response) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the answer: %w", err)
	case len(b) <= maxAPIBody:
		return b, nil
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return nil, permanent(&BodyError{Method: resp.Request.Method, URL: redactURL(resp.Request.URL), Status: resp.StatusCode, Limit: maxAPIBody})
	}
	return b[:maxAPIBody], nil
}
