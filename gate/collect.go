package gate

// Gathering the facts of each phase: which requests each phase sends, and
// in which order, to learn what the policies need.

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/registry"
)

// collect gathers the facts of the run's phase.
func (r *runner) collect(ctx context.Context) (*Facts, error) {
	o := r.opts
	f := &Facts{
		Phase: o.Phase.Name(), Version: o.Version, Platforms: nonNil(o.Platforms), ArchTag: o.ArchTag,
		MovingTags: nonNil(o.MovingTags), OnExisting: o.OnExisting,
		Expected: map[string]map[string]Expected{},
	}
	if err := o.Phase.gather(ctx, r, f); err != nil {
		return nil, err
	}
	return f, nil
}

// images parses the configured images and adds each to f.
func (r *runner) images(f *Facts) ([]name.Repository, error) {
	repos := make([]name.Repository, len(r.opts.Images))
	for i, s := range r.opts.Images {
		repo, err := r.client.ParseRepository(s)
		if err != nil {
			return nil, usagef("%v", err)
		}
		if _, err := name.NewTag(repo.Name() + ":" + r.opts.Version); err != nil {
			return nil, usagef("%s:%s is not a valid reference", repo.Name(), r.opts.Version)
		}
		repos[i] = repo
		f.Images = append(f.Images, newImage(s))
	}
	return repos, nil
}

// each gathers every image concurrently with do.
func (r *runner) each(repos []name.Repository, f *Facts, do func(name.Repository, *ImageFacts)) {
	var wg sync.WaitGroup
	for i, repo := range repos {
		wg.Go(func() { do(repo, f.Images[i]) })
	}
	wg.Wait()
}

func (r *runner) archTags(repo name.Repository) []registry.TagFact {
	if r.opts.ArchTag == "" {
		return []registry.TagFact{}
	}
	out := make([]registry.TagFact, len(r.opts.Platforms))
	for i, p := range r.opts.Platforms {
		out[i] = registry.TagFact{Tag: registry.ArchTag(r.opts.ArchTag, r.opts.Version, p), Platform: p}
	}
	return out
}

// preflightImage: HEAD the version tag and every per-arch tag.
func (r *runner) preflightImage(ctx context.Context, repo name.Repository, img *ImageFacts) {
	img.Arch = r.archTags(repo)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		img.Version = r.client.HeadTag(ctx, repo, r.opts.Version)
	}()
	for i := range img.Arch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := img.Arch[i].Platform
			img.Arch[i] = r.client.HeadTag(ctx, repo, img.Arch[i].Tag)
			img.Arch[i].Platform = p
		}()
	}
	wg.Wait()
}

// verifyImage: GET the version (its children are needed) and start its
// integrity walk at once, while HEADing the moving and per-arch tags; then
// describe the tags that point elsewhere and walk what they add. record
// skips moving tags and the walk.
func (r *runner) verifyImage(ctx context.Context, repo name.Repository, img *ImageFacts, full bool) {
	img.Arch = r.archTags(repo)
	if full {
		img.Moving = make([]registry.TagFact, len(r.opts.MovingTags))
	}
	var wg sync.WaitGroup
	var walked []registry.Object
	wg.Add(1)
	go func() {
		defer wg.Done()
		img.Version = r.client.ResolveTag(ctx, repo, r.opts.Version)
		if full && img.Version.State == registry.Present {
			walked = r.client.Walk(ctx, repo, img.Version.Digest)
		}
	}()
	head := func(t *registry.TagFact, tag string) {
		defer wg.Done()
		p := t.Platform
		*t = r.client.HeadTag(ctx, repo, tag)
		t.Platform = p
	}
	for i := range img.Moving {
		wg.Add(1)
		go head(&img.Moving[i], r.opts.MovingTags[i])
	}
	for i := range img.Arch {
		wg.Add(1)
		go head(&img.Arch[i], img.Arch[i].Tag)
	}
	wg.Wait()

	others := append(ptrs(img.Moving), ptrs(img.Arch)...)
	for _, t := range others {
		if t.State != registry.Present {
			continue
		}
		if img.Version.State == registry.Present && t.Digest == img.Version.Digest {
			t.Platforms = img.Version.Platforms
			continue
		}
		if t.Index {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.client.Describe(ctx, repo, t)
			}()
		}
	}
	wg.Wait()
	if !full {
		return
	}
	// Walk what the other tags add: digests the version walk did not reach.
	seen := map[string]bool{img.Version.Digest: true}
	for _, d := range img.Version.Platforms {
		seen[d] = true
	}
	var roots []string
	for _, t := range others {
		if t.State == registry.Present && !seen[t.Digest] {
			seen[t.Digest] = true
			roots = append(roots, t.Digest)
		}
	}
	if len(roots) > 0 {
		walked = append(walked, r.client.Walk(ctx, repo, roots...)...)
	}
	img.Integrity = dedupe(walked)
}

// dedupe keeps the first object per kind and digest.
func dedupe(objs []registry.Object) []registry.Object {
	out := []registry.Object{}
	seen := map[string]bool{}
	for _, o := range objs {
		if k := o.Kind + " " + o.Digest; !seen[k] {
			seen[k] = true
			out = append(out, o)
		}
	}
	return out
}

// probeImage walks one tag of a configured image.
func (r *runner) probeImage(ctx context.Context, repo name.Repository, tag string, img *ImageFacts) {
	img.Version = r.client.ResolveTag(ctx, repo, tag)
	if img.Version.State == registry.Present {
		img.Integrity = r.client.Walk(ctx, repo, img.Version.Digest)
	}
}

// collectProbeRefs walks explicit references (tags or digests).
func (r *runner) collectProbeRefs(ctx context.Context, refs []string, f *Facts) error {
	type item struct {
		repo name.Repository
		id   string
	}
	items := make([]item, len(refs))
	for i, s := range refs {
		ref, err := r.client.ParseReference(s)
		if err != nil {
			return usagef("%v", err)
		}
		items[i] = item{ref.Context(), ref.Identifier()}
		f.Images = append(f.Images, newImage(s))
	}
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.probeImage(ctx, it.repo, it.id, f.Images[i])
		}()
	}
	wg.Wait()
	return nil
}

// expectations turns --expect and --ledger into facts.expected.
func (v Verify) expectations(version string, f *Facts) error {
	if len(v.Expect) > 0 {
		e := Expected{Platforms: map[string]string{}}
		for p, d := range v.Expect {
			if p == "index" {
				e.Digest = d
			} else {
				e.Platforms[p] = d
			}
		}
		for _, img := range f.Images {
			f.Expected[img.Image] = map[string]Expected{version: e}
		}
	}
	if v.Ledger == nil {
		return nil
	}
	if v.Ledger.Release != version {
		return usagef("ledger %s records version %s, not %s", v.LedgerFile, v.Ledger.Release, version)
	}
	for _, img := range f.Images {
		tags, ok := v.Ledger.Images[img.Image]
		if !ok {
			img.Errors = append(img.Errors, fmt.Sprintf("ledger %s has no record for %s", v.LedgerFile, img.Image))
			continue
		}
		if f.Expected[img.Image] == nil {
			f.Expected[img.Image] = map[string]Expected{}
		}
		for tag, e := range tags {
			f.Expected[img.Image][tag] = e
		}
	}
	return nil
}

func ptrs(ts []registry.TagFact) []*registry.TagFact {
	out := make([]*registry.TagFact, len(ts))
	for i := range ts {
		out[i] = &ts[i]
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
