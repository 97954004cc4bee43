package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// cleanupQuery collects the cleanup decisions of every package under
// Namespace (cleanup.rego's, and any a user policy adds).
const cleanupQuery = "d := data.releasegate.gate[_].cleanup_decision[_]"

// Cleanup actions.
const (
	Delete = "delete"
	Keep   = "keep"
	None   = "none" // nothing to delete: the tag is absent
)

// CleanupDecision is what a policy says about one tag a run pushed.
type CleanupDecision struct {
	Ref    string `json:"ref"`
	Action string `json:"action"` // delete, keep or none
	Why    string `json:"why"`    // a short code: orphan-arch-tag, moved, ...
	Reason string `json:"reason"` // the explanation shown to the user
}

// PrepareCleanup compiles the policies (built-in and extra, as Prepare)
// for `gate cleanup`'s decisions, bounded in memory as Eval is.
func PrepareCleanup(ctx context.Context, paths []string, opts ...Option) (*Engine, error) {
	return prepareEngine(ctx, cleanupQuery, paths, opts)
}

// Cleanup evaluates the cleanup decisions over input and merges them per
// tag: one keep outweighs every delete, so a policy can only make cleanup
// more careful. The result maps a tag reference to its decisions, kept
// ones first.
func (e *Engine) Cleanup(ctx context.Context, input any) (map[string][]CleanupDecision, error) {
	rs, err := e.eval(ctx, input)
	if err != nil {
		return nil, err
	}
	out := map[string][]CleanupDecision{}
	for _, r := range rs {
		b, err := json.Marshal(r.Bindings["d"])
		if err != nil {
			return nil, fmt.Errorf("policies: cleanup decision: %w", err)
		}
		var d CleanupDecision
		if err := json.Unmarshal(b, &d); err != nil || d.Ref == "" || d.Reason == "" || !slices.Contains([]string{Delete, Keep, None}, d.Action) {
			return nil, fmt.Errorf("policies: a cleanup decision must be an object with ref, action (delete, keep or none), why and reason; got %s", b)
		}
		out[d.Ref] = append(out[d.Ref], d)
	}
	rank := map[string]int{Keep: 0, Delete: 1, None: 2}
	for ref, ds := range out {
		slices.SortFunc(ds, func(a, b CleanupDecision) int {
			if r := rank[a.Action] - rank[b.Action]; r != 0 {
				return r
			}
			return strings.Compare(a.Why+a.Reason, b.Why+b.Reason)
		})
		out[ref] = slices.Compact(ds)
	}
	return out, nil
}
