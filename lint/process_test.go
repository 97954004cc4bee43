package lint_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// The workflow the probe reports on, and the same with line 6 edited.
const (
	probeWorkflow = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: one\n      - run: two\n      - run: three\n      - run: four\n      - run: five\n"
	probeEdited   = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: uno\n      - run: two\n      - run: three\n      - run: four\n      - run: five\n"
)

// probe reports rule a on line 6, b on line 2, c on line 8 depending on
// target.md and d on line 9 depending on other.md, all in the workflow.
func probe() (lint.Check, *rule.Set) {
	var rules []rule.Rule
	for _, id := range []string{"a", "b", "c", "d"} {
		rules = append(rules, rule.Rule{ID: id, Half: rule.Lint, Severity: rule.Error, Summary: "s", Why: "w", Bad: "b", Good: "g", Fix: "f"})
	}
	check := lint.Check{Name: "probe", Rules: rules, Run: func(p *lint.Pass) {
		wf := p.Workspace.Workflows[0]
		dep := func(name string) []string {
			return []string{p.Workspace.Display(filepath.Join(p.Workspace.RepoRoot, name))}
		}
		for _, d := range []lint.Diagnostic{
			{Rule: "a", Span: workspace.Span{Start: workspace.Pos{Line: 6, Col: 9}}},
			{Rule: "b", Span: workspace.Span{Start: workspace.Pos{Line: 2, Col: 1}}},
			{Rule: "c", Span: workspace.Span{Start: workspace.Pos{Line: 8, Col: 9}}, DependsOn: dep("target.md")},
			{Rule: "d", Span: workspace.Span{Start: workspace.Pos{Line: 9, Col: 9}}, DependsOn: dep("other.md")},
		} {
			d.Path, d.Message = wf.Path, "probe "+d.Rule
			p.Report(d)
		}
	}}
	return check, rule.NewSet(rules)
}

// probeRepo is a repository whose last commit has the probe's workflow,
// target.md and a configuration.
func probeRepo(t *testing.T) *linttest.GitRepo {
	r := linttest.NewGitRepo(t)
	r.Write(".github/workflows/w.yml", probeWorkflow)
	r.Write("target.md", "# T\n")
	r.Write(".releasegate.yaml", "version: 1\n")
	r.Commit("base")
	return r
}

func runProbe(t *testing.T, dir, workingDir string, opts lint.Options) *report.Result {
	t.Helper()
	cfg, err := config.Load(filepath.Join(dir, ".releasegate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	check, rules := probe()
	opts.Load = workspace.Options{Paths: []string{dir}, WorkingDir: workingDir}
	opts.Config, opts.Checks, opts.Rules = cfg, []lint.Check{check}, rules
	res, err := lint.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rulesOf(res *report.Result) []string {
	var ids []string
	for _, f := range res.Findings {
		ids = append(ids, f.Rule)
	}
	return ids
}

// TestNewFrom: with Options.NewFrom, findings on unchanged lines are left
// out unless a file they depend on changed, and a changed configuration
// makes every finding new, whatever the working directory display paths
// are relative to.
func TestNewFrom(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(r *linttest.GitRepo)
		wantIn []string
		hidden int
	}{
		{"lines and dependencies", func(r *linttest.GitRepo) {
			r.Write(".github/workflows/w.yml", probeEdited)
			r.Write("target.md", "# Renamed\n")
		}, []string{"a", "c"}, 2},
		{"configuration changed", func(r *linttest.GitRepo) {
			r.Write(".releasegate.yaml", "version: 1\nrules: {b: warning}\n")
		}, []string{"b", "a", "c", "d"}, 0}, // in line order
	} {
		for _, above := range []bool{false, true} {
			r := probeRepo(t)
			tc.edit(r)
			wd, prefix := r.Dir, ""
			if above {
				wd, prefix = filepath.Dir(r.Dir), filepath.Base(r.Dir)+"/"
			}
			t.Run(tc.name+map[bool]string{false: "", true: " from above"}[above], func(t *testing.T) {
				res := runProbe(t, r.Dir, wd, lint.Options{NewFrom: "HEAD"})
				if got := rulesOf(res); !slices.Equal(got, tc.wantIn) {
					t.Errorf("kept %v, want %v", got, tc.wantIn)
				}
				if res.NewFrom == nil || res.NewFrom.Hidden != tc.hidden || res.NewFrom.Ref != "HEAD" || len(res.NewFrom.Rev) != 40 {
					t.Errorf("outcome %+v, want %d hidden", res.NewFrom, tc.hidden)
				}
				for _, f := range res.Findings {
					if f.File != prefix+".github/workflows/w.yml" || f.Abs != filepath.Join(r.Dir, ".github", "workflows", "w.yml") {
						t.Errorf("finding at %q (%q), want display path %q", f.File, f.Abs, prefix+".github/workflows/w.yml")
					}
				}
			})
		}
	}
}

// TestBaseline: Options.Baseline hides the findings a baseline recorded
// (paths relative to the baseline's directory, whatever the working
// directory); a finding whose line changed is new; a baseline that is
// missing is an error naming it, never a run without it.
func TestBaseline(t *testing.T) {
	r := probeRepo(t)
	res := runProbe(t, r.Dir, r.Dir, lint.Options{})
	b := report.NewBaseline(res.Findings, report.RelTo(r.Dir))
	f, err := os.Create(filepath.Join(r.Dir, "base.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	opts := lint.Options{Baseline: filepath.Join(r.Dir, "base.json"), BaselineSetting: "--baseline"}
	res = runProbe(t, r.Dir, filepath.Dir(r.Dir), opts)
	if len(res.Findings) != 0 || res.Baseline == nil || res.Baseline.Hidden != 4 {
		t.Errorf("kept %v, outcome %+v; want all 4 hidden", rulesOf(res), res.Baseline)
	}
	if want := filepath.Base(r.Dir) + "/base.json"; res.Baseline.File != want {
		t.Errorf("baseline shown as %q, want %q", res.Baseline.File, want)
	}

	r.Write(".github/workflows/w.yml", probeEdited)
	res = runProbe(t, r.Dir, r.Dir, opts)
	if got := rulesOf(res); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after an edit of line 6 kept %v, want [a]", got)
	}

	opts.Baseline = filepath.Join(r.Dir, "gone.json")
	opts.Load = workspace.Options{Paths: []string{r.Dir}, WorkingDir: r.Dir}
	check, rules := probe()
	opts.Config, opts.Checks, opts.Rules = config.Default(r.Dir), []lint.Check{check}, rules
	if _, err := lint.Run(opts); err == nil || !strings.Contains(err.Error(), "--baseline: gone.json does not exist") {
		t.Errorf("missing baseline: error %v", err)
	}
}
