package gatecli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/gate"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/tagdelete"
)

// cleanupFlags are gate cleanup's own flags.
type cleanupFlags struct {
	apply      bool
	allFromRun bool
	arches     []string
	hubAPI     string
	githubAPI  string
	mechanisms []string
}

func newCleanupCmd(c *common, g *gateFlags) *cobra.Command {
	cf := &cleanupFlags{}
	cmd := &cobra.Command{
		Use:   "cleanup --version V [--ledger FILE] [--apply]",
		Short: "Undo a half-published release: plan, then (with --apply) compare-and-delete exactly what the run pushed",
		Long: "cleanup lists the tags the release run pushed (its ledger from `gate record`, or the version and per-arch " +
			"tags preflight names), gathers preflight's facts and lets cleanup.rego decide which go: by default the tags of an " +
			"incomplete release (orphan per-arch tags, partial publishes), with --all-from-run everything the run pushed. " +
			"With --apply each tag is resolved again just before its delete and deleted only if it still points at the " +
			"recorded digest. It uses only the delete-scoped secret of the host's token family and refuses, before any " +
			"request, when that is not the one available.\n\n" +
			"Exit 0 when the plan is done, 1 when something that should be deleted remains, 2 when it could not decide.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runCleanup(c, g, cf) },
	}
	c.FormatFlag(cmd, gate.Formats)
	g.shared(cmd)
	g.platformFlag(cmd)
	g.versionFlag(cmd)
	f := cmd.Flags()
	f.StringVar(&g.ledger, "ledger", "", "ledger `FILE` written by gate record: the tags and digests the run pushed")
	f.BoolVar(&cf.apply, "apply", false, "delete; without it cleanup only prints the plan")
	f.BoolVar(&cf.allFromRun, "all-from-run", false, "delete every tag the run pushed, not only those of an incomplete release")
	f.StringArrayVar(&cf.arches, "arch", nil, "only the per-arch tags of `ARCH`, e.g. amd64 (repeatable)")
	f.StringVar(&cf.hubAPI, "hub-api", "https://hub.docker.com", "Docker Hub API `URL`")
	f.StringVar(&cf.githubAPI, "github-api", "https://api.github.com", "GitHub API `URL` (GHCR package versions)")
	f.StringArrayVar(&cf.mechanisms, "delete-via", nil, "`HOST=oci|hub|ghcr`: how HOST deletes tags (default: hub for docker.io, ghcr for ghcr.io, oci elsewhere)")
	// The API bases and mechanisms are for tests and unusual hosts.
	for _, h := range []string{"hub-api", "github-api", "delete-via"} {
		_ = f.MarkHidden(h)
	}
	return cmd
}

func runCleanup(c *common, g *gateFlags, cf *cleanupFlags) error {
	res, err := cleanupResult(c, g, cf)
	if err != nil {
		writeUndecidedOutputs()
		return undecided(err)
	}
	if err := c.writeCleanup(res); err != nil {
		return undecided(err)
	}
	var reason error
	if res.Decision == gate.Error {
		reason = fmt.Errorf("could not decide: %s", res.Errors[0])
	}
	return command.WithOutcome(res.Outcome(), reason)
}

