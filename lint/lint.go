// Package lint runs releasegate's static checks over a workspace and
// collects their findings, applying rule selection, severity overrides and
// inline suppressions in one place so individual checks need not.
package lint

import (
	"fmt"
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

// Report records a finding that starts at pos. Its end is the end of the
// token there (see workspace.File.TokenSpan); a check that knows the exact
// text it is about uses ReportSpan.
func (p *Pass) Report(ruleID string, f *workspace.File, pos workspace.Pos, format string, args ...any) {
	p.ReportAt(ruleID, f.Path, pos.Line, pos.Col, fmt.Sprintf(format, args...))
}

// ReportSpan records a finding about the text of span in a workspace file.
func (p *Pass) ReportSpan(ruleID string, f *workspace.File, span workspace.Span, format string, args ...any) {
	p.ReportSpanAt(ruleID, f.Path, span, fmt.Sprintf(format, args...))
}

// ReportAt records a finding at a display path (for files outside the
// workspace model, such as Go sources and the configuration file). Its
// end is the end of the token at line:col.
func (p *Pass) ReportAt(ruleID, path string, line, col int, msg string) {
	p.add(report.Finding{Rule: ruleID, File: path, Line: line, Column: col, Message: msg})
}

// ReportSpanAt records a finding about a span of a file outside the
// workspace model, by display path (Go sources: the analyzers' diagnostic
// Pos and End).
func (p *Pass) ReportSpanAt(ruleID, path string, span workspace.Span, msg string) {
	p.add(report.Finding{
		Rule: ruleID, File: path, Line: span.Start.Line, Column: span.Start.Col,
		EndLine: span.End.Line, EndColumn: span.End.Col, Message: msg,
	})
}

func (p *Pass) add(f report.Finding) {
	if !p.sel.enabled(f.Rule) {
		return
	}
	sev := p.sel.severity(f.Rule)
	if f.Severity.Rank() == 0 || f.Severity.Rank() > sev.Rank() {
		f.Severity = sev // no cap (AtMost), or one above the configured severity
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.findings = append(p.findings, f)
}

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
	// Workspace is what to check. When nil, Run loads Load itself and runs
	// the checks' Workflow functions while it parses.
	Workspace  *workspace.Workspace
	Load       workspace.Options
	Config     *config.Config
	Checks     []Check
	Rules      *rule.Set
	Disable    []string
	EnableOnly []string
}

// Run executes the checks concurrently and returns their sorted findings.
func Run(opts Options) (*report.Result, error) {
	sel, err := newSelection(opts)
	if err != nil {
		return nil, err
	}
	p := &Pass{Workspace: opts.Workspace, Config: opts.Config, sel: sel}
	var checks []Check
	for _, c := range opts.Checks {
		if slices.ContainsFunc(c.Rules, func(r rule.Rule) bool { return sel.enabled(r.ID) }) {
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
			return nil, err
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
	res.Findings = settle(res.Findings, ws)
	res.Sort()
	return res, nil
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
