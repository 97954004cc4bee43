// Package lint runs releasegate's static checks over a workspace and
// collects their findings. After the checks, the findings go through one
// ordered chain of processors (process.go): rule selection and severity,
// inline suppressions, unmatched exclude patterns, one sort, fingerprints,
// the changed-lines filter and the baseline, so that individual checks
// and the command line need not.
package lint

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Check is one unit of lint work: it reports one or more rules.
//
// Workflow, when set, is called once per workflow, concurrently, as soon
// as that workflow is parsed: work that needs one workflow at a time runs
// while its syntax tree is still in the CPU caches and overlaps with
// parsing the rest. p.Workspace is not complete then: it has its roots and
// every action, not yet its Workflows or Markdown. Run, when set, is
// called once after every file is loaded, for work across files.
//
// When Run loads the workspace itself (Options.Load), it keeps of each
// workflow only its name and paths once the Workflow functions have seen
// it: p.Workspace.Workflows hold no syntax tree and no source in Run. A
// check that works across workflows keeps a small summary of each from
// Workflow (p.Shared), or the *workspace.Workflow itself for the few it
// must look at again, so memory does not grow with whole trees.
type Check struct {
	// Name is the name of the check's package (its directory under
	// checks/): one scheme for every check, whatever its rules are called.
	Name     string
	Rules    []rule.Rule
	Workflow func(*Pass, *workspace.Workflow)
	Run      func(*Pass)
}

// Pass is what a check sees: the workspace, the configuration and a way to
// report. It is safe for concurrent use.
type Pass struct {
	Workspace *workspace.Workspace
	Config    *config.Config

	sel        *selection
	mu         sync.Mutex
	findings   []report.Finding
	errors     []report.InputError
	warnings   []report.InputError
	goPackages int
	shared     sync.Map
}

// Shared returns the run-wide value stored under key, creating it with
// init on first use. Checks keep per-run state (caches shared by their
// Workflow calls) here rather than in package variables.
func (p *Pass) Shared(key any, init func() any) any {
	if v, ok := p.shared.Load(key); ok {
		return v
	}
	v, _ := p.shared.LoadOrStore(key, init())
	return v
}

// Enabled reports whether a rule will be reported at all, so a check can
// skip expensive work for disabled rules.
func (p *Pass) Enabled(ruleID string) bool { return p.sel.enabled(ruleID) }

// Fail records that something could not be checked. The run exits 2.
func (p *Pass) Fail(e report.InputError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errors = append(p.errors, e)
}

// Warn records an input that was checked only in part, or skipped on
// purpose. The user sees it; the exit code does not change.
func (p *Pass) Warn(e report.InputError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.warnings = append(p.warnings, e)
}

// CountGoPackages adds to the number of Go packages scanned.
func (p *Pass) CountGoPackages(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.goPackages += n
}

// Options configure a run.
type Options struct {
	// Workspace is what to check. When nil, Run loads Load itself, without
	// the files the configuration excludes, and runs the checks' Workflow
	// functions while it parses. Load.WorkingDir anchors the paths
	// findings show.
	Workspace  *workspace.Workspace
	Load       workspace.Options
	Config     *config.Config
	Checks     []Check
	Rules      *rule.Set
	Disable    []string
	EnableOnly []string

	// Baseline is a baseline file (see report.Baseline): the findings it
	// records are hidden. BaselineSetting names where it was set
	// ("--baseline", "lint.baseline") in errors.
	Baseline        string
	BaselineSetting string
	// NewFrom keeps only the findings a change since this git revision
	// may have brought in (see package changes); with NewFromMergeBase,
	// since the merge base of NewFrom and HEAD.
	NewFrom          string
	NewFromMergeBase bool
}

