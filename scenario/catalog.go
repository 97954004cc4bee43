package scenario

// A whole registry of release histories, for the catalog probe: many
// repositories, each with a few releases whose tags share content the way
// real histories do, and ways to break some of them as registries break.

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"slices"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// CatalogTags are the tags of every repository: three releases, with
// "1.1" and "latest" following the newest, so five tags share three
// indexes, and every image of a repository shares its base layer.
var CatalogTags = []string{"1.0.0", "1.0.1", "1.1.0", "1.1", "latest"}

// catalogReleases maps each tag to the release it points at.
var catalogReleases = map[string]int{"1.0.0": 0, "1.0.1": 1, "1.1.0": 2, "1.1": 2, "latest": 2}

// Catalog is a registry filled by PublishCatalog: what each tag needs for
// a pull, and what was broken since.
type Catalog struct {
	Registry     Registry
	Repositories []string // paths, e.g. acme/app-000, labs/app-001
	Publisher    Publisher

	mu       sync.Mutex
	releases map[string][]*Release          // repository -> release by number
	removed  map[string]map[string]bool     // repository -> digests no longer served
	needs    map[string]map[string][]string // repository -> tag -> digests a pull needs
}

// PublishCatalog pushes n repositories into reg, alternating between the
// acme/ and labs/ namespaces, each with CatalogTags. Content depends only
// on seed and the repository's number.
func PublishCatalog(ctx context.Context, reg Registry, n int, seed int64) (*Catalog, error) {
	c := &Catalog{
		Registry: reg, Publisher: Publisher{Ctx: ctx},
		releases: map[string][]*Release{}, removed: map[string]map[string]bool{}, needs: map[string]map[string][]string{},
	}
	for i := range n {
		ns := []string{"acme", "labs"}[i%2]
		c.Repositories = append(c.Repositories, fmt.Sprintf("%s/app-%03d", ns, i))
	}
	base, err := baseLayers(seed)
	if err != nil {
		return nil, err
	}
	// A few pushes at a time: enough to fill a catalog quickly without
	// drowning the in-process registry.
	errs := make([]error, n)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, repo := range c.Repositories {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = c.publishRepository(repo, seed*1_000_000+int64(i)*10, base)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// baseLayers is one base layer per platform, shared by every image.
func baseLayers(seed int64) (map[string]v1.Layer, error) {
	out := map[string]v1.Layer{}
	for i, p := range DefaultLayout.Platforms {
		l, err := random.Layer(512, types.OCILayer, random.WithSource(rand.NewSource(seed*7+int64(i))))
		if err != nil {
			return nil, err
		}
		out[p] = l
	}
	return out, nil
}

func (c *Catalog) publishRepository(repo string, seed int64, base map[string]v1.Layer) error {
	ref := c.Registry.Host + "/" + repo
	var rels []*Release
	for k := range 3 {
		rel, err := buildOnBase(seed+int64(k), base)
		if err != nil {
			return err
		}
		rels = append(rels, rel)
	}
	// One MultiWrite per repository: each blob is uploaded once however
	// many tags share it.
	needs := map[string][]string{}
	writes := map[name.Reference]remote.Taggable{}
	for _, tag := range CatalogTags {
		rel := rels[catalogReleases[tag]]
		t, err := tagRef(ref, tag)
		if err != nil {
			return err
		}
		writes[t] = rel.Index
		if needs[tag], err = pullNeeds(rel); err != nil {
			return err
		}
	}
	if err := remote.MultiWrite(writes, c.Publisher.opts()...); err != nil {
		return fmt.Errorf("push %s: %w", ref, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.releases[repo], c.needs[repo] = rels, needs
	return nil
}

// buildOnBase makes a two-platform release whose images are the shared
// base layer plus one layer of their own.
func buildOnBase(seed int64, base map[string]v1.Layer) (*Release, error) {
	rel := &Release{Images: map[string]v1.Image{}}
	var adds []mutate.IndexAddendum
	for i, p := range DefaultLayout.Platforms {
		own, err := random.Layer(256, types.OCILayer, random.WithSource(rand.NewSource(seed*10+int64(i))))
		if err != nil {
			return nil, err
		}
		img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), base[p], own)
		if err != nil {
			return nil, err
		}
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
		plat, err := platformOf(p)
		if err != nil {
			return nil, err
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = plat.OS, plat.Architecture
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			return nil, err
		}
		rel.Images[p] = img
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: plat}})
	}
	rel.Index = mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	return rel, nil
}

func platformOf(p string) (*v1.Platform, error) {
	plat, err := v1.ParsePlatform(p)
	if err != nil {
		return nil, fmt.Errorf("platform %s: %w", p, err)
	}
	return plat, nil
}

// pullNeeds lists every digest a pull of the release needs: the index,
// each child, its config and layers.
func pullNeeds(rel *Release) ([]string, error) {
	out := []string{rel.Digest()}
	for _, img := range rel.Images {
		m, err := img.Manifest()
		if err != nil {
			return nil, err
		}
		d, err := img.Digest()
		if err != nil {
			return nil, err
		}
		out = append(out, d.String(), m.Config.Digest.String())
		for _, l := range m.Layers {
			out = append(out, l.Digest.String())
		}
	}
	return out, nil
}

// OrphanChild deletes the image of one platform of a release from a
// repository, as a tag cleanup does; run GarbageCollect afterwards to
// sweep its blobs. Every tag of that release is then an orphan index.
func (c *Catalog) OrphanChild(repo string, release int, platform string) error {
	d := c.releases[repo][release].PlatformDigest(platform)
	if err := c.Publisher.Delete(c.Registry.Host+"/"+repo, d); err != nil {
		return err
	}
	c.remove(repo, d)
	return nil
}

// DeleteLayer deletes one layer of a release's platform image from a
// repository through the registry's blob endpoint (DELETE
// /v2/<name>/blobs/<digest>): the manifests still name it, the registry
// no longer serves it. Layer 0 is the base every tag shares.
func (c *Catalog) DeleteLayer(ctx context.Context, repo string, release int, platform string, layer int) error {
	m, err := c.releases[repo][release].Images[platform].Manifest()
	if err != nil {
		return err
	}
	d := m.Layers[layer].Digest.String()
	url := fmt.Sprintf("%s/v2/%s/blobs/%s", c.Registry.URL, repo, d)
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("DELETE %s: %s", url, resp.Status)
	}
	c.remove(repo, d)
	return nil
}

// GarbageCollect runs the registry's collector (see Registry).
func (c *Catalog) GarbageCollect(ctx context.Context) error {
	if c.Registry.GarbageCollect == nil {
		return fmt.Errorf("registry %s has no garbage collector", c.Registry.Host)
	}
	return c.Registry.GarbageCollect(ctx)
}

func (c *Catalog) remove(repo, digest string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed[repo] == nil {
		c.removed[repo] = map[string]bool{}
	}
	c.removed[repo][digest] = true
}

// Broken lists, sorted, every "repository:tag" a pull of which now fails.
func (c *Catalog) Broken() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for repo, gone := range c.removed {
		for tag, needs := range c.needs[repo] {
			if slices.ContainsFunc(needs, func(d string) bool { return gone[d] }) {
				out = append(out, repo+":"+tag)
			}
		}
	}
	slices.Sort(out)
	return out
}