// cleanupResult checks the flags and the credentials (before any request)
// and runs the cleanup.
func cleanupResult(c *common, g *gateFlags, cf *cleanupFlags) (*gate.CleanupResult, error) {
	base, cfg, err := c.gateOptions(g, nil)
	if err != nil {
		return nil, err
	}
	opts := gate.CleanupOptions{
		Version: g.version, Images: base.Images, Platforms: base.Platforms, ArchTag: base.ArchTag,
		Arches: cf.arches, AllFromRun: cf.allFromRun, Apply: cf.apply, Policies: base.Policies, FailOn: base.FailOn,
	}
	if g.ledger != "" {
		if opts.Ledger, err = gate.ReadLedger(g.ledger); err != nil {
			return nil, err
		}
		opts.LedgerFile = g.ledger
	}
	if opts.Version == "" && opts.Ledger == nil {
		return nil, fmt.Errorf("gate cleanup: --version or --ledger is required")
	}
	images := opts.Images
	if len(images) == 0 && opts.Ledger != nil {
		for img := range opts.Ledger.Images {
			images = append(images, img)
		}
	}
	mechs, err := parseMechanisms(cf.mechanisms)
	if err != nil {
		return nil, err
	}
	creds, err := deleteCredentials(cfg, images, mechs, os.Getenv)
	if err != nil {
		return nil, err
	}
	opts.Client = registry.New(
		registry.WithDeleteScope(),
		registry.WithKeychain(creds.keychain(registry.Keychain(os.Getenv))),
		registry.WithInsecureRegistry(g.insecure...),
		registry.WithJobs(g.jobs),
		registry.WithRetry(g.attempts, g.retryBackoff, 20*g.retryBackoff),
		registry.WithAttemptTimeout(g.attemptLimit),
		registry.WithMaxRetryAfter(g.maxWait),
	)
	dopts := []tagdelete.Option{tagdelete.WithHub(cf.hubAPI, creds.hub.user, creds.hub.token), tagdelete.WithGHCR(cf.githubAPI, creds.ghcr.token)}
	for host, m := range mechs {
		dopts = append(dopts, tagdelete.WithMechanism(host, m))
	}
	opts.Deleter = tagdelete.New(opts.Client, dopts...)
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	return gate.RunCleanup(ctx, opts)
}

func parseMechanisms(specs []string) (map[string]tagdelete.Mechanism, error) {
	out := map[string]tagdelete.Mechanism{}
	for _, s := range specs {
		host, m, ok := strings.Cut(s, "=")
		mech := tagdelete.Mechanism(m)
		if !ok || host == "" || !slices.Contains([]tagdelete.Mechanism{tagdelete.OCI, tagdelete.Hub, tagdelete.GHCR}, mech) {
			return nil, fmt.Errorf("--delete-via %q: want HOST=oci|hub|ghcr", s)
		}
		out[host] = mech
	}
	return out, nil
}

// credential is one delete-scoped secret: its name, and the account
// (Docker Hub logs in with one) and token read from the environment.
type credential struct{ secret, user, token string }

// cleanupCredentials are the delete-scoped credentials per registry host.
type cleanupCredentials struct {
	byHost    map[string]credential
	hub, ghcr credential
}

// deleteCredentials picks, for the registry host of every image, the
// delete-scoped secret of the token family declared for it. It refuses
// before any request when that secret is not set, naming the secret that
// is (the read-write variant gets 401 on a delete and must not be tried),
// and when Docker Hub or GHCR would be reached without a family at all.
// A host no family covers uses the ordinary keychain.
func deleteCredentials(cfg *config.Config, images []string, mechs map[string]tagdelete.Mechanism, getenv func(string) string) (*cleanupCredentials, error) {
	out := &cleanupCredentials{byHost: map[string]credential{}}
	for _, img := range images {
		host := imageHost(img)
		mech, ok := mechs[host]
		if !ok {
			mech = tagdelete.MechanismFor(host)
		}
		fam, covered := familyFor(cfg, host)
		if !covered {
			if mech != tagdelete.OCI {
				return nil, fmt.Errorf("gate cleanup: %s deletes through the %s API, and no token family in %s names its host: declare one (families: PREFIX: hosts: [...]) with a delete-scoped secret", host, mech, cfg.Where(cfg.Gate.Pos))
			}
			continue
		}
		cred, err := familyCredential(cfg, fam, host, getenv)
		if err != nil {
			return nil, err
		}
		out.byHost[host] = cred
		switch mech {
		case tagdelete.Hub:
			out.hub = cred
		case tagdelete.GHCR:
			out.ghcr = cred
		}
	}
	return out, nil
}

