package gatecli

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	memregistry "github.com/google/go-containerregistry/pkg/registry"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/gate"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/tagdelete"
	"github.com/releasegate/releasegate/scenario"
)

func newDemoCmd(c *common) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Run the gate against an embedded registry with a broken fixture release",
		Long: "demo starts two in-memory registries on 127.0.0.1, publishes a release in which " +
			"latest was left on the previous version in one registry and only one per-arch tag reached the other, " +
			"then runs `gate preflight` and `gate verify` against them and prints what they find, and ends with " +
			"`gate cleanup` of the half-published release (plan, apply, then a preflight that passes). No network is used.\n\n" +
			"It exits 0 when the gate found the problems it should, 2 otherwise.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runDemo(c) },
	}
}

func runDemo(c *common) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env, err := startMemoryRegistries(2)
	if err != nil {
		return undecided(fmt.Errorf("demo: start registries: %w", err))
	}
	defer env.Close()
	env.Publisher.Ctx = ctx
	if _, err := scenario.Demo.Setup(ctx, env); err != nil {
		return undecided(fmt.Errorf("demo: publish fixture release: %w", err))
	}
	out := c.Stdout
	l := env.Layout
	fmt.Fprintf(out, "Two registries are running on loopback: %s and %s.\n", env.Registries[0].Host, env.Registries[1].Host)
	fmt.Fprintf(out, "Release %s of %s and %s was published with two mistakes:\n", scenario.Version, env.Images[0], env.Images[1])
	fmt.Fprintf(out, "  - in the first, latest still points at %s;\n", scenario.Previous)
	fmt.Fprintf(out, "  - in the second, only the %s per-arch tag was pushed before the release stopped.\n", registry.ArchTag(l.ArchTag, scenario.Version, l.Platforms[0]))
	fmt.Fprintf(out, "Equivalent configuration:\n\n  gate:\n    images: [%s, %s]\n    platforms: [%s, %s]\n    arch-tag: %q\n    moving-tags: [latest]\n",
		env.Images[0], env.Images[1], l.Platforms[0], l.Platforms[1], l.ArchTag)

	ok := true
	for _, step := range []struct {
		phase     gate.Phase
		why, want string
	}{
		{gate.Preflight{}, "before the push: is the way clear for " + scenario.Version + "?", gate.Fail},
		{gate.Verify{}, "after the push: does every tag point where the release says?", gate.Fail},
	} {
		fmt.Fprintf(out, "\n$ releasegate gate %s --version %s   # %s\n\n", step.phase.Name(), scenario.Version, step.why)
		res, err := gate.Run(ctx, gate.Options{
			Phase: step.phase, Version: scenario.Version, Images: env.Images,
			Platforms: l.Platforms, ArchTag: l.ArchTag, MovingTags: l.MovingTags, OnExisting: "fail",
			Client: registry.New(registry.WithInsecureRegistry(env.Registries[0].Host, env.Registries[1].Host)),
		})
		if err != nil {
			return undecided(fmt.Errorf("demo: %s: %w", step.phase.Name(), err))
		}
		if err := gate.Write(out, "text", res, gate.WriteOptions{Color: c.Color()}); err != nil {
			return undecided(err)
		}
		fmt.Fprintf(out, "(exit code %d)\n", res.Outcome().ExitCode())
		ok = ok && res.Decision == step.want
	}
	ok = demoCleanup(ctx, c, env) && ok
	explainDemo(out)
	if !ok {
		return undecided(fmt.Errorf("demo: the gate did not reach the expected decisions"))
	}
	return nil
}

// demoCleanup undoes the half-published release: the plan, the apply,
// then the preflight a retry would run, which must pass.
func demoCleanup(ctx context.Context, c *common, env *scenario.Env) bool {
	out := c.Stdout
	l := env.Layout
	hosts := []string{env.Registries[0].Host, env.Registries[1].Host}
	ok := true
	for _, apply := range []bool{false, true} {
		cmdline, why, want := "", "plan: which of the run's tags would go, and why?", gate.Fail
		if apply {
			cmdline, why, want = " --apply", "compare-and-delete them", gate.Pass
		}
		fmt.Fprintf(out, "\n$ releasegate gate cleanup --version %s%s   # %s\n\n", scenario.Version, cmdline, why)
		client := registry.New(registry.WithInsecureRegistry(hosts...), registry.WithDeleteScope())
		res, err := gate.RunCleanup(ctx, gate.CleanupOptions{
			Version: scenario.Version, Images: env.Images, Platforms: l.Platforms, ArchTag: l.ArchTag,
			Apply: apply, Client: client, Deleter: tagdelete.New(client),
		})
		if err != nil {
			fmt.Fprintf(out, "cleanup: %v\n", err)
			return false
		}
		if err := gate.WriteCleanup(out, "text", res, gate.WriteOptions{Color: c.Color()}); err != nil {
			return false
		}
		fmt.Fprintf(out, "(exit code %d)\n", res.Outcome().ExitCode())
		ok = ok && res.Decision == want
	}
	fmt.Fprintf(out, "\n$ releasegate gate preflight --version %s   # the retry's gate: is the way clear now?\n\n", scenario.Version)
	res, err := gate.Run(ctx, gate.Options{
		Phase: gate.Preflight{}, Version: scenario.Version, Images: env.Images, Platforms: l.Platforms, ArchTag: l.ArchTag,
		OnExisting: "fail", Client: registry.New(registry.WithInsecureRegistry(hosts...)),
	})
	if err != nil {
		return false
	}
	if err := gate.Write(out, "text", res, gate.WriteOptions{Color: c.Color()}); err != nil {
		return false
	}
	fmt.Fprintf(out, "(exit code %d)\n", res.Outcome().ExitCode())
	return ok && res.Decision == gate.Pass
}

func explainDemo(w io.Writer) {
	fmt.Fprint(w, `
What to do with this in a real release:
  - run "releasegate gate preflight" before building: orphan-arch-tag and partial-publish tell you to clean
    up the half-published registry first; --on-existing skip makes re-runs of a finished release a no-op;
  - run "releasegate gate verify" after pushing: moving-tag-mismatch catches latest left behind,
    tag-missing the registry that never got the release, integrity-missing an index whose images are gone;
  - when a release stops half-way, "releasegate gate cleanup --apply" (in an if: failure() job, on the ledger
    of "gate record --partial") deletes exactly what the run pushed, compare-and-delete, so the retry starts clean;
  - "releasegate explain RULE" describes each rule and how to fix it.
`)
}

// startMemoryRegistries serves n of go-containerregistry's in-memory
// registries on loopback ports. The demo needs real OCI registries with
// real digests and no network; it does not need storage or garbage
// collection, so the full registry:2 server (which the tests use) stays
// out of the binary.
func startMemoryRegistries(n int) (*scenario.Env, error) {
	var regs []scenario.Registry
	var servers []*http.Server
	stop := func() {
		for _, s := range servers {
			_ = s.Close()
		}
	}
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, fmt.Errorf("listen on loopback: %w", err)
		}
		srv := &http.Server{
			Handler:           memregistry.New(memregistry.Logger(log.New(io.Discard, "", 0))),
			ReadHeaderTimeout: 10 * time.Second,
		}
		servers = append(servers, srv)
		go func() { _ = srv.Serve(ln) }()
		host := ln.Addr().String()
		regs = append(regs, scenario.Registry{Host: host, URL: "http://" + host})
	}
	return scenario.NewEnv(regs, stop), nil
}
