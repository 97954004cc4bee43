package gate

// The catalog probe: every tag of every repository of a registry, walked
// the way a pull would, keeping only what a report needs. Memory follows
// the repositories in flight and the problems found, not the tags walked.

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/registry"
)

// collectProbe gathers the facts of a probe of explicit references and
// catalogs: the references first (they are few), then every catalog at
// once, each registry with its own request slots.
func (r *runner) collectProbe(ctx context.Context, p *Probe, f *Facts) error {
	var regs []name.Registry
	for _, host := range p.Catalogs {
		reg, err := r.client.ParseRegistry(host)
		if err != nil {
			return usagef("--catalog: %v", err)
		}
		if !slices.ContainsFunc(regs, func(x name.Registry) bool { return x.RegistryStr() == reg.RegistryStr() }) {
			regs = append(regs, reg)
		}
	}
	if len(p.Refs) > 0 {
		if err := r.collectProbeRefs(ctx, p.Refs, f); err != nil {
			return err
		}
	}
	walks := make([]*catalogWalk, len(regs))
	var wg sync.WaitGroup
	for i, reg := range regs {
		walks[i] = r.newCatalogWalk(p, reg)
		wg.Go(func() { walks[i].run(ctx) })
	}
	wg.Wait()
	for _, w := range walks {
		f.Catalogs = append(f.Catalogs, w.facts)
		f.Images = append(f.Images, w.problems...)
	}
	return nil
}

// catalogWalk probes one registry through its catalog.
type catalogWalk struct {
	opts   *Probe
	client *registry.Client
	reg    name.Registry

	mu       sync.Mutex
	facts    *CatalogFacts
	problems []*ImageFacts
}

func (r *runner) newCatalogWalk(p *Probe, reg name.Registry) *catalogWalk {
	return &catalogWalk{
		opts: p, client: r.client.Derive(), reg: reg,
		facts: &CatalogFacts{Registry: reg.RegistryStr(), Shard: p.Shard.String(), Repositories: []string{}, Errors: []TargetError{}},
	}
}

// run lists the catalog and walks each selected repository as soon as
// its page arrives, a bounded number at a time.
func (w *catalogWalk) run(ctx context.Context) {
	repos := make(chan string)
	var listErr error
	go func() {
		defer close(repos)
		listErr = w.client.Catalog(ctx, w.reg, func(page []string) error {
			for _, p := range page {
				if !w.opts.Repos.Match(p) || !w.opts.Shard.Owns(p) {
					continue
				}
				w.opts.Progress.repositoryListed()
				select {
				case repos <- p:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range w.client.Jobs() {
		wg.Go(func() {
			for p := range repos {
				w.repository(ctx, p)
			}
		})
	}
	wg.Wait() // the workers are done only once repos is closed, after listErr is set
	w.facts.Accessible = listErr == nil
	if listErr != nil {
		w.fail(w.reg.RegistryStr(), listErr.Error())
	}
	slices.Sort(w.facts.Repositories)
	slices.SortFunc(w.facts.Errors, func(a, b TargetError) int { return cmp.Compare(a.Target, b.Target) })
	slices.SortFunc(w.problems, func(a, b *ImageFacts) int { return cmp.Compare(a.Version.Ref, b.Version.Ref) })
}

func (w *catalogWalk) fail(target, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.facts.Errors = append(w.facts.Errors, TargetError{Target: target, Error: msg})
}

// repository lists a repository's tags and walks the selected ones
// concurrently; the registry client fetches each object once however many
// tags share it, and forgets the repository afterwards.
func (w *catalogWalk) repository(ctx context.Context, path string) {
	repo, err := w.client.ParseRepository(w.reg.RegistryStr() + "/" + path)
	if err != nil {
		w.fail(w.reg.RegistryStr()+"/"+path, "the catalog lists a repository name that is not valid: "+err.Error())
		return
	}
	defer w.client.Forget(repo)
	tags, err := w.client.Tags(ctx, repo)
	if err != nil {
		w.fail(repo.Name(), err.Error())
		return
	}
	tags = slices.DeleteFunc(tags, func(t string) bool { return !w.opts.Tags.Match(t) })
	r := &repoWalk{seen: map[string]bool{}}
	sem := make(chan struct{}, w.client.Jobs())
	var wg sync.WaitGroup
	for _, tag := range tags {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			w.tag(ctx, repo, tag, r)
		})
	}
	wg.Wait()
	w.opts.Progress.repositoryWalked(len(r.seen))
	w.mu.Lock()
	defer w.mu.Unlock()
	w.facts.Repositories = append(w.facts.Repositories, path)
	w.facts.Tags += len(tags)
	w.facts.Objects += len(r.seen)
	w.problems = append(w.problems, r.problems...)
}

// repoWalk is what one repository's tags add up to.
type repoWalk struct {
	mu       sync.Mutex
	seen     map[string]bool // distinct objects checked
	problems []*ImageFacts
}

// tag walks one tag and keeps it only if something is wrong with it.
func (w *catalogWalk) tag(ctx context.Context, repo name.Repository, tag string, r *repoWalk) {
	if _, err := name.NewTag(repo.Name()+":"+tag, name.StrictValidation); err != nil {
		w.fail(repo.Name(), "the tag list names a tag that is not valid: "+err.Error())
		return
	}
	f, objs := w.client.WalkTag(ctx, repo, tag)
	problem := f.State != registry.Present || slices.ContainsFunc(objs, func(o registry.Object) bool { return o.State != registry.Present })
	w.opts.Progress.tagWalked(problem)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range objs {
		r.seen[o.Kind+" "+o.Digest] = true
	}
	if problem {
		img := newImage(repo.Name())
		img.Version, img.Listed = f, true
		if objs != nil {
			img.Integrity = objs
		}
		r.problems = append(r.problems, img)
	}
}
