package tagdelete

// GHCR deletes through GitHub's packages API, by package version: a
// version is one manifest with its tags. GET .../versions finds the
// version whose metadata.container.tags include the tag, DELETE
// .../versions/<id> deletes it, and with it every tag it carries: so a
// version with other tags is kept and reported.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

type ghcrOptions struct{ base, token string }

// maxVersionPages bounds the version listing (100 per page).
const maxVersionPages = 50

// WithGHCR sets GitHub's API base (default https://api.github.com) and the
// delete-scoped token (a token with delete:packages).
func WithGHCR(base, token string) Option {
	return func(d *Deleter) {
		d.ghcr.token = token
		if base != "" {
			d.ghcr.base = strings.TrimSuffix(base, "/")
		}
	}
}

type packageVersion struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"` // the manifest digest
	Metadata struct {
		Container struct {
			Tags []string `json:"tags"`
		} `json:"container"`
	} `json:"metadata"`
}

func (d *Deleter) deleteGHCR(ctx context.Context, repo name.Repository, t Target) Result {
	owner, pkg, ok := strings.Cut(repo.RepositoryStr(), "/")
	if !ok {
		return Result{Outcome: Failed, Via: "ghcr", Message: repo.Name() + ": a GHCR repository is OWNER/PACKAGE"}
	}
	base, v, err := d.findVersion(ctx, owner, pkg, t.Tag)
	manual := fmt.Sprintf("delete the version of package %s (digest %s) under github.com/%s's packages with a token that has delete:packages", pkg, t.Digest, owner)
	switch {
	case err != nil:
		return apiResult(err, "ghcr", manual)
	case v == nil:
		return Result{Outcome: Gone, Via: "ghcr", Message: "no package version carries the tag"}
	case v.Name != t.Digest:
		return Result{Outcome: Moved, Via: "ghcr", Message: fmt.Sprintf("the package version carrying the tag is %s, not %s; kept", v.Name, t.Digest)}
	}
	if others := slices.DeleteFunc(slices.Clone(v.Metadata.Container.Tags), func(s string) bool { return s == t.Tag }); len(others) > 0 {
		return Result{Outcome: Shared, Via: "ghcr", Message: fmt.Sprintf(
			"package version %d also carries %s: deleting it would delete those tags too; kept", v.ID, strings.Join(others, ", ")),
			Manual: fmt.Sprintf("move or remove %s from version %d, then delete it: gh api -X DELETE %s/versions/%d", strings.Join(others, ", "), v.ID, strings.TrimPrefix(base, d.ghcr.base), v.ID)}
	}
	_, err = d.call(ctx, http.MethodDelete, fmt.Sprintf("%s/versions/%d", base, v.ID), "Bearer "+d.ghcr.token, nil)
	return apiResult(err, "ghcr", manual)
}

// findVersion finds the package version carrying tag, trying the owner as
// an organisation and then as a user. It returns the package's API URL.
func (d *Deleter) findVersion(ctx context.Context, owner, pkg, tag string) (string, *packageVersion, error) {
	var lastErr error
	for _, kind := range []string{"orgs", "users"} {
		base := fmt.Sprintf("%s/%s/%s/packages/container/%s", d.ghcr.base, kind, url.PathEscape(owner), url.PathEscape(pkg))
		v, err := d.versionWithTag(ctx, base, tag)
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			lastErr = err
			continue
		}
		return base, v, err
	}
	return "", nil, lastErr
}

func (d *Deleter) versionWithTag(ctx context.Context, base, tag string) (*packageVersion, error) {
	for page := 1; page <= maxVersionPages; page++ {
		b, err := d.call(ctx, http.MethodGet, fmt.Sprintf("%s/versions?per_page=100&page=%d", base, page), "Bearer "+d.ghcr.token, nil)
		if err != nil {
			return nil, err
		}
		var vs []packageVersion
		if err := json.Unmarshal(b, &vs); err != nil {
			return nil, fmt.Errorf("GET %s/versions: not a list of package versions: %w", base, err)
		}
		for i := range vs {
			if slices.Contains(vs[i].Metadata.Container.Tags, tag) {
				return &vs[i], nil
			}
		}
		if len(vs) < 100 {
			return nil, nil
		}
	}
	return nil, fmt.Errorf("GET %s/versions: more than %d pages", base, maxVersionPages)
}
