package gate

import (
	"context"

	"github.com/releasegate/releasegate/gate/probereport"
	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/report"
)

// Result is the outcome of a run, shaped as the gate JSON output.
type Result struct {
	Version    int                  `json:"version"`
	Phase      string               `json:"phase"`
	Decision   string               `json:"decision"`
	Violations []policies.Violation `json:"violations"`
	Facts      *Facts               `json:"facts"`
	Requests   registry.Requests    `json:"requests"`
	// Probe sums a probe up per registry and lists its broken tags.
	Probe *probereport.Summary `json:"probe,omitempty"`
}

// Outcome maps the decision to SPEC §3.
func (r *Result) Outcome() report.Outcome {
	switch r.Decision {
	case Pass, Skip:
		return report.Holds
	case Fail:
		return report.Violated
	}
	return report.Undecided
}

type runner struct {
	opts   Options
	client *registry.Client
}

// Run gathers the facts for opts.Phase, evaluates the policies and
// decides. An error means the run could not start (bad options, bad
// policies); registry trouble is reported in the result as unverifiable.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := validate(&opts); err != nil {
		return nil, err
	}
	if opts.Client == nil {
		opts.Client = registry.New()
	}
	// Compile the policies while the facts are gathered: both take tens
	// of milliseconds and neither needs the other.
	type prepared struct {
		engine *policies.Engine
		err    error
	}
	ready := make(chan prepared, 1)
	go func() {
		e, err := policies.Prepare(ctx, opts.Policies...)
		ready <- prepared{e, err}
	}()
	r := &runner{opts: opts, client: opts.Client}
	facts, err := r.collect(ctx)
	p := <-ready
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	engine := p.engine
	vs, err := engine.Eval(ctx, facts)
	if err != nil {
		return nil, err
	}
	vs = r.applyRuleSettings(vs)
	vs = failClosed(vs, facts)
	res := &Result{
		Version: 1, Phase: opts.Phase, Decision: r.decide(vs, facts),
		Violations: vs, Facts: facts, Requests: opts.Client.Requests(),
	}
	if opts.Phase == Probe {
		res.Probe = r.summarize(facts, vs, res.Decision)
	}
	return res, nil
}
