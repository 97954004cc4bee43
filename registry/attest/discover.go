package attest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Media types and annotations of sigstore bundles stored in registries.
const (
	// BundleMediaType is the v0.3 bundle, as `gh attestation` and
	// `cosign --new-bundle-format` push it.
	BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"
	// bundleMediaTypePrefix covers the older
	// "application/vnd.dev.sigstore.bundle+json;version=0.x" spellings.
	bundleMediaTypePrefix = "application/vnd.dev.sigstore.bundle"
	// PredicateTypeAnnotation carries a bundle's predicate type on the
	// referrer, so it is known before the bundle is fetched.
	PredicateTypeAnnotation = "dev.sigstore.bundle.predicateType"
	emptyConfigMediaType    = "application/vnd.oci.empty.v1+json"
)

// Limits against a hostile or broken registry.
const (
	maxBundleSize       = 16 << 20
	maxBundlesPerDigest = 64
)

// IsBundleMediaType reports whether mt is a sigstore bundle media type
// (v0.3 and later, or the older "+json;version=0.x" form).
func IsBundleMediaType(mt string) bool {
	mt = strings.TrimSpace(mt)
	if !strings.HasPrefix(mt, bundleMediaTypePrefix) {
		return false
	}
	rest := strings.TrimPrefix(mt, bundleMediaTypePrefix)
	return strings.HasPrefix(rest, ".v") && strings.HasSuffix(rest, "+json") ||
		strings.HasPrefix(rest, "+json;version=")
}

// found is one bundle as fetched, before verification.
type found struct {
	referrer      string
	mediaType     string
	predicateType string
	raw           []byte
	err           error // the referrer is broken: reported as an invalid bundle
}

// discovery is everything attached to one digest.
type discovery struct {
	bundles []found
	legacy  []Legacy
}

