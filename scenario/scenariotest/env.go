// Package scenariotest runs scenarios on the distribution registry
// (internal/localregistry) for tests: registries with storage in
// temporary directories, and catalogs of release history in them.
package scenariotest

import (
	"context"
	"os"
	"testing"

	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/scenario"
)

// StartEnv runs n registries, each with storage in a fresh temporary
// directory, ready for a scenario to publish into. Close the Env to stop
// them and remove their storage.
func StartEnv(n int, opts ...localregistry.Option) (*scenario.Env, error) {
	var regs []scenario.Registry
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	for range n {
		dir, err := os.MkdirTemp("", "releasegate-registry-")
		if err != nil {
			closeAll()
			return nil, err
		}
		r, err := localregistry.Start(dir, opts...)
		if err != nil {
			_ = os.RemoveAll(dir)
			closeAll()
			return nil, err
		}
		closers = append(closers, func() { _ = r.Close(); _ = os.RemoveAll(dir) })
		regs = append(regs, scenario.Registry{Host: r.Host, URL: r.URL, GarbageCollect: r.GarbageCollect})
	}
	return scenario.NewEnv(regs, closeAll), nil
}

// StartCatalog runs one registry filled with n repositories of release
// history (scenario.PublishCatalog, content from seed). Call stop when
// done.
func StartCatalog(n int, seed int64, opts ...localregistry.Option) (cat *scenario.Catalog, stop func(), err error) {
	env, err := StartEnv(1, opts...)
	if err != nil {
		return nil, nil, err
	}
	cat, err = scenario.PublishCatalog(context.Background(), env.Registries[0], n, seed)
	if err != nil {
		env.Close()
		return nil, nil, err
	}
	return cat, env.Close, nil
}

// Catalog is StartCatalog for tests: it fails tb on error and stops the
// registry when tb ends.
func Catalog(tb testing.TB, n int, seed int64, opts ...localregistry.Option) *scenario.Catalog {
	tb.Helper()
	cat, stop, err := StartCatalog(n, seed, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	return cat
}
