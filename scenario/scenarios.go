package scenario

import (
	"context"
	"fmt"

	"github.com/releasegate/releasegate/registry"
)

// The versions every scenario uses: Previous is fully released, Version is
// the release under test.
const (
	Previous = "1.0.0"
	Version  = "1.1.0"
)

// Scenario is a registry state to check.
type Scenario struct {
	Name        string
	Description string
	// Setup publishes the scenario into env and returns the release it
	// meant to publish (for --expect and ledgers).
	Setup func(ctx context.Context, env *Env) (*Release, error)
}

// Releases are seeded so each scenario's digests are stable.
const (
	seedPrevious   = 1
	seedVersion    = 2
	seedAccidental = 3
)

func builds(env *Env) (prev, cur *Release, err error) {
	if prev, err = Build(seedPrevious, env.Layout.Platforms); err != nil {
		return nil, nil, err
	}
	cur, err = Build(seedVersion, env.Layout.Platforms)
	return prev, cur, err
}

// publishPrevious releases Previous everywhere, with the moving tags.
func publishPrevious(env *Env, prev *Release) error {
	return publishEverywhere(env, prev, Previous, always)
}

// publishEverywhere publishes rel as version to every image, with the
// moving tags on the images for which moving returns true.
func publishEverywhere(env *Env, rel *Release, version string, moving func(i int) bool) error {
	for i, img := range env.Images {
		if err := env.Publisher.PublishFull(img, env.Layout, rel, version, moving(i)); err != nil {
			return err
		}
	}
	return nil
}

func always(int) bool { return true }

// afterPrevious builds both releases, publishes Previous everywhere and
// returns the current release, still unpublished: the common start of
// every scenario but "fresh".
func afterPrevious(env *Env) (*Release, error) {
	prev, cur, err := builds(env)
	if err != nil {
		return nil, err
	}
	return cur, publishPrevious(env, prev)
}

// Scenarios lists the registry scenarios. Each expects two images.
var Scenarios = []Scenario{
	{
		Name:        "fresh",
		Description: "the previous version is out everywhere; the new one is not published anywhere yet",
		Setup: func(ctx context.Context, env *Env) (*Release, error) {
			prev, cur, err := builds(env)
			if err != nil {
				return nil, err
			}
			return cur, publishPrevious(env, prev)
		},
	},
	{
		Name:        "clean",
		Description: "a complete release in both registries: version, per-arch tags and latest agree",
		Setup: func(ctx context.Context, env *Env) (*Release, error) {
			return completeAfterPrevious(env, always)
		},
	},
	{
		Name: "half-published",
		Description: "the first registry accepted the amd64 per-arch push, the second failed; " +
			"the workflow stopped before the index and latest",
		Setup: func(ctx context.Context, env *Env) (*Release, error) {
			cur, err := afterPrevious(env)
			if err != nil {
				return nil, err
			}
			pl := env.Layout.Platforms[0]
			return cur, env.Publisher.PushArch(env.Images[0], cur, pl, registry.ArchTag(env.Layout.ArchTag, Version, pl))
		},
	},
	{
		Name:        "latest-drift",
		Description: "the release is complete in both registries, but latest in the second still points at the previous version",
		Setup: func(ctx context.Context, env *Env) (*Release, error) {
			return completeAfterPrevious(env, func(i int) bool { return i == 0 })
		},
	},
	{
		Name: "overwritten",
		Description: "after a clean release, an accidental release from an old branch pushed other images " +
			"under the same version (and its per-arch tags) to the first registry",
		Setup: func(ctx context.Context, env *Env) (*Release, error) {
			cur, err := completeAfterPrevious(env, always)
			if err != nil {
				return nil, err
			}
			acc, err := Build(seedAccidental, env.Layout.Platforms)
			if err != nil {
				return nil, err
			}
			return cur, env.Publisher.PublishFull(env.Images[0], env.Layout, acc, Version, true)
		},
	},
	{
		Name: "orphan-index",
		Description: "a tag cleanup deleted the arm64 image of the release in the first registry and the " +
			"registry's garbage collector removed it; the version index still lists it",
		Setup: func(ctx context.Context, env *Env) (*Release, error) {
			cur, err := completeAfterPrevious(env, always)
			if err != nil {
				return nil, err
			}
			arm := env.Layout.Platforms[1]
			if err := env.Publisher.Delete(env.Images[0], cur.PlatformDigest(arm)); err != nil {
				return nil, err
			}
			gc := env.Registries[0].GarbageCollect
			if gc == nil {
				return nil, fmt.Errorf("scenario orphan-index needs a registry with a garbage collector")
			}
			if err := gc(ctx); err != nil {
				return nil, fmt.Errorf("garbage collect: %w", err)
			}
			return cur, nil
		},
	},
	{
		Name:        "one-registry",
		Description: "the release reached the first registry only; the second still serves the previous version",
		Setup: func(ctx context.Context, env *Env) (*Release, error) {
			cur, err := afterPrevious(env)
			if err != nil {
				return nil, err
			}
			return cur, env.Publisher.PublishFull(env.Images[0], env.Layout, cur, Version, true)
		},
	},
}

// Lookup returns the scenario with the given name.
func Lookup(name string) (Scenario, bool) {
	for _, s := range Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Demo is the state `releasegate demo` checks: the release is out in the
// first registry but latest was not moved there, and the second registry
// received only the amd64 per-arch tag before the release stopped.
var Demo = Scenario{
	Name:        "demo",
	Description: "latest left on the previous version in the first registry; a half-published per-arch tag in the second",
	Setup: func(ctx context.Context, env *Env) (*Release, error) {
		prev, cur, err := builds(env)
		if err != nil {
			return nil, err
		}
		if err := publishPrevious(env, prev); err != nil {
			return nil, err
		}
		if err := env.Publisher.PublishFull(env.Images[0], env.Layout, cur, Version, false); err != nil {
			return nil, err
		}
		pl := env.Layout.Platforms[0]
		return cur, env.Publisher.PushArch(env.Images[1], cur, pl, registry.ArchTag(env.Layout.ArchTag, Version, pl))
	},
}

// completeAfterPrevious is the release after the previous one, published
// whole to the registries which selects (by index).
func completeAfterPrevious(env *Env, which func(int) bool) (*Release, error) {
	cur, err := afterPrevious(env)
	if err != nil {
		return nil, err
	}
	if err := publishEverywhere(env, cur, Version, which); err != nil {
		return nil, err
	}
	return cur, nil
}
