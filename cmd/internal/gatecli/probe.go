package gatecli

// `releasegate gate probe`: the integrity walk of named images or of whole
// registries through their catalogs, with progress on stderr and metrics
// for Prometheus.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/gate"
	"github.com/releasegate/releasegate/gate/probemetrics"
)

// probeFlags are the flags only probe takes (SPEC §2).
type probeFlags struct {
	catalogs    []string
	repos       []string
	tags        []string
	shard       string
	metricsFile string
	pushGateway string
	progress    time.Duration
}

func newProbeCmd(c *common, g *gateFlags) *cobra.Command {
	p := &probeFlags{}
	cmd := &cobra.Command{
		Use:   "probe [IMAGE ...]",
		Short: "Walk index, children, configs and layers of image references, or of every tag in registry catalogs",
		Long: "probe walks what a pull would fetch — the index, every child manifest, each config and layer — for the given " +
			"references, for --version of the configured images, or for every tag of every repository of each --catalog " +
			"registry. A missing or mismatched object is integrity-missing on the tag (exit 1); anything that could not be " +
			"established, a catalog or tag list included, is unverifiable (exit 2).\n\n" +
			"Globs for --repo and --tag: * within a path segment, ** across segments, ?, [a-z], {a,b}; a leading ! excludes " +
			"(quote it in the shell). A name passes when it matches an include glob (or there is none) and no exclude glob.",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProbe(c, g, p, args)
		},
	}
	c.FormatFlag(cmd, gate.Formats)
	g.shared(cmd)
	g.versionFlag(cmd) // without IMAGE arguments, probe walks --version of the configured images
	f := cmd.Flags()
	f.StringArrayVar(&p.catalogs, "catalog", nil, "registry `HOST[:PORT]`: walk every tag of every repository (repeatable; overrides gate.probe.catalogs)")
	f.StringArrayVar(&p.repos, "repo", nil, "repository `GLOB` for --catalog, e.g. 'acme/**' or '!**/scratch-*' (repeatable; overrides gate.probe.repos)")
	f.StringArrayVar(&p.tags, "tag", nil, "tag `GLOB` for --catalog, e.g. 'v*' or '!sha256-*' (repeatable; overrides gate.probe.tags)")
	f.StringVar(&p.shard, "shard", "", "walk only shard `I/N` of the repositories (a hash of the name); auto/N reads I from JOB_COMPLETION_INDEX")
	f.StringVar(&p.metricsFile, "metrics-file", "", "write Prometheus metrics to `FILE` (text format, atomically; for node_exporter's textfile collector)")
	f.StringVar(&p.pushGateway, "push-gateway", "", "push Prometheus metrics to the Pushgateway at `URL` (job releasegate-probe, grouped by shard)")
	f.DurationVar(&p.progress, "progress-every", 5*time.Second, "`DURATION` between progress lines when stderr is not a terminal")
	return cmd
}

func runProbe(c *common, g *gateFlags, p *probeFlags, args []string) error {
	var probe gate.Probe
	opts, _, err := c.gateOptions(g, func(cfg *config.Config) (gate.Phase, error) {
		var err error
		probe, err = p.phase(args, cfg.Gate.Probe)
		return probe, err
	})
	if err != nil {
		writeUndecidedOutputs()
		return undecided(err)
	}
	c.warnCredentials(opts.Images, probe.Refs, probe.Catalogs)
	started := time.Now()
	res, err := p.run(c, g, opts, probe)
	if err != nil {
		writeUndecidedOutputs()
		return undecided(err)
	}
	run := probemetrics.Run{Summary: res.Probe, Started: started, Finished: time.Now()}
	if err := errors.Join(c.writeGate(res), p.export(run, probe.Shard)); err != nil {
		return undecided(err)
	}
	return command.WithOutcome(res.Outcome(), undecidedReason(res))
}

// phase makes the probe of refs from the probe flags (or, without them,
// the config's gate.probe).
func (p *probeFlags) phase(refs []string, cfg config.Probe) (gate.Probe, error) {
	probe := gate.Probe{Refs: refs, Catalogs: or(p.catalogs, cfg.Catalogs)}
	for _, h := range probe.Catalogs {
		if err := config.CheckCatalog(h); err != nil {
			return probe, fmt.Errorf("--catalog: %w", err)
		}
	}
	var err error
	if probe.Repos, err = gate.ParseFilter("--repo", or(p.repos, cfg.Repos)); err != nil {
		return probe, err
	}
	if probe.Tags, err = gate.ParseFilter("--tag", or(p.tags, cfg.Tags)); err != nil {
		return probe, err
	}
	probe.Shard, err = gate.ParseShard(p.shard, os.Getenv)
	return probe, err
}

func or(flag, config []string) []string {
	if len(flag) > 0 {
		return flag
	}
	return config
}

// run runs the probe, showing progress on stderr while it walks a
// catalog: a live line on a terminal, a line every few seconds elsewhere,
// nothing with --quiet.
func (p *probeFlags) run(c *common, g *gateFlags, opts gate.Options, probe gate.Probe) (*gate.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	if len(probe.Catalogs) > 0 && !c.Quiet {
		probe.Progress = &gate.Progress{}
		opts.Phase = probe
		stop := gate.ShowProgress(c.Stderr, probe.Progress, gate.ProgressDisplay{
			Live: isTerminal(c.Stderr), Every: p.progress,
			Requests: func() int { return opts.Client.Requests().Total },
		})
		defer stop()
	}
	return gate.Run(ctx, opts)
}

// exportTimeout bounds writing and pushing metrics. It has its own clock:
// a run that hit --timeout must still report that it did.
const exportTimeout = 30 * time.Second

// export writes the metrics file and pushes to the Pushgateway, when
// asked. Either failing is exit 2: a probe whose alerts cannot see it has
// not done its job.
func (p *probeFlags) export(run probemetrics.Run, shard gate.Shard) error {
	index := ""
	if shard.Count > 1 {
		index = strconv.Itoa(shard.Index)
	}
	var errs []error
	if p.metricsFile != "" {
		errs = append(errs, probemetrics.WriteFile(p.metricsFile, run, index))
	}
	if p.pushGateway != "" {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		errs = append(errs, probemetrics.Push(ctx, p.pushGateway, run, index))
	}
	return errors.Join(errs...)
}

// isTerminal reports whether w is a terminal (a live line can be
// rewritten in place there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
