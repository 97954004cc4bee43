package registry

// Deleting through the OCI distribution API, for `gate cleanup`: a
// resolve that bypasses the client's cache (the answer compare-and-delete
// compares against) and DELETE of a manifest by tag or by digest. What
// may be deleted, and when, is the caller's business (registry/tagdelete
// and the gate): this file only sends the requests and classifies the
// answers.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// WithDeleteScope asks every repository's token for pull and delete, so
// one handshake per repository serves both the facts a cleanup plans on
// and the deletes it sends. Give such a client only the delete-scoped
// credential.
func WithDeleteScope() Option {
	return func(o *options) { o.actions = []string{transport.PullScope, "delete"} }
}

// scopes are the token scopes a repository client asks for; nil (pull
// on the repository) unless WithDeleteScope.
func (o *options) scopes(r name.Repository) []string {
	if o.actions == nil {
		return nil
	}
	return []string{r.Scope(strings.Join(o.actions, ","))}
}

// ResolveNow asks for a tag again with HEAD, bypassing what the client
// cached earlier in the run: compare-and-delete must compare against the
// registry's answer of this moment, not of the plan. A registry that
// omits the digest on HEAD gets a GET, as with HeadTag.
func (c *Client) ResolveNow(ctx context.Context, repo name.Repository, tag string) TagFact {
	f := newTagFact(repo, tag)
	r := c.repo(repo)
	url := r.endpoint("manifests", tag)
	res, err := r.do(ctx, http.MethodHead, url, manifestAccept, nil)
	if err != nil {
		return f.fill(nil, err)
	}
	dg := res.header.Get("Docker-Content-Digest")
	if _, _, herr := parseDigest(dg); herr != nil || !sameAlgorithm(dg, "sha256:") {
		res, err = r.do(ctx, http.MethodGet, url, manifestAccept, checkManifestBody(tag))
		if err != nil {
			return f.fill(nil, err)
		}
		dg = digestAs("sha256", res.body)
	}
	return f.fill(&Manifest{Digest: dg, MediaType: mediaType(res.header.Get("Content-Type"))}, nil)
}

// DeleteError is a DELETE the registry did not carry out: its URL, the
// status and the registry's own words.
type DeleteError struct {
	URL     string
	Status  int
	Message string
}

func (e *DeleteError) Error() string {
	return fmt.Sprintf("DELETE %s: %d %s: %s", e.URL, e.Status, http.StatusText(e.Status), e.Message)
}

// Unsupported reports whether the registry does not delete this kind of
// reference (tags, on registries that delete only by digest): 405, or
// the distribution error code UNSUPPORTED.
func (e *DeleteError) Unsupported() bool {
	return e.Status == http.StatusMethodNotAllowed || strings.Contains(e.Message, "UNSUPPORTED")
}

// Refused reports whether the registry will not delete for this
// credential or this tag: 401 or 403 (no delete permission, an
// immutability rule). Retrying does not change such an answer; a person
// must.
func (e *DeleteError) Refused() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// DeleteManifest sends DELETE /v2/<name>/manifests/<ref>, ref a tag or a
// digest. Success is nil; a 404 is IsNotFound (already gone); another
// answer is a *DeleteError (or a *FetchError when no answer came after
// retries). Deleting by digest removes every tag pointing at it: callers
// check that none but theirs does.
func (c *Client) DeleteManifest(ctx context.Context, repo name.Repository, ref string) error {
	r := c.repo(repo)
	target := r.endpoint("manifests", ref)
	rt, err := r.transport(ctx)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: rt}
	var refused *DeleteError
	err = c.retry(ctx, http.MethodDelete, target, func(actx context.Context) (int, time.Duration, error) {
		if err := c.acquire(actx); err != nil {
			return 0, 0, err
		}
		defer c.release()
		req, err := http.NewRequestWithContext(actx, http.MethodDelete, target, nil)
		if err != nil {
			return 0, 0, permanent(err)
		}
		resp, err := send(client, req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		switch {
		case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusNoContent:
			return resp.StatusCode, 0, nil
		case resp.StatusCode == http.StatusNotFound:
			return resp.StatusCode, 0, permanent(errNotFound)
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			wait, _ := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			return resp.StatusCode, wait, errors.New(registryMessage(body))
		}
		refused = &DeleteError{URL: target, Status: resp.StatusCode, Message: registryMessage(body)}
		return resp.StatusCode, 0, permanent(refused)
	})
	if refused != nil {
		return refused
	}
	return err
}