// discover lists the referrers of d (OCI 1.1 API, or the sha256-<hex>
// fallback tag on registries without it; go-containerregistry does both),
// fetches every sigstore bundle among them once, and looks for cosign's
// legacy tags. An error means the digest's attestations are unknown.
func discover(ctx context.Context, d name.Digest, opts []remote.Option) (discovery, error) {
	var out discovery
	opts = append(opts[:len(opts):len(opts)], remote.WithContext(ctx))
	idx, err := remote.Referrers(d, opts...)
	if err != nil {
		return out, fmt.Errorf("list referrers of %s: %w", d, err)
	}
	if err := checkReferrersIndex(idx); err != nil {
		return out, fmt.Errorf("list referrers of %s: %w", d, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return out, fmt.Errorf("list referrers of %s: %w", d, err)
	}
	if len(im.Manifests) == 0 {
		// Nothing listed. go-containerregistry reads a 404 on the fallback
		// tag as "no referrers", and some registries answer 404 when the
		// tag holds something other than an index: look at the tag itself
		// before concluding there is nothing.
		if im, err = fallbackIndex(d, opts); err != nil {
			return out, err
		}
	}
	var cands []v1.Descriptor
	for _, desc := range im.Manifests {
		if candidate(desc) {
			cands = append(cands, desc)
		}
	}
	if len(cands) > maxBundlesPerDigest {
		return out, fmt.Errorf("%s has %d candidate attestation referrers, more than the %d releasegate reads", d, len(cands), maxBundlesPerDigest)
	}
	for _, desc := range cands {
		f, ok, err := fetchBundle(d, desc, opts)
		if err != nil {
			return out, err
		}
		if ok {
			out.bundles = append(out.bundles, f)
		}
	}
	out.legacy, err = legacyTags(d, opts)
	return out, err
}

// fallbackIndex reads the referrers fallback tag (sha256-<hex>) with any
// manifest type accepted: absent is an empty list, an index is read, and
// anything else is an error.
func fallbackIndex(d name.Digest, opts []remote.Option) (*v1.IndexManifest, error) {
	tag := d.Context().Tag(strings.Replace(d.DigestStr(), ":", "-", 1))
	desc, err := remote.Head(tag, opts...)
	if isNotFound(err) {
		return &v1.IndexManifest{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look for referrers tag %s: %w", tag, err)
	}
	if desc.MediaType != types.OCIImageIndex {
		return nil, fmt.Errorf("referrers tag %s holds a %s, not an OCI image index", tag, desc.MediaType)
	}
	idx, err := remote.Index(tag, opts...)
	if err != nil {
		return nil, fmt.Errorf("read referrers tag %s: %w", tag, err)
	}
	if err := checkReferrersIndex(idx); err != nil {
		return nil, fmt.Errorf("read referrers tag %s: %w", tag, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("read referrers tag %s: %w", tag, err)
	}
	return im, nil
}

// checkReferrersIndex rejects a referrers answer that is not an image
// index: an image manifest at the fallback tag parses as an index with no
// entries, which would read as "nothing attached".
func checkReferrersIndex(idx v1.ImageIndex) error {
	raw, err := idx.RawManifest()
	if err != nil {
		return err
	}
	var probe struct {
		SchemaVersion int             `json:"schemaVersion"`
		MediaType     string          `json:"mediaType"`
		Manifests     json.RawMessage `json:"manifests"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return fmt.Errorf("referrers list is not JSON: %w", err)
	}
	if probe.MediaType != "" && probe.MediaType != string(types.OCIImageIndex) {
		return fmt.Errorf("referrers list is a %s, not an OCI image index", probe.MediaType)
	}
	if probe.SchemaVersion != 2 {
		return fmt.Errorf("referrers list has schemaVersion %d, want 2", probe.SchemaVersion)
	}
	return nil
}

// candidate keeps referrers that are, or may be, sigstore bundles: the
// artifact type says so, or it is unset / the empty config and only the
// layers can tell.
func candidate(desc v1.Descriptor) bool {
	switch {
	case IsBundleMediaType(desc.ArtifactType):
		return true
	case desc.ArtifactType == "", desc.ArtifactType == emptyConfigMediaType:
		return true
	}
	return false
}

// fetchBundle reads a referrer manifest and its bundle layer. ok is false
// when the referrer turns out not to carry a bundle. A referrer that is
// malformed or claims another subject is returned with err set on the
// found value (it is a bad attestation, not a registry failure); registry
// errors are returned as error.
func fetchBundle(subject name.Digest, desc v1.Descriptor, opts []remote.Option) (found, bool, error) {
	ref := subject.Context().Digest(desc.Digest.String())
	f := found{referrer: desc.Digest.String(), mediaType: desc.ArtifactType,
		predicateType: desc.Annotations[PredicateTypeAnnotation]}
	rd, err := remote.Get(ref, opts...)
	if err != nil {
		return f, false, fmt.Errorf("fetch referrer %s: %w", ref, err)
	}
	m, err := v1.ParseManifest(strings.NewReader(string(rd.Manifest)))
	if err != nil {
		f.err = fmt.Errorf("referrer %s is not an image manifest: %w", ref, err)
		return f, IsBundleMediaType(desc.ArtifactType), nil
	}
	layer, ok := bundleLayer(m)
	if !ok {
		if IsBundleMediaType(desc.ArtifactType) || IsBundleMediaType(m.ArtifactType) {
			f.err = fmt.Errorf("referrer %s has artifact type %s but no bundle layer", ref, desc.ArtifactType)
			return f, true, nil
		}
		return f, false, nil
	}
	f.mediaType = string(layer.MediaType)
	if pt := m.Annotations[PredicateTypeAnnotation]; pt != "" {
		f.predicateType = pt
	}
	if m.Subject == nil || m.Subject.Digest.String() != subject.DigestStr() {
		f.err = fmt.Errorf("referrer %s names subject %v, not %s", ref, subjectOf(m), subject.DigestStr())
		return f, true, nil
	}
	if layer.Size > maxBundleSize || layer.Size < 0 {
		f.err = fmt.Errorf("bundle %s is %d bytes, more than the %d releasegate reads", layer.Digest, layer.Size, maxBundleSize)
		return f, true, nil
	}
	f.raw, err = readBlob(subject.Context().Digest(layer.Digest.String()), opts)
	if err != nil {
		return f, false, err
	}
	return f, true, nil
}

func subjectOf(m *v1.Manifest) string {
	if m.Subject == nil {
		return "nothing"
	}
	return m.Subject.Digest.String()
}

// bundleLayer returns the first layer holding a sigstore bundle.
func bundleLayer(m *v1.Manifest) (v1.Descriptor, bool) {
	for _, l := range m.Layers {
		if IsBundleMediaType(string(l.MediaType)) {
			return l, true
		}
	}
	return v1.Descriptor{}, false
}

// readBlob fetches a blob; go-containerregistry checks its digest as the
// body is read.
func readBlob(ref name.Digest, opts []remote.Option) ([]byte, error) {
	l, err := remote.Layer(ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("fetch bundle %s: %w", ref, err)
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, fmt.Errorf("fetch bundle %s: %w", ref, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxBundleSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetch bundle %s: %w", ref, err)
	}
	if len(b) > maxBundleSize {
		return nil, fmt.Errorf("fetch bundle %s: larger than %d bytes", ref, maxBundleSize)
	}
	return b, nil
}

// legacyTags HEADs cosign's tag-based locations for d.
func legacyTags(d name.Digest, opts []remote.Option) ([]Legacy, error) {
	base := strings.Replace(d.DigestStr(), ":", "-", 1)
	out := []Legacy{}
	for _, k := range []struct{ suffix, kind string }{{".sig", "signature"}, {".att", "attestation"}} {
		tag := d.Context().Tag(base + k.suffix)
		desc, err := remote.Head(tag, opts...)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look for cosign tag %s: %w", tag, err)
		}
		out = append(out, Legacy{Tag: tag.Name(), Kind: k.kind, Digest: desc.Digest.String(), Note: LegacyNote})
	}
	return out, nil
}

func isNotFound(err error) bool {
	var terr *transport.Error
	return errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound
}
