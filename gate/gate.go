package gate

import (
	"context"
	"time"

	"github.com/releasegate/releasegate/gate/probereport"
	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
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

// Run gathers the facts of opts.Phase, evaluates the policies and
// decides. An error means the run could not start (bad options, bad
// policies); registry trouble is reported in the result as unverifiable.
//
// A deadline on ctx (--timeout) bounds the whole run, so gathering stops
// early enough to leave time for the decision and the report: facts still
// being gathered then are unknown, each naming the request it waited on,
// and the run ends in decision error with its full report rather than in
// an error with none.
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
	gather, cancel := gatherContext(ctx)
	defer cancel()
	go func() {
		e, err := policies.Prepare(ctx, opts.Policies, policies.WithMemoryLimit(opts.PolicyMemory))
		if err != nil {
			cancel() // nothing will be decided: stop gathering
		}
		ready <- prepared{e, err}
	}()
	r := &runner{opts: opts, client: opts.Client}
	facts, err := r.collect(gather)
	cancel()
	p := <-ready
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	vs, err := p.engine.Eval(ctx, facts)
	if err != nil {
		// The facts are in; only the evaluation failed. Report them with
		// the failure rather than lose them.
		vs = []policies.Violation{{Rule: gaterule.Unverifiable, Severity: rule.Error, Target: "policies",
			Message: "could not evaluate the policies: " + err.Error()}}
	}
	vs = r.applyRuleSettings(vs)
	vs = failClosed(vs, facts)
	res := &Result{
		Version: 1, Phase: opts.Phase.Name(), Decision: r.decide(vs, facts),
		Violations: vs, Facts: facts, Requests: opts.Client.Requests(),
	}
	if p, ok := opts.Phase.(Probe); ok { // a probe sums its walk up
		res.Probe = r.summarize(p.Shard, facts, vs, res.Decision)
	}
	return res, nil
}

// gatherContext ends gathering before ctx's deadline, keeping a tenth of
// the run (at least 200ms, at most 3s; half of a very short run) for the
// policies and the report.
func gatherContext(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	left := time.Until(dl)
	reserve := min(max(left/10, 200*time.Millisecond), 3*time.Second)
	if left < 2*reserve {
		reserve = left / 2
	}
	return context.WithDeadline(ctx, dl.Add(-reserve))
}
