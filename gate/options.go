package gate

// Options, and the checks on them before any request is sent.

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/rule"
)

// Options is one gate run, after config and flags are merged.
type Options struct {
	Phase   string
	Version string
	Images  []string // repositories, e.g. docker.io/acme/app
	Refs    []string // probe: full references (tag or digest)
	// Catalogs are registries (HOST[:PORT]) whose every repository and
	// tag a probe walks, narrowed by Repos, Tags and Shard.
	Catalogs []string
	Repos    Filter
	Tags     Filter
	Shard    Shard
	// Progress, when set, counts a probe's work as it happens.
	Progress   *Progress
	Platforms  []string
	ArchTag    string // e.g. "{version}-{arch}"; empty = no per-arch tags
	MovingTags []string
	OnExisting string            // fail | skip | warn
	Expect     map[string]string // verify: platform (or "index") -> digest, for every image
	Ledger     *Ledger           // verify: digests recorded by `gate record`
	LedgerFile string            // for messages
	Policies   []string
	// PolicyMemory is how many bytes the heap may grow by while the
	// policies are evaluated; 0 is policies.MaxEvalMemory.
	PolicyMemory int64
	FailOn       rule.Severity
	Rules        map[string]rule.Setting // per-rule settings from the config file

	Attest AttestationCollector // verify: checks attestations; nil when none are configured

	Client *registry.Client
}

// usagef is a problem with the options themselves (exit 2 before any
// request is sent). Its callers format errors with %v, not %w: the
// message is all a usage problem carries.
func usagef(format string, args ...any) error { return fmt.Errorf(format, args...) }

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
		if len(o.Refs) == 0 && len(o.Catalogs) == 0 && (len(o.Images) == 0 || o.Version == "") {
			return usagef("gate probe: give image references, --catalog HOST (gate.probe.catalogs), or --version with gate.images / --image")
		}
		if len(o.Catalogs) == 0 && (!o.Repos.Empty() || !o.Tags.Empty() || o.Shard.Count > 1) {
			return usagef("gate probe: --repo, --tag and --shard narrow a --catalog probe; there is no catalog to narrow")
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
