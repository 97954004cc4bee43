package gate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/internal/rule"
	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/registry"
)

// Options is one gate run, after config and flags are merged.
type Options struct {
	Phase      string
	Version    string
	Images     []string // repositories, e.g. docker.io/acme/app
	Refs       []string // probe: full references (tag or digest)
	Platforms  []string
	ArchTag    string // e.g. "{version}-{arch}"; empty = no per-arch tags
	MovingTags []string
	OnExisting string            // fail | skip | warn
	Expect     map[string]string // verify: platform (or "index") -> digest, for every image
	Ledger     *Ledger           // verify: digests recorded by `gate record`
	LedgerFile string            // for messages
	Policies   []string
	FailOn     rule.Severity
	Rules      map[string]config.RuleSetting // per-rule settings from the config file

	Attestations config.Attestations
	Attest       AttestationCollector // nil: attestations cannot be verified (fails closed if configured)
	ConfigDir    string               // where relative paths in the config resolve from

	Client *registry.Client
}

// Result is the outcome of a run, shaped as the gate JSON output.
type Result struct {
	Version    int                  `json:"version"`
	Phase      string               `json:"phase"`
	Decision   string               `json:"decision"`
	Violations []policies.Violation `json:"violations"`
	Facts      *Facts               `json:"facts"`
	Requests   registry.Requests    `json:"requests"`
}

// ExitCode maps the decision to SPEC §3.
func (r *Result) ExitCode() int {
	switch r.Decision {
	case Pass, Skip:
		return 0
	case Fail:
		return 1
	}
	return 2
}

// UsageError is a problem with the options themselves (exit 2 before any
// request is sent).
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

type runner struct {
	opts   Options
	client *registry.Client
}

// Run gathers the facts for opts.Phase, evaluates the policies and
// decides. An error means the run could not start (bad options, bad
// policies); registry trouble is reported in the result as unverifiable.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := validate(&opts); err != nil {
		return nil, err
	}
	if opts.Client == nil {
		opts.Client = registry.New()
	}
	// Compile the policies while the facts are gathered: both take tens
	// of milliseconds and neither needs the other.
	type prepared struct {
		engine *policies.Engine
		err    error
	}
	ready := make(chan prepared, 1)
	go func() {
		e, err := policies.Prepare(ctx, opts.Policies...)
		ready <- prepared{e, err}
	}()
	r := &runner{opts: opts, client: opts.Client}
	facts, err := r.collect(ctx)
	p := <-ready
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	engine := p.engine
	vs, err := engine.Eval(ctx, facts)
	if err != nil {
		return nil, err
	}
	vs = r.applyRuleSettings(vs)
	vs = failClosed(vs, facts)
	return &Result{
		Version: 1, Phase: opts.Phase, Decision: r.decide(vs, facts),
		Violations: vs, Facts: facts, Requests: opts.Client.Requests(),
	}, nil
}

func validate(o *Options) error {
	switch o.Phase {
	case Preflight, Verify, Record:
		if o.Version == "" {
			return usagef("gate %s: --version is required", o.Phase)
		}
		if len(o.Images) == 0 {
			return usagef("gate %s: no images: set gate.images in .releasegate.yaml or pass --image", o.Phase)
		}
	case Probe:
		if len(o.Refs) == 0 && (len(o.Images) == 0 || o.Version == "") {
			return usagef("gate probe: give image references, or --version with gate.images / --image")
		}
	default:
		return usagef("unknown gate phase %q", o.Phase)
	}
	if o.OnExisting == "" {
		o.OnExisting = "fail"
	}
	switch o.OnExisting {
	case "fail", "skip", "warn":
	default:
		return usagef("--on-existing %q: want fail, skip or warn", o.OnExisting)
	}
	if o.FailOn == "" {
		o.FailOn = rule.Error
	}
	if o.Version != "" {
		for _, t := range append([]string{o.Version}, o.MovingTags...) {
			if _, err := name.NewTag("example.com/x:" + t); err != nil {
				return usagef("tag %q is not a valid tag", t)
			}
		}
	}
	if o.ArchTag != "" && !strings.Contains(o.ArchTag, "{arch}") {
		return usagef("arch-tag %q must contain {arch}", o.ArchTag)
	}
	for _, p := range o.Platforms {
		if parts := strings.Split(p, "/"); len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return usagef("--platform %q: want os/arch[/variant]", p)
		}
	}
	return nil
}

// ArchTag expands the per-arch tag template for a platform.
func ArchTag(tmpl, version, platform string) string {
	parts := strings.Split(platform, "/")
	variant := ""
	if len(parts) > 2 {
		variant = parts[2]
	}
	return strings.NewReplacer("{version}", version, "{os}", parts[0], "{arch}", parts[1], "{variant}", variant).Replace(tmpl)
}

