package gate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// TestPolicyMemoryBound: a user policy that would fill the memory of the
// machine ends the run in decision error (exit 2) with the facts kept and
// the bound named, as a registry that could not be verified does.
func TestPolicyMemoryBound(t *testing.T) {
	env, err := scenariotest.StartEnv(1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	s, _ := scenario.Lookup("clean")
	if _, err := s.Setup(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	bomb := filepath.Join(t.TempDir(), "bomb.rego")
	src := "package releasegate.gate.bomb\n\nviolation contains {\"rule\": \"bomb\", \"message\": sprintf(\"%d\", [count(numbers.range(1, 3000000000))])} if true\n"
	if err := os.WriteFile(bomb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, Options{
		Phase: Verify{}, Version: scenario.Version, Images: env.Images[:1], Platforms: env.Layout.Platforms,
		ArchTag: env.Layout.ArchTag, MovingTags: env.Layout.MovingTags,
		Policies: []string{bomb}, PolicyMemory: 32 << 20,
		Client: registry.New(registry.WithInsecureRegistry(env.Registries[0].Host)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != Error || res.Outcome() != report.Undecided {
		t.Fatalf("decision %s, want error", res.Decision)
	}
	if len(res.Violations) != 1 || res.Violations[0].Rule != gaterule.Unverifiable ||
		!strings.Contains(res.Violations[0].Message, "policy evaluation exceeded 32 MiB") {
		t.Fatalf("violations %+v, want one unverifiable naming the bound", res.Violations)
	}
	if len(res.Facts.Images) != 1 {
		t.Fatalf("the facts were lost: %+v", res.Facts)
	}
}
