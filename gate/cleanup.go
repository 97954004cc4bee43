package gate

// `gate cleanup`: undo what a release run pushed. Plan on the facts
// preflight gathers (the version and per-arch tags of every image), with
// the tags of the run (its ledger, or the version and per-arch tags
// preflight names) as candidates; cleanup.rego decides per tag; with
// Apply, each tag to delete is compare-and-deleted (registry/tagdelete).

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/tagdelete"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Cleanup item outcomes beyond tagdelete's.
const (
	Planned      = "planned"       // to delete; --apply not given
	Kept         = "kept"          // the policy keeps it
	Absent       = "absent"        // nothing to delete
	NotAttempted = "not-attempted" // a delete before it failed: the run stopped
)

// CleanupOptions is one cleanup run, after config and flags are merged.
type CleanupOptions struct {
	Version    string
	Images     []string
	Platforms  []string
	ArchTag    string
	Arches     []string // only these architectures' per-arch tags (empty: all)
	Ledger     *Ledger  // what the run pushed, as `gate record` wrote it
	LedgerFile string
	AllFromRun bool // delete everything the run pushed, not only orphans and partial releases
	Apply      bool
	Policies   []string
	// PolicyMemory bounds the heap growth of the policy evaluation, as
	// Options.PolicyMemory does (0: policies.MaxEvalMemory).
	PolicyMemory int64
	FailOn       rule.Severity
	// Client gathers the facts and resolves before deleting: it must carry
	// only the delete-scoped credential (registry.WithDeleteScope).
	Client  *registry.Client
	Deleter *tagdelete.Deleter
}

// CleanupItem is one tag the run pushed, what the policies decided and,
// with --apply, what became of it.
type CleanupItem struct {
	Image    string   `json:"image"`
	Tag      string   `json:"tag"`
	Ref      string   `json:"ref"`
	Kind     string   `json:"kind"`               // version, arch or other
	Recorded string   `json:"recorded,omitempty"` // the ledger's digest
	State    string   `json:"state"`              // what the plan found
	Digest   string   `json:"digest,omitempty"`
	Action   string   `json:"action"` // delete, keep or none
	Why      string   `json:"why"`
	Reasons  []string `json:"reasons"`
	Outcome  string   `json:"outcome"`
	Via      string   `json:"via,omitempty"`
	Message  string   `json:"message,omitempty"`
	Manual   string   `json:"manual,omitempty"`
}

// CleanupCounts sums the items up.
type CleanupCounts struct {
	Deleted   int `json:"deleted"`   // deleted now, or found already gone
	Kept      int `json:"kept"`      // kept on purpose (policy, moved, shared)
	Refused   int `json:"refused"`   // the registry refused: a person must act
	Failed    int `json:"failed"`    // failed or not attempted: a second run continues
	Remaining int `json:"remaining"` // to delete and still there
}

// CleanupResult is the outcome of `gate cleanup`.
type CleanupResult struct {
	Version  int           `json:"version"`
	Phase    string        `json:"phase"`
	Release  string        `json:"release"`
	Decision string        `json:"decision"`
	Applied  bool          `json:"applied"`
	Source   string        `json:"source"` // the ledger file, or "flags"
	Items    []CleanupItem `json:"items"`
	Counts   CleanupCounts `json:"counts"`
	// Finish is the command that finishes the cleanup when something
	// that should be deleted remains.
	Finish   string            `json:"finish,omitempty"`
	Errors   []string          `json:"errors"`
	Facts    *Facts            `json:"facts"`
	Requests registry.Requests `json:"requests"`
}

// RunCleanup plans the cleanup and, with opts.Apply, carries it out. An
// error means it could not start (bad options, bad policies); a fact it
// could not establish makes the decision error, and then nothing is
// deleted.
func RunCleanup(ctx context.Context, opts CleanupOptions) (*CleanupResult, error) {
	if err := validateCleanup(&opts); err != nil {
		return nil, err
	}
	engine, err := policies.PrepareCleanup(ctx, opts.Policies, policies.WithMemoryLimit(opts.PolicyMemory))
	if err != nil {
		return nil, err
	}
	res := &CleanupResult{Version: 1, Phase: cleanupName, Release: opts.Version, Source: "flags", Errors: []string{}}
	if opts.Ledger != nil {
		res.Source = opts.LedgerFile
	}
	r := &runner{client: opts.Client, opts: Options{
		Phase: Preflight{}, Version: opts.Version, Images: opts.Images, Platforms: opts.Platforms,
		ArchTag: opts.ArchTag, OnExisting: "fail", Client: opts.Client,
	}}
	if res.Facts, err = r.collect(ctx); err != nil {
		return nil, err
	}
	res.Facts.Phase = cleanupName
	res.Items = candidates(ctx, opts, res.Facts)
	if err := decideCleanup(ctx, engine, opts, res); err != nil {
		res.Errors = append(res.Errors, err.Error())
	}
	if len(res.Errors) == 0 && opts.Apply {
		res.Applied = true
		applyCleanup(ctx, opts.Deleter, res.Items)
	}
	res.finish(opts)
	res.Requests = opts.Client.Requests()
	return res, nil
}

