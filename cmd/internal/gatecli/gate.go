package gatecli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/gate"
	"github.com/releasegate/releasegate/gate/attestconfig"
	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/report"
)

// gateFlags are the gate commands' flags (SPEC §2): each command
// registers the ones it uses.
type gateFlags struct {
	version      string
	platforms    []string
	images       []string
	onExisting   string
	expect       []string
	ledger       string
	timeout      time.Duration
	policies     []string
	trustedRoot  string
	insecure     []string
	jobs         int
	retryBackoff time.Duration
	attemptLimit time.Duration
	maxWait      time.Duration
	attempts     int
	partial      bool
}

func newGateCmd(c *common) *cobra.Command {
	g := &gateFlags{}
	cmd := &cobra.Command{
		Use:   "gate",
		Short: "Check registries at release time (preflight, verify, record, probe)",
		Long: "gate gathers facts from the configured image repositories with go-containerregistry and decides with " +
			"Rego policies. It never turns \"could not verify\" into a pass: registry trouble ends in decision error, exit 2.",
	}
	phase := func(use, short string, phase phaseFlags) *cobra.Command {
		sub := &cobra.Command{
			Use: use, Short: short, Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error { return runGate(c, g, phase) },
		}
		c.FormatFlag(sub, gate.Formats)
		g.shared(sub)
		g.releaseFlags(sub)
		return sub
	}
	preflight := phase("preflight --version V", "Before a release: is the version already (partly) published?", g.preflight)
	g.versionFlag(preflight)
	preflight.Flags().StringVar(&g.onExisting, "on-existing", "", "what an existing version tag means: `fail|skip|warn` (default gate.on-existing, else fail)")
	command.Complete(preflight, "on-existing", config.OnExistingValues...)

	verify := phase("verify --version V", "After a release: do all tags point where the release says, and can every object be pulled?", g.verify)
	g.versionFlag(verify)
	verify.Flags().StringArrayVar(&g.expect, "expect", nil, "`PLATFORM=DIGEST` recorded at push time (repeatable; PLATFORM may be \"index\")")
	verify.Flags().StringVar(&g.ledger, "ledger", "", "ledger `FILE` written by gate record: the digests to expect")

	record := phase("record --version V --ledger FILE", "After a push: record the digests of the version and per-arch tags in a ledger", g.record)
	g.versionFlag(record)
	record.Flags().StringVar(&g.ledger, "ledger", "", "ledger `FILE` to write (required)")
	record.Flags().BoolVar(&g.partial, "partial", false, "record the tags that exist so far, skipping absent ones (after each push, for gate cleanup)")

	cmd.AddCommand(preflight, verify, record, newProbeCmd(c, g), newCleanupCmd(c, g))
	return cmd
}

// versionFlag adds --version, the release a phase checks.
func (g *gateFlags) versionFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&g.version, "version", "", "release version `V` (the version tag)")
}

// releaseFlags adds the flags of the commands that check one release
// (preflight, verify, record): probe walks what tags point at on every
// platform, and checks no attestation.
func (g *gateFlags) releaseFlags(cmd *cobra.Command) {
	g.platformFlag(cmd)
	cmd.Flags().StringVar(&g.trustedRoot, "trusted-root", "", "sigstore trusted root `FILE` for attestation verification (overrides gate.attestations.trusted-root)")
}

// platformFlag adds --platform, for the commands that name one release's
// platforms (preflight, verify, record, cleanup).
func (g *gateFlags) platformFlag(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&g.platforms, "platform", nil, "platform `os/arch[/variant]` (repeatable; overrides gate.platforms)")
}

// shared adds the flags every gate command takes (SPEC §2). Every flag
// shows in --help: docs/gate.md's flag table is generated from these
// definitions (TestFlagDocs).
func (g *gateFlags) shared(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&g.images, "image", nil, "image repository `REF`, e.g. docker.io/acme/app (repeatable; overrides gate.images)")
	f.DurationVar(&g.timeout, "timeout", 2*time.Minute, "bound for the whole run, retries included: a `DURATION` such as 90s; gathering stops a tenth early so the report is always written")
	f.StringArrayVar(&g.policies, "policy", nil, "extra Rego `PATH`, a file or directory (repeatable; added to gate.policies)")
	f.StringArrayVar(&g.insecure, "insecure-registry", nil, "`HOST[:PORT]` to reach over plain HTTP (loopback test registries only; repeatable)")
	f.IntVar(&g.jobs, "jobs", 16, "`N` requests in flight at most")
	f.IntVar(&g.attempts, "retries", 5, "`N` attempts per request for 429, 5xx and connection errors")
	f.DurationVar(&g.retryBackoff, "retry-backoff", 250*time.Millisecond, "first retry delay `DURATION`; doubles per attempt up to 20x, with jitter")
	f.DurationVar(&g.attemptLimit, "attempt-timeout", 30*time.Second, "bound `DURATION` for one request including its body")
	f.DurationVar(&g.maxWait, "max-retry-after", 30*time.Second, "longest Retry-After `DURATION` honoured for one retry")
}

