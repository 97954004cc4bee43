// Package tagdelete deletes one tag a release pushed, safely: it resolves
// the tag again immediately before deleting and deletes only when the tag
// still points at the digest the caller expects (compare-and-delete). A
// tag that moved is kept; a manifest another tag still references is never
// deleted by digest.
//
// Three mechanisms: the OCI distribution API (DELETE of the tag, or, on a
// registry that deletes only by digest, of the digest when no other tag
// references it), Docker Hub's own tag API (login for a JWT, then DELETE
// of the tag) and GHCR's package versions (GitHub's packages API; a
// version that carries other tags is kept). The package knows nothing of
// the configuration: credentials and API bases come as options.
package tagdelete

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/registry"
)

// Mechanism is how a registry deletes a tag.
type Mechanism string

// Mechanisms.
const (
	OCI  Mechanism = "oci"
	Hub  Mechanism = "hub"
	GHCR Mechanism = "ghcr"
)

// MechanismFor is the mechanism a registry host uses unless told
// otherwise: Docker Hub's and GHCR's APIs for their hosts, OCI elsewhere.
func MechanismFor(host string) Mechanism {
	switch host {
	case name.DefaultRegistry, "docker.io", "registry-1.docker.io":
		return Hub
	case "ghcr.io":
		return GHCR
	}
	return OCI
}

// Outcome is what happened to one tag.
type Outcome string

// Outcomes. Deleted and Gone leave nothing behind; Moved and Shared keep a
// tag on purpose; Refused needs a person; Failed may pass on a second run.
const (
	Deleted Outcome = "deleted"
	Gone    Outcome = "gone"    // already absent: a run before deleted it
	Moved   Outcome = "moved"   // points elsewhere now: kept
	Shared  Outcome = "shared"  // its manifest is still another tag's: kept
	Refused Outcome = "refused" // immutability or permission: kept, with the manual step
	Failed  Outcome = "failed"  // no usable answer: try again
)

// Target is one tag to delete and the digest it must still point at.
type Target struct {
	Image  string // repository, e.g. docker.io/acme/app
	Tag    string
	Digest string
}

// Result is what CompareAndDelete did with a target.
type Result struct {
	Outcome Outcome `json:"outcome"`
	Via     string  `json:"via,omitempty"`   // tag, digest, hub or ghcr
	Found   string  `json:"found,omitempty"` // the digest the tag pointed at just before
	Message string  `json:"message,omitempty"`
	// Manual is what a person does when the tool could not: the step
	// the warning names.
	Manual string `json:"manual,omitempty"`
}

// Deleter deletes tags. Build one per run.
type Deleter struct {
	client *registry.Client
	mechs  map[string]Mechanism
	hub    hubOptions
	ghcr   ghcrOptions
}

// Option configures a Deleter.
type Option func(*Deleter)

// WithMechanism makes host (HOST[:PORT]) use m instead of MechanismFor's
// choice (a registry mirror of Docker Hub, a test double).
func WithMechanism(host string, m Mechanism) Option {
	return func(d *Deleter) { d.mechs[host] = m }
}