// collect gathers the facts of every image concurrently.
func (r *runner) collect(ctx context.Context) (*Facts, error) {
	o := r.opts
	f := &Facts{
		Phase: o.Phase, Version: o.Version, Platforms: nonNil(o.Platforms), ArchTag: o.ArchTag,
		MovingTags: nonNil(o.MovingTags), OnExisting: o.OnExisting,
		Expected: map[string]map[string]Expected{},
	}
	if o.Phase == Preflight {
		f.MovingTags = []string{}
	}
	if o.Phase == Probe && len(o.Refs) > 0 {
		return r.collectProbeRefs(ctx, f)
	}
	repos := make([]name.Repository, len(o.Images))
	for i, s := range o.Images {
		repo, err := r.client.ParseRepository(s)
		if err != nil {
			return nil, &UsageError{err.Error()}
		}
		if _, err := name.NewTag(repo.Name() + ":" + o.Version); err != nil {
			return nil, usagef("%s:%s is not a valid reference", repo.Name(), o.Version)
		}
		repos[i] = repo
		f.Images = append(f.Images, newImage(s))
	}
	if err := r.expectations(f); err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	for i, repo := range repos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img := f.Images[i]
			switch o.Phase {
			case Preflight:
				r.preflightImage(ctx, repo, img)
			case Verify, Record:
				r.verifyImage(ctx, repo, img, o.Phase == Verify)
			case Probe:
				r.probeImage(ctx, repo, o.Version, img)
			}
		}()
	}
	wg.Wait()
	r.collectAttestations(ctx, f)
	return f, nil
}

func (r *runner) archTags(repo name.Repository) []registry.TagFact {
	if r.opts.ArchTag == "" {
		return []registry.TagFact{}
	}
	out := make([]registry.TagFact, len(r.opts.Platforms))
	for i, p := range r.opts.Platforms {
		out[i] = registry.TagFact{Tag: ArchTag(r.opts.ArchTag, r.opts.Version, p), Platform: p}
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
func (r *runner) collectProbeRefs(ctx context.Context, f *Facts) (*Facts, error) {
	type item struct {
		repo name.Repository
		id   string
	}
	items := make([]item, len(r.opts.Refs))
	for i, s := range r.opts.Refs {
		ref, err := r.client.ParseReference(s)
		if err != nil {
			return nil, &UsageError{err.Error()}
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
	return f, nil
}

// expectations turns --expect and --ledger into facts.expected.
func (r *runner) expectations(f *Facts) error {
	o := r.opts
	if o.Phase != Verify {
		return nil
	}
	if len(o.Expect) > 0 {
		e := Expected{Platforms: map[string]string{}}
		for p, d := range o.Expect {
			if p == "index" {
				e.Digest = d
			} else {
				e.Platforms[p] = d
			}
		}
		for _, img := range f.Images {
			f.Expected[img.Image] = map[string]Expected{o.Version: e}
		}
	}
	if o.Ledger == nil {
		return nil
	}
	if o.Ledger.Release != o.Version {
		return usagef("ledger %s records version %s, not %s", o.LedgerFile, o.Ledger.Release, o.Version)
	}
	for _, img := range f.Images {
		tags, ok := o.Ledger.Images[img.Image]
		if !ok {
			img.Errors = append(img.Errors, fmt.Sprintf("ledger %s has no record for %s", o.LedgerFile, img.Image))
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

// applyRuleSettings applies `rules:` from the config file. tag-exists is
// governed by on-existing and unverifiable cannot be turned off.
func (r *runner) applyRuleSettings(vs []policies.Violation) []policies.Violation {
	out := vs[:0]
	for _, v := range vs {
		s, ok := r.opts.Rules[v.Rule]
		if ok && v.Rule != "unverifiable" && v.Rule != "tag-exists" {
			if s.Off {
				continue
			}
			if s.Severity != "" {
				v.Severity = s.Severity
			}
		}
		out = append(out, v)
	}
	return out
}

// failClosed guarantees an unverifiable violation for every fact that
// could not be established, even if a policy forgot one.
func failClosed(vs []policies.Violation, f *Facts) []policies.Violation {
	has := false
	for _, v := range vs {
		if v.Rule == "unverifiable" {
			has = true
		}
	}
	if u := f.unknowns(); len(u) > 0 && !has {
		for _, s := range u {
			target, msg, _ := strings.Cut(s, ": ")
			vs = append(vs, policies.Violation{Rule: "unverifiable", Severity: "error", Target: target, Message: msg})
		}
		policies.SortViolations(vs)
	}
	return vs
}

func (r *runner) decide(vs []policies.Violation, f *Facts) string {
	skipMode := r.opts.Phase == Preflight && r.opts.OnExisting == "skip"
	failed := false
	for _, v := range vs {
		if v.Rule == "unverifiable" {
			return Error
		}
		if skipMode && v.Rule == "tag-exists" {
			continue
		}
		if rule.Severity(v.Severity).Rank() >= r.opts.FailOn.Rank() {
			failed = true
		}
	}
	if failed {
		return Fail
	}
	if skipMode && len(f.Images) > 0 {
		all := true
		for _, img := range f.Images {
			all = all && img.Version.State == registry.Present
		}
		if all {
			return Skip
		}
	}
	return Pass
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

// IsUsage reports whether err is a usage problem.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}