// phaseFlags turns a gate command's own flags (and the configuration)
// into its phase, and says what to do with the result (nil: nothing).
type phaseFlags func(cfg *config.Config) (gate.Phase, afterRun, error)

// afterRun is a phase's work on the CLI side once the result is in.
type afterRun func(c *common, res *gate.Result) error

func (g *gateFlags) preflight(*config.Config) (gate.Phase, afterRun, error) {
	return gate.Preflight{}, nil, nil
}

// verify reads --expect, --ledger and gate.attestations (with
// --trusted-root).
func (g *gateFlags) verify(cfg *config.Config) (gate.Phase, afterRun, error) {
	v := gate.Verify{}
	if len(g.expect) > 0 {
		v.Expect = map[string]string{}
		for _, e := range g.expect {
			p, d, ok := strings.Cut(e, "=")
			if !ok || p == "" || !strings.HasPrefix(d, "sha256:") || len(d) != 71 {
				return nil, nil, fmt.Errorf("--expect %q: want PLATFORM=sha256:<64 hex> (or index=sha256:...)", e)
			}
			v.Expect[p] = d
		}
	}
	if g.ledger != "" {
		l, err := gate.ReadLedger(g.ledger)
		if err != nil {
			return nil, nil, err
		}
		v.Ledger, v.LedgerFile = l, g.ledger
	}
	att := cfg.Gate.Attestations
	if g.trustedRoot != "" {
		// The flag is relative to the working directory, config paths to
		// the config file's directory: make it absolute so both resolve.
		tr, err := filepath.Abs(g.trustedRoot)
		if err != nil {
			return nil, nil, fmt.Errorf("--trusted-root %q: %w", g.trustedRoot, err)
		}
		att.TrustedRoot = tr
	}
	v.Attestations = attestconfig.Load(att, cfg.Dir)
	return v, nil, nil
}

// record needs --ledger, and writes it once the result is decided.
func (g *gateFlags) record(*config.Config) (gate.Phase, afterRun, error) {
	if g.ledger == "" {
		return nil, nil, errors.New("gate record: --ledger FILE is required")
	}
	return gate.Record{}, func(c *common, res *gate.Result) error {
		if res.Decision == gate.Error {
			return nil
		}
		return record(c, g, res)
	}, nil
}

func runGate(c *common, g *gateFlags, phase phaseFlags) error {
	res, err := gateResult(c, g, phase)
	if err != nil {
		writeUndecidedOutputs()
		return undecided(err)
	}
	if err := c.writeGate(res); err != nil {
		return undecided(err)
	}
	return command.WithOutcome(res.Outcome(), undecidedReason(res))
}

// writeUndecidedOutputs tells a release job that a gate run ended without
// a result to report (bad flags or configuration): it must still be able
// to branch on decision.
func writeUndecidedOutputs() {
	if p := os.Getenv("GITHUB_OUTPUT"); p != "" {
		_ = command.AppendFile(p, func(w io.Writer) error {
			return gate.WriteOutputs(w, &gate.Result{Decision: gate.Error})
		})
	}
}

