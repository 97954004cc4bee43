package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Fact states.
const (
	Present  = "present"
	Absent   = "absent"
	Unknown  = "unknown"  // could not be established; Error says why
	Missing  = "missing"  // integrity: referenced but 404
	Mismatch = "mismatch" // integrity: served, but not what was referenced
)

// TagFact is what the registry says about one tag.
type TagFact struct {
	Tag       string            `json:"tag"`
	Ref       string            `json:"ref"`
	Platform  string            `json:"platform,omitempty"` // for per-arch tags: the platform it stands for
	State     string            `json:"state"`
	Digest    string            `json:"digest,omitempty"`
	MediaType string            `json:"media_type,omitempty"`
	Index     bool              `json:"index"`
	Platforms map[string]string `json:"platforms"` // platform -> image manifest digest, when known
	Error     string            `json:"error,omitempty"`
}

// Manifest is a manifest's identity and, after a GET, its content.
type Manifest struct {
	Digest    string
	MediaType string
	Body      []byte // nil after a HEAD
}

// IsIndex reports whether the manifest is an image index / manifest list.
func (m *Manifest) IsIndex() bool { return types.MediaType(m.MediaType).IsIndex() }

// HeadTag asks for a tag with HEAD only: exists, digest, media type.
func (c *Client) HeadTag(ctx context.Context, repo name.Repository, tag string) TagFact {
	f := newTagFact(repo, tag)
	m, err := c.repo(repo).head(ctx, tag)
	return f.fill(m, err)
}

// ResolveTag GETs a tag's manifest (its content is needed) and fills the
// per-platform digests.
func (c *Client) ResolveTag(ctx context.Context, repo name.Repository, tag string) TagFact {
	f := newTagFact(repo, tag)
	m, err := c.repo(repo).get(ctx, tag)
	f = f.fill(m, err)
	if f.State == Present {
		c.Describe(ctx, repo, &f)
	}
	return f
}

// Describe fills the per-platform digests of a present tag: the children
// of an index (GET by digest, once per digest), or the platform of a single
// image read from its config.
func (c *Client) Describe(ctx context.Context, repo name.Repository, f *TagFact) {
	if f.State != Present {
		return
	}
	plats, err := c.platforms(ctx, repo, f.Digest)
	if err != nil {
		f.State, f.Error = Unknown, err.Error()
		return
	}
	f.Platforms = plats
}

func newTagFact(repo name.Repository, tag string) TagFact {
	ref := repo.Tag(tag).Name()
	if isDigest(tag) {
		ref = repo.Digest(tag).Name()
	}
	return TagFact{Tag: tag, Ref: ref, Platforms: map[string]string{}}
}

func (f TagFact) fill(m *Manifest, err error) TagFact {
	switch {
	case IsNotFound(err):
		f.State = Absent
	case err != nil:
		f.State, f.Error = Unknown, err.Error()
	default:
		f.State, f.Digest, f.MediaType, f.Index = Present, m.Digest, m.MediaType, m.IsIndex()
	}
	return f
}

// platforms maps the platforms a manifest serves to image digests.
func (c *Client) platforms(ctx context.Context, repo name.Repository, digest string) (map[string]string, error) {
	rc := c.repo(repo)
	m, err := rc.get(ctx, digest)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if !m.IsIndex() {
		p, err := rc.imagePlatform(ctx, m)
		if err != nil {
			return nil, err
		}
		if p != "" {
			addPlatform(out, p, m.Digest)
		}
		return out, nil
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(m.Body))
	if err != nil {
		return nil, fmt.Errorf("%s: index %s: %w", repo.Name(), digest, err)
	}
	if n := len(idx.Manifests); n > c.opts.maxChildren {
		return nil, fmt.Errorf("%s: index %s lists %d manifests, more than the %d releasegate reads", repo.Name(), digest, n, c.opts.maxChildren)
	}
	for _, d := range idx.Manifests {
		if d.Platform == nil || d.Platform.OS == "unknown" || d.Platform.OS == "" {
			continue // attestation manifests and the like
		}
		addPlatform(out, platformString(d.Platform), d.Digest.String())
	}
	return out, nil
}

// addPlatform records os/arch/variant and, if unset, the shorter os/arch,
// so a configured "linux/arm64" matches a "linux/arm64/v8" child.
func addPlatform(m map[string]string, p, digest string) {
	if _, ok := m[p]; !ok {
		m[p] = digest
	}
	if parts := strings.Split(p, "/"); len(parts) > 2 {
		short := parts[0] + "/" + parts[1]
		if _, ok := m[short]; !ok {
			m[short] = digest
		}
	}
}

