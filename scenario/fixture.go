// Package scenario publishes release scenarios into running registries
// with go-containerregistry: real pushes of small deterministic images and
// multi-platform indexes. Each scenario reproduces a way a real release
// went wrong. `releasegate demo` publishes one into in-memory registries,
// the gate tests publish every one into registry:2 (internal/localregistry,
// through scenario/scenariotest), so this package is demo content, not a
// test double, and must not import one.
package scenario

import (
	"context"
	"fmt"
	"math/rand"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/releasegate/releasegate/registry"
)

// Release is one built release: a per-platform image each and the index
// over them.
type Release struct {
	Images map[string]v1.Image // platform -> image
	Index  v1.ImageIndex
}

// Build makes a release for platforms whose content depends only on seed,
// so the same seed gives the same digests.
func Build(seed int64, platforms []string) (*Release, error) {
	rel := &Release{Images: map[string]v1.Image{}}
	var adds []mutate.IndexAddendum
	for i, p := range platforms {
		src := rand.NewSource(seed*100 + int64(i))
		img, err := random.Image(256, 2, random.WithSource(src))
		if err != nil {
			return nil, err
		}
		parts := strings.Split(p, "/")
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = parts[0], parts[1]
		if len(parts) > 2 {
			cf.Variant = parts[2]
		}
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			return nil, err
		}
		rel.Images[p] = img
		plat := &v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: plat}})
	}
	rel.Index = mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	return rel, nil
}

// Digest returns the index digest.
func (r *Release) Digest() string {
	d, err := r.Index.Digest()
	if err != nil {
		return ""
	}
	return d.String()
}

// PlatformDigest returns the image digest for a platform.
func (r *Release) PlatformDigest(p string) string {
	img, ok := r.Images[p]
	if !ok {
		return ""
	}
	d, err := img.Digest()
	if err != nil {
		return ""
	}
	return d.String()
}

// Publisher pushes into repositories with plain HTTP (loopback only).
type Publisher struct {
	Ctx context.Context
}

func (p Publisher) opts() []remote.Option {
	ctx := p.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return []remote.Option{remote.WithContext(ctx)}
}

func tagRef(repo, tag string) (name.Tag, error) {
	return name.NewTag(repo+":"+tag, name.Insecure)
}

// PushIndex pushes the release index (and its images) under tags.
func (p Publisher) PushIndex(repo string, rel *Release, tags ...string) error {
	for _, t := range tags {
		ref, err := tagRef(repo, t)
		if err != nil {
			return err
		}
		if err := remote.WriteIndex(ref, rel.Index, p.opts()...); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
	}
	return nil
}

// PushArch pushes one platform image under tag.
func (p Publisher) PushArch(repo string, rel *Release, platform, tag string) error {
	ref, err := tagRef(repo, tag)
	if err != nil {
		return err
	}
	if err := remote.Write(ref, rel.Images[platform], p.opts()...); err != nil {
		return fmt.Errorf("push %s: %w", ref, err)
	}
	return nil
}

// Delete deletes a manifest by digest (the registry untags it too).
func (p Publisher) Delete(repo, digest string) error {
	ref, err := name.NewDigest(repo+"@"+digest, name.Insecure)
	if err != nil {
		return err
	}
	if err := remote.Delete(ref, p.opts()...); err != nil {
		return fmt.Errorf("delete %s: %w", ref, err)
	}
	return nil
}

// Layout is the release shape every scenario uses.
type Layout struct {
	Platforms  []string
	ArchTag    string
	MovingTags []string
}

// DefaultLayout is two platforms, "{version}-{arch}" per-arch tags and latest.
var DefaultLayout = Layout{
	Platforms:  []string{"linux/amd64", "linux/arm64"},
	ArchTag:    "{version}-{arch}",
	MovingTags: []string{"latest"},
}

// PublishFull publishes a complete release the way a release workflow
// does: per-arch tags first, then the index under the version and the
// moving tags.
func (p Publisher) PublishFull(repo string, l Layout, rel *Release, version string, moving bool) error {
	for _, pl := range l.Platforms {
		if l.ArchTag == "" {
			continue
		}
		if err := p.PushArch(repo, rel, pl, registry.ArchTag(l.ArchTag, version, pl)); err != nil {
			return err
		}
	}
	tags := []string{version}
	if moving {
		tags = append(tags, l.MovingTags...)
	}
	return p.PushIndex(repo, rel, tags...)
}

// Registry is one running registry a scenario publishes into.
type Registry struct {
	Host string // "127.0.0.1:PORT", usable in image references
	URL  string // "http://" + Host
	// GarbageCollect removes untagged manifests and what only they
	// referenced, as `registry garbage-collect --delete-untagged` does.
	// Nil for a registry without a collector; scenarios that need one
	// (orphan-index) fail there.
	GarbageCollect func(context.Context) error
}

// Env is a set of running registries and one image repository in each.
type Env struct {
	Registries []Registry
	Images     []string // host/acme/app, one per registry
	Layout     Layout
	Publisher  Publisher
	closers    []func()
}

// NewEnv describes running registries; close, if not nil, stops them.
func NewEnv(regs []Registry, close func()) *Env {
	e := &Env{Registries: regs, Layout: DefaultLayout}
	for _, r := range regs {
		e.Images = append(e.Images, r.Host+"/acme/app")
	}
	if close != nil {
		e.closers = append(e.closers, close)
	}
	return e
}

// Close stops the registries.
func (e *Env) Close() {
	for _, c := range e.closers {
		c()
	}
}