// Run executes the checks concurrently and passes their findings through
// the processors (see process.go).
func Run(opts Options) (*report.Result, error) {
	if opts.Load.WorkingDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		opts.Load.WorkingDir = wd
	}
	adopt, err := newAdoption(opts)
	if err != nil {
		return nil, err
	}
	sel, err := newSelection(opts)
	if err != nil {
		return nil, err
	}
	p := &Pass{Workspace: opts.Workspace, Config: opts.Config, sel: sel}
	var exclusions *config.Exclusions
	if p.Workspace == nil {
		exclusions = opts.Config.NewExclusions()
		opts.Load.Exclude = exclusions.Excluded
	}
	if err := p.runChecks(opts); err != nil {
		return nil, err
	}
	res := p.result()
	r := &run{
		ws: p.Workspace, cfg: opts.Config, sel: sel, cwd: opts.Load.WorkingDir, paths: opts.Load.Paths,
		exclusions: exclusions, adoption: adopt,
	}
	for _, process := range r.processors() {
		process(res)
	}
	return res, nil
}

// result is what the checks found and what the workspace counted, before
// the processors.
func (p *Pass) result() *report.Result {
	ws := p.Workspace
	res := &report.Result{
		Findings: p.findings,
		Errors:   append(slices.Clone(ws.Errors), p.errors...),
		Warnings: append(slices.Clone(ws.Warnings), p.warnings...),
		Scanned: report.Scanned{
			Workflows:  len(ws.Workflows),
			Actions:    len(ws.Actions),
			Markdown:   len(ws.Markdown),
			GoPackages: p.goPackages,
		},
	}
	for _, md := range ws.Markdown {
		res.Scanned.Fences += len(md.Fences)
	}
	return res
}

// runChecks runs the enabled checks: their Workflow functions as the
// workflows are parsed (or over p.Workspace, when given), then their Run
// functions concurrently.
func (p *Pass) runChecks(opts Options) error {
	var checks []Check
	for _, c := range opts.Checks {
		if slices.ContainsFunc(c.Rules, func(r rule.Rule) bool { return p.sel.enabled(r.ID) }) {
			checks = append(checks, c)
		}
	}
	perWorkflow := func(wf *workspace.Workflow) {
		for _, c := range checks {
			if c.Workflow != nil {
				c.Workflow(p, wf)
			}
		}
	}
	if p.Workspace == nil {
		load := opts.Load
		load.OnWorkflow = perWorkflow
		load.ReleaseWorkflows = true
		ws, err := workspace.Discover(load)
		if err != nil {
			return err
		}
		p.Workspace = ws
		ws.Parse()
	} else {
		p.ForEachWorkflow(perWorkflow)
	}
	var wg sync.WaitGroup
	for _, c := range checks {
		if c.Run == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Run(p)
		}()
	}
	wg.Wait()
	return nil
}

// selection decides which rules run and at what severity.
type selection struct {
	rules    *rule.Set
	cfg      *config.Config
	disabled map[string]bool
	only     map[string]bool
}

func newSelection(opts Options) (*selection, error) {
	s := &selection{rules: opts.Rules, cfg: opts.Config, disabled: map[string]bool{}}
	for _, id := range opts.Disable {
		if err := opts.Rules.Check(id); err != nil {
			return nil, fmt.Errorf("--disable: %w", err)
		}
		s.disabled[id] = true
	}
	if len(opts.EnableOnly) > 0 {
		s.only = map[string]bool{}
		for _, id := range opts.EnableOnly {
			if err := opts.Rules.Check(id); err != nil {
				return nil, fmt.Errorf("--enable-only: %w", err)
			}
			s.only[id] = true
		}
	}
	return s, nil
}

func (s *selection) enabled(id string) bool {
	if s.disabled[id] || (s.only != nil && !s.only[id]) {
		return false
	}
	return !s.cfg.Rules[id].Off
}

func (s *selection) severity(id string) rule.Severity {
	def := rule.Error
	if r, ok := s.rules.Get(id); ok {
		def = r.Severity
	}
	sev, _ := s.cfg.Rules[id].Apply(def)
	return sev
}

// ForEachWorkflow calls fn for every workflow of p.Workspace, a few at a
// time, and waits (in Run, after a load by lint.Run, those hold no trees:
// see Check).
func (p *Pass) ForEachWorkflow(fn func(*workspace.Workflow)) {
	ForEach(p.Workspace.Workflows, fn)
}

// ForEach calls fn for every workflow of wfs, a few at a time, and waits:
// independent work per workflow spread over the machine's cores.
func ForEach(wfs []*workspace.Workflow, fn func(*workspace.Workflow)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.NumCPU())
	for _, wf := range wfs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(wf)
		}()
	}
	wg.Wait()
}