// familyCredential is the family's delete-scoped secret, read from the
// environment variable of the same name.
func familyCredential(cfg *config.Config, fam config.Family, host string, getenv func(string) string) (credential, error) {
	var deleteScoped, others []string
	for _, s := range cfg.Secrets {
		if !fam.Contains(s.Name) {
			continue
		}
		if s.HasScope("delete") {
			deleteScoped = append(deleteScoped, s.Name)
		} else {
			others = append(others, s.Name)
		}
	}
	for _, name := range deleteScoped {
		if tok := getenv(name); tok != "" {
			return credential{secret: name, user: familyUser(fam, host, getenv), token: tok}, nil
		}
	}
	where := cfg.Where(fam.Pos)
	if len(deleteScoped) == 0 {
		return credential{}, fmt.Errorf("gate cleanup: token family %s (%s) declares no secret with the delete scope for %s", fam.Prefix, where, host)
	}
	for _, name := range others {
		if getenv(name) != "" {
			return credential{}, fmt.Errorf("gate cleanup: %s needs the delete-scoped %s, but only %s (without the delete scope) is set; refusing before any request (family %s, %s)",
				host, strings.Join(deleteScoped, " or "), name, fam.Prefix, where)
		}
	}
	return credential{}, fmt.Errorf("gate cleanup: %s needs the delete-scoped %s in the environment; it is not set (family %s, %s)", host, strings.Join(deleteScoped, " or "), fam.Prefix, where)
}

// familyUser is the account for a family's token: PREFIX minus _TOKEN
// plus _USERNAME (DOCKERHUB_TOKEN -> DOCKERHUB_USERNAME); on GHCR any
// name works, GITHUB_ACTOR by preference.
func familyUser(fam config.Family, host string, getenv func(string) string) string {
	if u := getenv(strings.TrimSuffix(strings.ToUpper(fam.Prefix), "_TOKEN") + "_USERNAME"); u != "" {
		return u
	}
	if u := getenv("GITHUB_ACTOR"); u != "" && host == "ghcr.io" {
		return u
	}
	return "x-access-token"
}

// hostAliases are the names one registry goes by: the image host, its
// API host and the registry endpoint.
var hostAliases = map[string][]string{
	"docker.io": {"docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com"},
	"ghcr.io":   {"ghcr.io", "api.github.com"},
}

func familyFor(cfg *config.Config, host string) (config.Family, bool) {
	names := hostAliases[host]
	if names == nil {
		names = []string{host}
	}
	for _, f := range cfg.Families {
		for _, h := range f.Hosts {
			if slices.Contains(names, h) {
				return f, true
			}
		}
	}
	return config.Family{}, false
}

// imageHost is the registry host of an image reference, with docker.io's
// aliases folded to docker.io.
func imageHost(image string) string {
	host := name.DefaultRegistry
	if i := strings.IndexByte(image, '/'); i > 0 && strings.ContainsAny(image[:i], ".:") || strings.HasPrefix(image, "localhost/") {
		host = image[:i]
	}
	for canon, names := range hostAliases {
		if slices.Contains(names, host) {
			return canon
		}
	}
	return host
}

// keychain answers with the delete-scoped credential for the hosts a
// family covers and falls back to next for the others.
func (cc *cleanupCredentials) keychain(next authn.Keychain) authn.Keychain {
	return keychainFunc(func(r authn.Resource) (authn.Authenticator, error) {
		if cred, ok := cc.byHost[imageHost(r.RegistryStr()+"/x")]; ok {
			return &authn.Basic{Username: cred.user, Password: cred.token}, nil
		}
		return next.Resolve(r)
	})
}

type keychainFunc func(authn.Resource) (authn.Authenticator, error)

func (f keychainFunc) Resolve(r authn.Resource) (authn.Authenticator, error) { return f(r) }

// writeCleanup writes the result in --format and, inside GitHub Actions,
// the step summary and the step outputs.
func (c *common) writeCleanup(res *gate.CleanupResult) error {
	return c.writeResult(func(w io.Writer) error {
		return gate.WriteCleanup(w, c.Format, res, gate.WriteOptions{Color: c.Color(), Quiet: c.Quiet, Tool: c.Build.Tool()})
	}, func(w io.Writer) error { return gate.WriteCleanupStepSummary(w, res) }, func(w io.Writer) error { return gate.WriteCleanupOutputs(w, res) })
}