func validateCleanup(o *CleanupOptions) error {
	if o.Ledger != nil {
		if o.Version == "" {
			o.Version = o.Ledger.Release
		}
		if o.Ledger.Release != o.Version {
			return usagef("ledger %s records version %s, not %s", o.LedgerFile, o.Ledger.Release, o.Version)
		}
		if len(o.Images) == 0 {
			for img := range o.Ledger.Images {
				o.Images = append(o.Images, img)
			}
			slices.Sort(o.Images)
		}
	}
	if o.Apply && o.Deleter == nil {
		return usagef("gate cleanup --apply: no deleter")
	}
	if o.FailOn == "" {
		o.FailOn = rule.Error
	}
	base := Options{Version: o.Version, Images: o.Images, Platforms: o.Platforms, ArchTag: o.ArchTag}
	if err := base.requireRelease(cleanupName); err != nil {
		return err
	}
	if err := base.checkShared(); err != nil {
		return err
	}
	if o.Client == nil {
		o.Client = registry.New(registry.WithDeleteScope())
	}
	return nil
}

// candidates lists the tags the run pushed with what the plan found:
// the ledger's tags, or the version and per-arch tags preflight names,
// narrowed to --arch.
func candidates(ctx context.Context, o CleanupOptions, f *Facts) []CleanupItem {
	var out []CleanupItem
	for _, img := range f.Images {
		known := map[string]registry.TagFact{img.Version.Tag: img.Version}
		kinds := map[string]string{img.Version.Tag: "version"}
		for _, a := range img.Arch {
			known[a.Tag], kinds[a.Tag] = a, "arch"
			if len(o.Arches) > 0 && !slices.Contains(o.Arches, archOf(a.Platform)) {
				kinds[a.Tag] = "skip"
			}
		}
		recorded := map[string]string{}
		if o.Ledger != nil {
			for tag, e := range o.Ledger.Images[img.Image] {
				recorded[tag] = e.Digest
				if _, ok := kinds[tag]; !ok {
					kinds[tag] = "other"
				}
			}
		}
		tags := make([]string, 0, len(kinds))
		for tag, k := range kinds {
			_, inLedger := recorded[tag]
			if k != "skip" && (o.Ledger == nil || inLedger) {
				tags = append(tags, tag)
			}
		}
		sort.Slice(tags, func(i, j int) bool {
			return kindRank(kinds[tags[i]]) < kindRank(kinds[tags[j]]) || kindRank(kinds[tags[i]]) == kindRank(kinds[tags[j]]) && tags[i] < tags[j]
		})
		for _, tag := range tags {
			t, ok := known[tag]
			if !ok {
				t = headOther(ctx, o.Client, img.Image, tag)
			}
			out = append(out, CleanupItem{
				Image: img.Image, Tag: tag, Ref: t.Ref, Kind: kinds[tag], Recorded: recorded[tag],
				State: t.State, Digest: t.Digest, Reasons: []string{},
			})
			if t.State == registry.Unknown {
				img.Errors = append(img.Errors, t.Ref+": "+t.Error)
			}
		}
	}
	return out
}

// kindRank orders deletes: the version index before the per-arch images
// it lists, so a registry that deletes by digest never finds an arch
// image still referenced by the run's own index.
func kindRank(k string) int { return map[string]int{"version": 0, "other": 1, "arch": 2}[k] }

func archOf(platform string) string {
	parts := strings.Split(platform, "/")
	if len(parts) < 2 {
		return platform
	}
	return parts[1]
}

// headOther HEADs a ledger tag that is neither the version nor a
// configured per-arch tag.
func headOther(ctx context.Context, c *registry.Client, image, tag string) registry.TagFact {
	repo, err := c.ParseRepository(image)
	if err != nil {
		return registry.TagFact{Tag: tag, Ref: image + ":" + tag, State: registry.Unknown, Error: err.Error()}
	}
	return c.HeadTag(ctx, repo, tag)
}

// cleanupInput is the Rego input of cleanup.rego.
type cleanupInput struct {
	Phase      string          `json:"phase"`
	Version    string          `json:"version"`
	AllFromRun bool            `json:"all_from_run"`
	Platforms  []string        `json:"platforms"`
	Images     []*ImageFacts   `json:"images"`
	Candidates []cleanupCandid `json:"candidates"`
}

type cleanupCandid struct {
	Image    string `json:"image"`
	Tag      string `json:"tag"`
	Ref      string `json:"ref"`
	Kind     string `json:"kind"`
	State    string `json:"state"`
	Digest   string `json:"digest"`
	Recorded string `json:"recorded"`
}

