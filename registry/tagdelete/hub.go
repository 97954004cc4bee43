package tagdelete

// Docker Hub's own API: the registry protocol does not delete there.
// POST /v2/users/login with the user name and the delete-scoped token
// gives a JWT; DELETE /v2/repositories/<ns>/<repo>/tags/<tag>/ with it
// deletes the tag (the manifest stays for other tags).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/registry"
)

type hubOptions struct {
	base, user, token string

	mu  sync.Mutex
	jwt string
}

// WithHub sets Docker Hub's API base (default https://hub.docker.com) and
// the account and delete-scoped token to log in with.
func WithHub(base, user, token string) Option {
	return func(d *Deleter) {
		d.hub.user, d.hub.token = user, token
		if base != "" {
			d.hub.base = strings.TrimSuffix(base, "/")
		}
	}
}

// APIError is an answer of Docker Hub's or GitHub's API other than
// success: the request, its status and the API's own words.
type APIError struct {
	Method, URL string
	Status      int
	Message     string
	Attempts    int // above 1: the answers of earlier attempts were lost or deferred
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.URL, e.Status, http.StatusText(e.Status), e.Message)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (on attempt %d)", e.Attempts)
	}
	return s
}

func (d *Deleter) deleteHub(ctx context.Context, repo name.Repository, t Target) Result {
	ns, rp, ok := strings.Cut(repo.RepositoryStr(), "/")
	if !ok {
		ns, rp = "library", repo.RepositoryStr()
	}
	target := fmt.Sprintf("%s/v2/repositories/%s/%s/tags/%s/", d.hub.base, url.PathEscape(ns), url.PathEscape(rp), url.PathEscape(t.Tag))
	manual := fmt.Sprintf("delete tag %s of %s/%s (digest %s) on hub.docker.com with the delete-scoped token, or lift the repository's tag immutability for it", t.Tag, ns, rp, t.Digest)
	jwt, err := d.hubLogin(ctx)
	if err != nil {
		return apiResult(err, "hub", manual)
	}
	_, err = d.call(ctx, http.MethodDelete, target, "Bearer "+jwt, nil)
	return apiResult(err, "hub", manual)
}

// hubLogin exchanges the account and token for a JWT, once per run.
func (d *Deleter) hubLogin(ctx context.Context) (string, error) {
	h := &d.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.jwt != "" {
		return h.jwt, nil
	}
	if h.user == "" || h.token == "" {
		return "", fmt.Errorf("docker hub: no account and delete-scoped token to log in with")
	}
	body, err := json.Marshal(map[string]string{"username": h.user, "password": h.token})
	if err != nil {
		return "", err
	}
	b, err := d.call(ctx, http.MethodPost, h.base+"/v2/users/login", "", body)
	if err != nil {
		return "", err
	}
	var doc struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Token == "" {
		return "", &APIError{Method: http.MethodPost, URL: h.base + "/v2/users/login", Status: http.StatusOK, Message: "the answer carries no token"}
	}
	h.jwt = doc.Token
	return h.jwt, nil
}

// call sends one API request through the registry client's retry path
// (every request here is safe to repeat: a listing, a login, a delete
// whose repetition finds the object gone) and returns the body of a 2xx
// answer; any other answer is an *APIError. Bodies are bounded there.
func (d *Deleter) call(ctx context.Context, method, target, auth string, body []byte) ([]byte, error) {
	h := http.Header{"Accept": {"application/json"}}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	resp, err := d.client.SendRepeatable(ctx, registry.APIRequest{Method: method, URL: target, Header: h, Body: body})
	if err != nil {
		return nil, err // a *registry.FetchError: method, URL, last status, attempts
	}
	if resp.Status/100 != 2 {
		return nil, &APIError{Method: method, URL: target, Status: resp.Status, Message: apiMessage(resp.Body), Attempts: resp.Attempts}
	}
	return resp.Body, nil
}

// apiMessage is an API error body in short: its message or detail field
// when it is JSON, else a prefix.
func apiMessage(b []byte) string {
	var doc struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	if json.Unmarshal(b, &doc) == nil && (doc.Message != "" || doc.Detail != "") {
		return strings.TrimSpace(doc.Message + " " + doc.Detail)
	}
	s := strings.Join(strings.Fields(string(bytes.ToValidUTF8(b, nil))), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// apiResult classifies an API answer: 404 is gone (also when a retried
// delete gets it), 401 and 403 (permission, immutability) are refused
// with the manual step, anything else failed.
func apiResult(err error, via, manual string) Result {
	if err == nil {
		return Result{Outcome: Deleted, Via: via}
	}
	var ae *APIError
	ok := errors.As(err, &ae)
	switch {
	case ok && ae.Status == http.StatusNotFound && ae.Method == http.MethodDelete && ae.Attempts > 1:
		// An earlier attempt got no usable answer (a reset, a stall, a
		// 5xx) but most likely deleted it: done, not failed.
		return Result{Outcome: Gone, Via: via, Message: ae.Error() + ": an earlier attempt got no usable answer, and most likely that attempt deleted it"}
	case ok && ae.Status == http.StatusNotFound:
		return Result{Outcome: Gone, Via: via, Message: ae.Error()}
	case ok && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden):
		return Result{Outcome: Refused, Via: via, Message: ae.Error(), Manual: manual}
	}
	return Result{Outcome: Failed, Via: via, Message: err.Error()}
}