func platformString(p *v1.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// head HEADs a manifest. A registry that omits Docker-Content-Digest on
// HEAD, or sends one that is not sha256 for a tag (or not in the digest's
// own algorithm), gets a GET instead: a digest we did not see, or cannot
// compare, is not a fact.
func (r *repoClient) head(ctx context.Context, ref string) (*Manifest, error) {
	v, err := r.once("HEAD manifest "+ref, func() (any, error) {
		url := r.endpoint("manifests", ref)
		if err := checkRef(ref); err != nil {
			return nil, &FetchError{Method: http.MethodHead, URL: url, Err: err}
		}
		res, err := r.do(ctx, http.MethodHead, url, manifestAccept, nil)
		if err != nil {
			return nil, err
		}
		dg := res.header.Get("Docker-Content-Digest")
		want := ref
		if !isDigest(ref) {
			want = "sha256:"
		}
		if _, _, herr := parseDigest(dg); herr != nil || !sameAlgorithm(dg, want) {
			return r.get(ctx, ref)
		}
		if isDigest(ref) && dg != ref {
			return nil, &FetchError{Method: http.MethodHead, URL: url, Status: res.status,
				Err: fmt.Errorf("registry answered with digest %s", dg)}
		}
		return &Manifest{Digest: dg, MediaType: mediaType(res.header.Get("Content-Type"))}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Manifest), nil
}

// checkRef refuses a digest reference releasegate cannot verify before
// anything is sent: an unregistered algorithm or malformed hex.
func checkRef(ref string) error {
	if !isDigest(ref) {
		return nil
	}
	_, _, err := parseDigest(ref)
	return err
}

// get GETs a manifest and verifies its bytes: against the digest when ref
// is one (sha256 or sha512), else against Docker-Content-Digest when the
// registry sent it. A tag's digest is the sha256 of its bytes, as clients
// name it. Results are cached by ref and by digest.
func (r *repoClient) get(ctx context.Context, ref string) (*Manifest, error) {
	v, err := r.once("GET manifest "+ref, func() (any, error) {
		url := r.endpoint("manifests", ref)
		if err := checkRef(ref); err != nil {
			return nil, &FetchError{Method: http.MethodGet, URL: url, Err: err}
		}
		res, err := r.do(ctx, http.MethodGet, url, manifestAccept, checkManifestBody(ref))
		if err != nil {
			return nil, err
		}
		dg := ref
		if !isDigest(ref) {
			dg = digestAs("sha256", res.body)
		}
		mt, err := manifestMediaType(res.body, res.header.Get("Content-Type"))
		if err != nil {
			return nil, &FetchError{Method: http.MethodGet, URL: url, Status: res.status, Err: err}
		}
		m := &Manifest{Digest: dg, MediaType: mt, Body: res.body}
		if !isDigest(ref) {
			r.store("GET manifest "+dg, m)
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Manifest), nil
}

// checkManifestBody verifies a manifest body against the digest it was
// asked by and against the Docker-Content-Digest the registry claims,
// each in its own algorithm. A failure is retried: a proxy may have
// mangled the body.
func checkManifestBody(ref string) func(*response) error {
	return func(res *response) error {
		if isDigest(ref) {
			if err := verifyDigest(ref, res.body); err != nil {
				return err
			}
		}
		h := res.header.Get("Docker-Content-Digest")
		if h == "" {
			return nil
		}
		if _, _, err := parseDigest(h); err != nil {
			return permanent(fmt.Errorf("the Docker-Content-Digest header: %w", err))
		}
		if err := verifyDigest(h, res.body); err != nil {
			return fmt.Errorf("the Docker-Content-Digest header %s: %w", h, err)
		}
		return nil
	}
}

// store seeds the cache with a value fetched under another key.
func (r *repoClient) store(key string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.calls[key]; ok {
		return
	}
	c := &call{done: make(chan struct{}), val: v}
	close(c.done)
	r.calls[key] = c
}

// imagePlatform reads os/architecture/variant from an image's config.
func (r *repoClient) imagePlatform(ctx context.Context, m *Manifest) (string, error) {
	mf, err := v1.ParseManifest(bytes.NewReader(m.Body))
	if err != nil {
		return "", fmt.Errorf("%s: manifest %s: %w", r.repo.Name(), m.Digest, err)
	}
	dg := mf.Config.Digest.String()
	v, err := r.once("GET blob "+dg, func() (any, error) {
		res, err := r.do(ctx, http.MethodGet, r.endpoint("blobs", dg), "", func(res *response) error {
			return verifyDigest(dg, res.body)
		})
		if err != nil {
			return nil, err
		}
		var cfg struct {
			OS           string `json:"os"`
			Architecture string `json:"architecture"`
			Variant      string `json:"variant"`
		}
		if err := json.Unmarshal(res.body, &cfg); err != nil {
			return nil, fmt.Errorf("%s: config %s: %w", r.repo.Name(), dg, err)
		}
		if cfg.OS == "" || cfg.Architecture == "" {
			return "", nil
		}
		return platformString(&v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}), nil
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// manifestMediaType takes the media type from the body, falling back to
// Content-Type, and rejects bodies that are not a manifest at all.
func manifestMediaType(body []byte, contentType string) (string, error) {
	var probe struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return "", fmt.Errorf("manifest is not JSON: %w", err)
	}
	mt := probe.MediaType
	if mt == "" {
		mt = mediaType(contentType)
	}
	if probe.SchemaVersion != 2 {
		return "", fmt.Errorf("unsupported manifest schemaVersion %d (media type %q)", probe.SchemaVersion, mt)
	}
	switch types.MediaType(mt) {
	case types.OCIImageIndex, types.DockerManifestList, types.OCIManifestSchema1, types.DockerManifestSchema2:
		return mt, nil
	}
	return "", errors.New("unsupported manifest media type " + fmt.Sprintf("%q", mt))
}

func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.TrimSpace(mt)
}

// ArchTag expands a per-arch tag template for a version and a platform
// ("os/arch[/variant]"): {version}, {os}, {arch} and {variant} are
// replaced, so "{version}-{arch}" gives "1.4.0-arm64" for linux/arm64.
func ArchTag(tmpl, version, platform string) string {
	parts := strings.Split(platform, "/")
	variant := ""
	if len(parts) > 2 {
		variant = parts[2]
	}
	return strings.NewReplacer("{version}", version, "{os}", parts[0], "{arch}", parts[1], "{variant}", variant).Replace(tmpl)
}