// decideCleanup asks the policies about every item. A tag no policy
// decides, or whose facts are unknown, is kept and makes the run
// undecided: nothing is deleted on a guess.
func decideCleanup(ctx context.Context, e *policies.Engine, o CleanupOptions, res *CleanupResult) error {
	in := cleanupInput{Phase: cleanupName, Version: o.Version, AllFromRun: o.AllFromRun, Platforms: res.Facts.Platforms, Images: res.Facts.Images}
	for _, it := range res.Items {
		in.Candidates = append(in.Candidates, cleanupCandid{it.Image, it.Tag, it.Ref, it.Kind, it.State, it.Digest, it.Recorded})
	}
	byRef, err := e.Cleanup(ctx, in)
	if err != nil {
		return err
	}
	for i := range res.Items {
		it := &res.Items[i]
		ds := byRef[it.Ref]
		if len(ds) == 0 {
			it.Action, it.Why, it.Outcome = policies.Keep, "undecided", Kept
			it.Reasons = []string{"no policy decided about this tag"}
			res.Errors = append(res.Errors, it.Ref+": no policy decided whether to delete it")
			continue
		}
		it.Action, it.Why = ds[0].Action, ds[0].Why
		for _, d := range ds {
			it.Reasons = append(it.Reasons, d.Reason)
		}
		switch {
		case it.State == registry.Unknown:
			it.Action, it.Outcome = policies.Keep, Kept
		case it.Action == policies.Delete:
			it.Outcome = Planned
		case it.Action == policies.None:
			it.Outcome = Absent
		default:
			it.Outcome = Kept
		}
	}
	res.Errors = append(res.Errors, res.Facts.unknowns()...)
	return nil
}

// applyCleanup compare-and-deletes the planned items in order and stops
// at the first that failed (a registry in trouble fails the rest the
// same way): what is left is reported as not attempted.
func applyCleanup(ctx context.Context, d *tagdelete.Deleter, items []CleanupItem) {
	stopped := false
	for i := range items {
		it := &items[i]
		if it.Outcome != Planned {
			continue
		}
		if stopped {
			it.Outcome, it.Message = NotAttempted, "not attempted: an earlier delete failed"
			continue
		}
		want := it.Recorded
		if want == "" {
			want = it.Digest
		}
		r := d.CompareAndDelete(ctx, tagdelete.Target{Image: it.Image, Tag: it.Tag, Digest: want})
		it.Outcome, it.Via, it.Message, it.Manual = string(r.Outcome), r.Via, r.Message, r.Manual
		stopped = r.Outcome == tagdelete.Failed
	}
}

// finish counts the items, decides and names the command that finishes
// the job when something remains.
func (res *CleanupResult) finish(o CleanupOptions) {
	c := &res.Counts
	for _, it := range res.Items {
		switch it.Outcome {
		case string(tagdelete.Deleted), string(tagdelete.Gone):
			c.Deleted++
		case Kept, string(tagdelete.Moved), string(tagdelete.Shared):
			c.Kept++
		case string(tagdelete.Refused):
			c.Refused++
		case string(tagdelete.Failed), NotAttempted:
			c.Failed++
			c.Remaining++
		case Planned:
			c.Remaining++
		}
	}
	switch {
	case len(res.Errors) > 0:
		res.Decision = Error
	case c.Remaining > 0, rule.Warning.Rank() >= o.FailOn.Rank() && len(res.Warnings()) > 0:
		res.Decision = Fail
	default:
		res.Decision = Pass
	}
	if c.Remaining > 0 || res.Decision == Error {
		res.Finish = finishCommand(o)
	}
}

// Warnings are the items a person must look at: kept although the run
// pushed them because they moved or are shared, or refused by the
// registry.
func (res *CleanupResult) Warnings() []CleanupItem {
	var out []CleanupItem
	for _, it := range res.Items {
		switch it.Outcome {
		case string(tagdelete.Moved), string(tagdelete.Shared), string(tagdelete.Refused):
			out = append(out, it)
		case Kept:
			if it.Why == "moved" {
				out = append(out, it)
			}
		}
	}
	return out
}

func finishCommand(o CleanupOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "releasegate gate cleanup --version %s", shellQuote(o.Version))
	if o.LedgerFile != "" {
		fmt.Fprintf(&b, " --ledger %s", shellQuote(o.LedgerFile))
	}
	for _, a := range o.Arches {
		fmt.Fprintf(&b, " --arch %s", shellQuote(a))
	}
	if o.AllFromRun {
		b.WriteString(" --all-from-run")
	}
	b.WriteString(" --apply")
	return b.String()
}

// shellQuote quotes s for a POSIX shell unless it is plainly safe.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Outcome maps the decision to the exit code: 0 when the plan is done, 1
// when something that should be deleted remains, 2 when it could not
// decide.
func (res *CleanupResult) Outcome() report.Outcome {
	switch res.Decision {
	case Pass:
		return report.Holds
	case Fail:
		return report.Violated
	}
	return report.Undecided
}