// New returns a Deleter resolving and deleting through client, which must
// carry the delete-scoped credential (registry.WithDeleteScope). Docker
// Hub's and GitHub's API calls go through client too
// (registry.Client.SendRepeatable): retried, bounded and counted in its
// Requests like its own.
func New(client *registry.Client, opts ...Option) *Deleter {
	d := &Deleter{
		client: client,
		mechs:  map[string]Mechanism{},
		hub:    hubOptions{base: "https://hub.docker.com"},
		ghcr:   ghcrOptions{base: "https://api.github.com"},
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Mechanism is the mechanism the Deleter uses for host.
func (d *Deleter) Mechanism(host string) Mechanism {
	if m, ok := d.mechs[host]; ok {
		return m
	}
	return MechanismFor(host)
}

// CompareAndDelete resolves the target's tag again and deletes it only if
// it still points at t.Digest. It never returns an error: every answer is
// an Outcome with its reason, so a run can go on and report.
func (d *Deleter) CompareAndDelete(ctx context.Context, t Target) Result {
	repo, err := d.client.ParseRepository(t.Image)
	if err != nil {
		return Result{Outcome: Failed, Message: err.Error()}
	}
	now := d.client.ResolveNow(ctx, repo, t.Tag)
	switch {
	case now.State == registry.Absent:
		return Result{Outcome: Gone, Message: "the tag no longer exists"}
	case now.State != registry.Present:
		return Result{Outcome: Failed, Message: "could not resolve the tag before deleting: " + now.Error}
	case now.Digest != t.Digest:
		return Result{Outcome: Moved, Found: now.Digest, Message: fmt.Sprintf(
			"the tag now points at %s, not %s: someone pushed it again; kept", now.Digest, t.Digest)}
	}
	var res Result
	switch m := d.Mechanism(repo.RegistryStr()); m {
	case Hub:
		res = d.deleteHub(ctx, repo, t)
	case GHCR:
		res = d.deleteGHCR(ctx, repo, t)
	default:
		res = d.deleteOCI(ctx, repo, t)
	}
	res.Found = now.Digest
	return res
}

// deleteOCI deletes the tag; on a registry that deletes only by digest it
// deletes the digest, and only when no other tag references it (directly
// or as a child of an index it points at).
func (d *Deleter) deleteOCI(ctx context.Context, repo name.Repository, t Target) Result {
	err := d.client.DeleteManifest(ctx, repo, t.Tag)
	var de *registry.DeleteError
	if !errors.As(err, &de) || !de.Unsupported() {
		return ociResult(err, "tag", repo, t)
	}
	others, err := d.referencedBy(ctx, repo, t)
	if err != nil {
		return Result{Outcome: Failed, Via: "digest", Message: "the registry deletes only by digest, and the other tags could not be checked: " + err.Error()}
	}
	if len(others) > 0 {
		return Result{Outcome: Shared, Via: "digest", Message: fmt.Sprintf(
			"the registry deletes only by digest, and %s still references %s: deleting it would take them with it; kept",
			strings.Join(others, ", "), t.Digest),
			Manual: fmt.Sprintf("untag %s:%s in the registry's own interface, leaving the manifest to %s", repo.Name(), t.Tag, strings.Join(others, ", "))}
	}
	return ociResult(d.client.DeleteManifest(ctx, repo, t.Digest), "digest", repo, t)
}

func ociResult(err error, via string, repo name.Repository, t Target) Result {
	var de *registry.DeleteError
	switch {
	case err == nil:
		return Result{Outcome: Deleted, Via: via}
	case registry.IsNotFound(err):
		return Result{Outcome: Gone, Via: via, Message: "the registry answered 404: already deleted"}
	case errors.As(err, &de) && de.Refused():
		return Result{Outcome: Refused, Via: via, Message: de.Error(),
			Manual: fmt.Sprintf("ask the registry's administrators to delete %s:%s (digest %s), or lift the rule that keeps it", repo.Name(), t.Tag, t.Digest)}
	}
	return Result{Outcome: Failed, Via: via, Message: err.Error()}
}

// referencedBy lists the other tags of repo that point at t.Digest, or at
// an index listing it.
func (d *Deleter) referencedBy(ctx context.Context, repo name.Repository, t Target) ([]string, error) {
	tags, err := d.client.Tags(ctx, repo)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, tag := range tags {
		if tag == t.Tag {
			continue
		}
		f := d.client.ResolveNow(ctx, repo, tag)
		if f.State == registry.Absent {
			continue
		}
		if f.State != registry.Present {
			return nil, errors.New(f.Error)
		}
		if f.Index && f.Digest != t.Digest {
			d.client.Describe(ctx, repo, &f)
			if f.State != registry.Present {
				return nil, errors.New(f.Error)
			}
		}
		for _, child := range f.Platforms {
			if child == t.Digest {
				out = append(out, tag)
			}
		}
		if f.Digest == t.Digest {
			out = append(out, tag)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
