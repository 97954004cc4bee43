package gate

// Options, and the checks on them before any request is sent.

import (
	"fmt"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/rule"
)

// Options is one gate run, after config and flags are merged: the
// settings every phase shares, and the phase with its own (Preflight,
// Verify, Record or Probe).
type Options struct {
	Phase      Phase
	Version    string
	Images     []string // repositories, e.g. docker.io/acme/app
	Platforms  []string
	ArchTag    string // e.g. "{version}-{arch}"; empty = no per-arch tags
	MovingTags []string
	// OnExisting is what an existing version tag means to preflight:
	// fail, skip or warn. Every phase reports it in its facts.
	OnExisting string
	Policies   []string
	// PolicyMemory is how many bytes the heap may grow by while the
	// policies are evaluated; 0 is policies.MaxEvalMemory.
	PolicyMemory int64
	FailOn       rule.Severity
	Rules        map[string]rule.Setting // per-rule settings from the config file

	Client *registry.Client
}

// usagef is a problem with the options themselves (exit 2 before any
// request is sent). Its callers format errors with %v, not %w: the
// message is all a usage problem carries.
func usagef(format string, args ...any) error { return fmt.Errorf(format, args...) }

// validate checks the phase's own settings, then the shared ones, with
// the configuration's rules (package config): a flag is held to the rule
// of the key it overrides.
func validate(o *Options) error {
	if o.Phase == nil {
		return usagef("gate: no phase")
	}
	if err := o.Phase.check(o); err != nil {
		return err
	}
	return o.checkShared()
}

// requireRelease: the phases that check one release need its version and
// its images.
func (o *Options) requireRelease(phase string) error {
	if o.Version == "" {
		return usagef("gate %s: --version is required", phase)
	}
	if len(o.Images) == 0 {
		return usagef("gate %s: no images: set gate.images in .releasegate.yaml or pass --image", phase)
	}
	return nil
}

// checkShared checks the settings every phase shares and fills in their
// defaults. The configuration file's values were checked as it loaded,
// with their positions, so a value refused here came from a flag, which
// the message names.
func (o *Options) checkShared() error {
	if o.OnExisting == "" {
		o.OnExisting = "fail"
	}
	if err := config.CheckOnExisting(o.OnExisting); err != nil {
		return usagef("--on-existing: %v", err)
	}
	if o.FailOn == "" {
		o.FailOn = rule.Error
	}
	if o.Version != "" {
		if err := config.CheckTag("tag", o.Version); err != nil {
			return usagef("--version: %v", err)
		}
		for _, t := range o.MovingTags {
			if err := config.CheckTag("moving tag", t); err != nil {
				return usagef("%v", err)
			}
		}
	}
	if err := config.CheckArchTag(o.ArchTag); err != nil {
		return usagef("%v", err)
	}
	for _, img := range o.Images {
		if err := config.CheckImage(img); err != nil {
			return usagef("--image: %v", err)
		}
	}
	for _, p := range o.Platforms {
		if err := config.CheckPlatform(p); err != nil {
			return usagef("--platform: %v", err)
		}
	}
	return nil
}
