package gate

// Choosing what a catalog probe walks: repository and tag filters, and
// this run's shard of the repositories.

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/releasegate/releasegate/config"
)

// Filter selects names by globs: a name passes when it matches one of the
// include globs (or there are none) and none of the exclude globs. Globs
// use `*` within one path segment, `**` across segments, `?`, `[a-z]` and
// `{a,b}`; a leading `!` makes a glob exclude.
type Filter struct {
	include, exclude []string
}

// ParseFilter reads globs such as `acme/**` or `!**/test-*`, held to the
// rule of gate.probe.repos and tags (config.CheckProbeGlob). what names
// the flag in errors.
func ParseFilter(what string, globs []string) (Filter, error) {
	var f Filter
	for _, g := range globs {
		if err := config.CheckProbeGlob(g); err != nil {
			return Filter{}, fmt.Errorf("%s: %w", what, err)
		}
		pat, exclude := strings.CutPrefix(g, "!")
		if exclude {
			f.exclude = append(f.exclude, pat)
		} else {
			f.include = append(f.include, pat)
		}
	}
	return f, nil
}

// Match reports whether name passes the filter.
func (f Filter) Match(name string) bool {
	for _, p := range f.exclude {
		if doublestar.MatchUnvalidated(p, name) {
			return false
		}
	}
	if len(f.include) == 0 {
		return true
	}
	for _, p := range f.include {
		if doublestar.MatchUnvalidated(p, name) {
			return true
		}
	}
	return false
}

// Empty reports whether the filter lets everything through.
func (f Filter) Empty() bool { return len(f.include) == 0 && len(f.exclude) == 0 }

// Shard is one run's share of the repositories when a catalog probe is
// spread over Count runs: repository r belongs to shard
// FNV-1a(r) mod Count, so shards are disjoint, cover everything, and a
// repository stays on its shard from run to run. The zero value is the
// whole catalog.
type Shard struct {
	Index, Count int
}

// ParseShard reads "I/N" (0 <= I < N) or "auto/N", which takes I from
// JOB_COMPLETION_INDEX as Kubernetes sets it in an Indexed Job.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	if s == "" {
		return Shard{}, nil
	}
	i, n, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return Shard{}, fmt.Errorf("--shard %q: want I/N or auto/N with N >= 1", s)
	}
	from := ""
	if i == "auto" {
		i, from = getenv("JOB_COMPLETION_INDEX"), " (from JOB_COMPLETION_INDEX)"
		if i == "" {
			return Shard{}, fmt.Errorf("--shard %s: JOB_COMPLETION_INDEX is not set (Kubernetes sets it in an Indexed Job)", s)
		}
	}
	index, err := strconv.Atoi(i)
	if err != nil || index < 0 || index >= count {
		return Shard{}, fmt.Errorf("--shard %s: index %q%s must be a number from 0 to %d", s, i, from, count-1)
	}
	return Shard{Index: index, Count: count}, nil
}

// Owns reports whether repository (its path, without the registry) is in
// this shard.
func (s Shard) Owns(repository string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(repository))
	return int(h.Sum32()%uint32(s.Count)) == s.Index
}

// String renders "I/N", or "" for the whole catalog.
func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}