// gateResult runs the gate: flags and configuration, the run itself and
// what the phase does after it (record's ledger). An error means there
// is no result to write.
func gateResult(c *common, g *gateFlags, phase phaseFlags) (*gate.Result, error) {
	var after afterRun
	opts, _, err := c.gateOptions(g, func(cfg *config.Config) (p gate.Phase, err error) {
		p, after, err = phase(cfg)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	c.warnCredentials(opts.Images, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	res, err := gate.Run(ctx, opts)
	if err != nil {
		return nil, err
	}
	if after != nil {
		if err := after(c, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// gateOptions checks --format and --fail-on, loads the configuration and
// merges it with the flags into one run's options; phase (nil for
// cleanup, which is no gate.Phase) makes the phase of its command.
func (c *common) gateOptions(g *gateFlags, phase func(*config.Config) (gate.Phase, error)) (gate.Options, *config.Config, error) {
	if err := gate.CheckFormat(c.Format); err != nil {
		return gate.Options{}, nil, err
	}
	threshold, err := c.Threshold()
	if err != nil {
		return gate.Options{}, nil, err
	}
	cfg, err := c.LoadConfig(".")
	if err != nil {
		return gate.Options{}, nil, err
	}
	opts, err := g.options(cfg)
	if err == nil && phase != nil {
		opts.Phase, err = phase(cfg)
	}
	opts.FailOn = threshold
	return opts, cfg, err
}

// warnCredentials prints, on stderr, each registry the run contacts
// (through images, references and catalogs) for which the Docker config
// names only a credential helper that is not installed
// (registry.CredentialWarnings): the run would go anonymous.
func (c *common) warnCredentials(images, refs, catalogs []string) {
	var hosts []string
	add := func(host string) {
		if !slices.Contains(hosts, host) {
			hosts = append(hosts, host)
		}
	}
	for _, img := range images {
		if repo, err := name.NewRepository(img); err == nil {
			add(repo.RegistryStr())
		}
	}
	for _, ref := range refs {
		if r, err := name.ParseReference(ref); err == nil {
			add(r.Context().RegistryStr())
		}
	}
	for _, h := range catalogs {
		if reg, err := name.NewRegistry(h); err == nil {
			add(reg.RegistryStr())
		}
	}
	for _, w := range registry.CredentialWarnings(os.Getenv, exec.LookPath, hosts) {
		fmt.Fprintf(c.Stderr, "releasegate: warning: %s\n", w)
	}
}

// undecidedReason is the one stderr line for a run that could not decide: the
// first fact that could not be established, with its URL and status.
func undecidedReason(res *gate.Result) error {
	if res.Decision != gate.Error {
		return nil
	}
	var first string
	n := 0
	for _, v := range res.Violations {
		if v.Rule == gaterule.Unverifiable {
			if n == 0 {
				first = v.Target + ": " + v.Message
			}
			n++
		}
	}
	if n > 1 {
		first += fmt.Sprintf(" (and %d more)", n-1)
	}
	return fmt.Errorf("could not decide: %s", first)
}

// options merges the config file's gate section with the flags every
// phase shares.
func (g *gateFlags) options(cfg *config.Config) (gate.Options, error) {
	gc := cfg.Gate
	o := gate.Options{
		Version: g.version, Images: gc.Images, Platforms: gc.Platforms,
		ArchTag: gc.ArchTag, MovingTags: gc.MovingTags, OnExisting: gc.OnExisting,
		Rules: cfg.Rules,
	}
	if len(g.images) > 0 {
		o.Images = g.images
	}
	if len(g.platforms) > 0 {
		o.Platforms = g.platforms
	}
	if g.onExisting != "" {
		o.OnExisting = g.onExisting
	}
	fromConfig, err := insideRepository(cfg, gc.Policies)
	if err != nil {
		return o, err
	}
	o.Policies = slices.Concat(fromConfig, g.policies)
	o.Client = registry.New(
		registry.WithInsecureRegistry(g.insecure...),
		registry.WithJobs(g.jobs),
		registry.WithRetry(g.attempts, g.retryBackoff, 20*g.retryBackoff),
		registry.WithAttemptTimeout(g.attemptLimit),
		registry.WithMaxRetryAfter(g.maxWait),
	)
	return o, nil
}

// insideRepository resolves gate.policies from the configuration's
// directory and refuses any that leads outside the configuration's
// repository: the configuration is repository content, and a policy file
// is quoted in its own parse errors. A configuration outside any
// repository was put there by whoever runs the gate: no boundary then.
func insideRepository(cfg *config.Config, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	dir, err := config.RepositoryRoot(cfg.Dir)
	if err != nil {
		return nil, err
	}
	root, err := inputfile.NewRoot(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(cfg.Dir, p)
		}
		if _, err := root.Resolve(p); err != nil {
			return nil, fmt.Errorf("gate.policies: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

func record(c *common, g *gateFlags, res *gate.Result) error {
	from := gate.LedgerFrom
	if g.partial {
		from = gate.PartialLedgerFrom
	}
	l, err := from(res.Facts, time.Now())
	if err != nil {
		return err
	}
	if err := gate.WriteLedger(g.ledger, l); err != nil {
		return err
	}
	if c.Format == "text" && !c.Quiet {
		fmt.Fprintf(c.Stderr, "releasegate: recorded %s for %s in %s\n", l.Release, report.Plural(len(l.Images), "image"), g.ledger)
	}
	return nil
}

// writeGate writes the result in --format, and inside GitHub Actions the
// step summary and step outputs.
func (c *common) writeGate(res *gate.Result) error {
	return c.writeResult(func(w io.Writer) error {
		return gate.Write(w, c.Format, res, gate.WriteOptions{Color: c.Color(), Quiet: c.Quiet, Tool: c.Build.Tool()})
	}, func(w io.Writer) error { return gate.WriteStepSummary(w, res) }, func(w io.Writer) error { return gate.WriteOutputs(w, res) })
}

// writeResult writes a gate command's report to --output, then, when set,
// its Markdown summary to $GITHUB_STEP_SUMMARY and its key=value lines to
// $GITHUB_OUTPUT.
func (c *common) writeResult(report, summary, outputs func(io.Writer) error) error {
	out, closeOut, err := c.OpenOutput()
	if err != nil {
		return err
	}
	werr := report(out)
	if err := closeOut(); werr == nil {
		werr = err
	}
	if werr != nil {
		return werr
	}
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if err := command.AppendFile(p, summary); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	if p := os.Getenv("GITHUB_OUTPUT"); p != "" {
		if err := command.AppendFile(p, outputs); err != nil {
			return fmt.Errorf("GITHUB_OUTPUT: %w", err)
		}
	}
	return nil
}
