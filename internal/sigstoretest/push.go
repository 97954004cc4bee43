package sigstoretest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Media types used when attaching artifacts.
const (
	EmptyConfigMediaType    = "application/vnd.oci.empty.v1+json"
	PredicateTypeAnnotation = "dev.sigstore.bundle.predicateType"
	cosignSimpleSigning     = "application/vnd.dev.cosign.simplesigning.v1+json"
	dsseEnvelopeMediaType   = "application/vnd.dsse.envelope.v1+json"
)

type rawManifest struct {
	raw []byte
	mt  types.MediaType
}

func (r rawManifest) RawManifest() ([]byte, error)        { return r.raw, nil }
func (r rawManifest) MediaType() (types.MediaType, error) { return r.mt, nil }

// PushBundle attaches a sigstore bundle to subject as an OCI 1.1 referrer:
// an image manifest whose artifactType and only layer are the bundle media
// type, whose config is the empty descriptor and whose subject is the
// attested manifest. That is the layout `gh attestation` and `cosign
// attest --new-bundle-format` use. Registries without the referrers API get
// the fallback tag (sha256-<hex>) updated by go-containerregistry. It
// returns the digest of the referrer manifest.
func PushBundle(subject name.Digest, bundleJSON []byte, mediaType, predicateType string, opts ...remote.Option) (name.Digest, error) {
	if mediaType == "" {
		mediaType = BundleMediaType
	}
	desc, err := remote.Head(subject, opts...)
	if err != nil {
		return name.Digest{}, fmt.Errorf("head subject %s: %w", subject, err)
	}
	ann := map[string]string{"dev.sigstore.bundle.content": "dsse-envelope"}
	if predicateType != "" {
		ann[PredicateTypeAnnotation] = predicateType
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  mediaType,
		Subject:       &v1.Descriptor{MediaType: desc.MediaType, Size: desc.Size, Digest: desc.Digest},
		Annotations:   ann,
	}
	return pushArtifact(subject.Context(), m, nil, []layer{
		{content: bundleJSON, mt: types.MediaType(mediaType)},
	}, opts...)
}

type layer struct {
	content []byte
	mt      types.MediaType
	ann     map[string]string
}

// pushArtifact uploads the empty config and the layers, then the manifest
// by digest (or at tag when non-nil).
func pushArtifact(repo name.Repository, m v1.Manifest, tag *name.Tag, layers []layer, opts ...remote.Option) (name.Digest, error) {
	cfg := static.NewLayer([]byte("{}"), EmptyConfigMediaType)
	if err := remote.WriteLayer(repo, cfg, opts...); err != nil {
		return name.Digest{}, fmt.Errorf("upload empty config to %s: %w", repo, err)
	}
	m.Config = v1.Descriptor{MediaType: EmptyConfigMediaType, Size: 2, Digest: mustDigest(cfg)}
	for _, l := range layers {
		sl := static.NewLayer(l.content, l.mt)
		if err := remote.WriteLayer(repo, sl, opts...); err != nil {
			return name.Digest{}, fmt.Errorf("upload layer to %s: %w", repo, err)
		}
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: l.mt, Size: int64(len(l.content)), Digest: mustDigest(sl), Annotations: l.ann})
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return name.Digest{}, err
	}
	h, _, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return name.Digest{}, err
	}
	dig := repo.Digest(h.String())
	var ref name.Reference = dig
	if tag != nil {
		ref = *tag
	}
	if err := remote.Put(ref, rawManifest{raw: raw, mt: types.OCIManifestSchema1}, opts...); err != nil {
		return name.Digest{}, fmt.Errorf("put manifest %s: %w", ref, err)
	}
	return dig, nil
}

func mustDigest(l v1.Layer) v1.Hash {
	h, err := l.Digest()
	if err != nil {
		panic(err) // static layers hash in memory: cannot fail
	}
	return h
}

// PushLegacyCosign writes what cosign before the bundle format wrote next
// to an image: a tag "sha256-<hex>.sig" (kind "sig") or ".att" (kind
// "att") holding a signature or an attestation envelope. The content is a
// plausible shape only; releasegate does not verify this format.
func PushLegacyCosign(subject name.Digest, kind string, opts ...remote.Option) (name.Digest, error) {
	tag := subject.Context().Tag(strings.Replace(subject.DigestStr(), ":", "-", 1) + "." + kind)
	l := layer{mt: cosignSimpleSigning, ann: map[string]string{"dev.cosignproject.cosign/signature": "MEUCIQDlegacy"}}
	l.content, _ = json.Marshal(map[string]any{
		"critical": map[string]any{
			"identity": map[string]string{"docker-reference": subject.Context().String()},
			"image":    map[string]string{"docker-manifest-digest": subject.DigestStr()},
			"type":     "cosign container image signature",
		},
	})
	if kind == "att" {
		l.mt = dsseEnvelopeMediaType
		l.ann = map[string]string{"dev.cosignproject.cosign/signature": ""}
		l.content = []byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"MEUCIQDlegacy"}]}`)
	}
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.OCIManifestSchema1}
	return pushArtifact(subject.Context(), m, &tag, []layer{l}, opts...)
}

// PushRelease pushes a small multi-arch release: one random image per
// platform ("os/arch") and an OCI index over them, tagged tag. It returns
// the index digest and each platform's image digest.
func PushRelease(repo name.Repository, tag string, platforms []string, opts ...remote.Option) (name.Digest, map[string]name.Digest, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	out := map[string]name.Digest{}
	for _, p := range platforms {
		os, arch, _ := strings.Cut(p, "/")
		img, err := random.Image(64, 1)
		if err != nil {
			return name.Digest{}, nil, err
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return name.Digest{}, nil, err
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = os, arch
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			return name.Digest{}, nil, err
		}
		img = mutate.MediaType(mutate.ConfigMediaType(img, types.OCIConfigJSON), types.OCIManifestSchema1)
		h, err := img.Digest()
		if err != nil {
			return name.Digest{}, nil, err
		}
		if err := remote.Write(repo.Digest(h.String()), img, opts...); err != nil {
			return name.Digest{}, nil, fmt.Errorf("push %s image: %w", p, err)
		}
		out[p] = repo.Digest(h.String())
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: os, Architecture: arch},
		}})
	}
	h, err := idx.Digest()
	if err != nil {
		return name.Digest{}, nil, err
	}
	if err := remote.WriteIndex(repo.Tag(tag), idx, opts...); err != nil {
		return name.Digest{}, nil, fmt.Errorf("push index %s:%s: %w", repo, tag, err)
	}
	return repo.Digest(h.String()), out, nil
}
