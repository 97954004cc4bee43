package emptyexpr

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/checks/failurestep"
	"github.com/releasegate/releasegate/checks/unevaluateddefault"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// sinkTemplate puts one expression into every place the check reads.
const sinkTemplate = pushAndDispatch + `concurrency:
  group: g
  cancel-in-progress: ${{ EXPR }}
env:
  TOP: ${{ EXPR }}
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      o: ${{ EXPR }}
    steps:
      - id: s
        if: ${{ EXPR }}
        run: echo "o=1" >> "$GITHUB_OUTPUT"
  build:
    needs: plan
    if: ${{ EXPR }}
    runs-on: ${{ EXPR }}
    environment: ${{ EXPR }}
    continue-on-error: ${{ EXPR }}
    timeout-minutes: ${{ EXPR }}
    strategy:
      fail-fast: ${{ EXPR }}
      max-parallel: ${{ EXPR }}
      matrix:
        arch: [amd64]
        include:
          - arch: arm64
            k: ${{ EXPR }}
    steps:
      - id: t
        if: ${{ EXPR }}
        continue-on-error: ${{ EXPR }}
        timeout-minutes: ${{ EXPR }}
        env:
          E: ${{ EXPR }}
        run: docker push ghcr.io/a/b:${{ EXPR }}
      - uses: docker/build-push-action@v6
        with:
          tags: ${{ EXPR }}
          build-args: V=${{ env.TOP }}
      - if: env.TOP == 'true'
        run: |
          [ "$TOP" = "true" ] && ./release.sh --tag "$TOP"
          V=${{ EXPR }}
          ./push.sh "$V" ${{ env.TOP }} > "$TOP"
`

func memWorkspace(tb testing.TB, files map[string]string) *workspace.Workspace {
	ws := &workspace.Workspace{}
	for rel, src := range files {
		ast, _ := actionlint.Parse([]byte(src))
		if ast == nil {
			continue
		}
		f := &workspace.File{Path: rel, Rel: rel, Src: []byte(src)}
		ws.Workflows = append(ws.Workflows, &workspace.Workflow{File: f, Name: rel, AST: ast})
	}
	return ws
}

func runChecks(tb testing.TB, ws *workspace.Workspace, checks ...lint.Check) *report.Result {
	var groups [][]rule.Rule
	for _, c := range checks {
		groups = append(groups, c.Rules)
	}
	res, err := lint.Run(lint.Options{Workspace: ws, Config: config.Default("."), Checks: checks, Rules: rule.NewSet(groups...)})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// FuzzSinks: no expression actionlint can parse makes the checks panic in
// any field, and every finding points inside the file.
func FuzzSinks(f *testing.F) {
	for _, s := range []string{
		"inputs.allow_unsigned", "inputs.mode || 'full'", "github.event.inputs.tag", "vars.X && 'a' || ''",
		"fromJSON(needs.plan.outputs.o)", "steps.s.outputs.o", "matrix.k", "env.E", "secrets.X",
		"format('{0}', inputs.tag)", "github.event_name == 'push' || inputs.run_tests", "needs.*.result",
		"!inputs.typo", "inputs.typo && steps.nope.outputs.x", "needs.other.outputs.x", "needs.plan.docs",
		"fromJSON(steps.s.outputs.o).k", "always() && fromJSON(needs.plan.outputs.o)", "inputs.tag != ''",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, e string) {
		if strings.ContainsAny(e, "\n\r\t\"#:{}") || strings.TrimSpace(e) == "" {
			return // keep the YAML around the expression well-formed
		}
		if _, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(e + "}}")); err != nil {
			return
		}
		src := strings.ReplaceAll(sinkTemplate, "EXPR", e)
		ws := memWorkspace(t, map[string]string{wfPath: src})
		res := runChecks(t, ws, Check, failurestep.Check)
		lines := strings.Count(src, "\n") + 1
		for _, fd := range res.Findings {
			if fd.Line < 1 || fd.Line > lines || fd.Column < 1 {
				t.Fatalf("finding outside the file: %+v", fd)
			}
		}
	})
}

// genWorkflows writes n release-like workflows that exercise every part
// of the analysis (inputs, needs, outputs, matrix, env, image refs).
func genWorkflows(n int) map[string]string {
	files := make(map[string]string, n)
	for i := range n {
		var b strings.Builder
		b.WriteString(pushAndDispatch)
		b.WriteString("env:\n  REGISTRY: ghcr.io/acme\njobs:\n")
		for j := range 4 {
			fmt.Fprintf(&b, `  job%d:
    runs-on: ${{ vars.RUNNER || 'ubuntu-latest' }}
    continue-on-error: ${{ inputs.allow_unsigned || false }}
    timeout-minutes: 30
    outputs:
      tag: ${{ steps.meta.outputs.tag }}
    strategy:
      matrix:
        arch: [amd64, arm64]
`, j)
			if j > 0 {
				fmt.Fprintf(&b, "    needs: job%d\n", j-1)
			}
			b.WriteString(`    steps:
      - uses: actions/checkout@v4
      - id: meta
        run: echo "tag=${GITHUB_REF_NAME}-${{ matrix.arch }}" >> "$GITHUB_OUTPUT"
      - if: inputs.run_tests && github.event_name == 'workflow_dispatch'
        run: make test MODE=${{ inputs.mode || 'full' }}
      - run: docker push ${{ env.REGISTRY }}/app:${{ steps.meta.outputs.tag }}
      - if: failure() && steps.meta.outcome == 'failure'
        run: ./notify.sh
`)
		}
		files[fmt.Sprintf(".github/workflows/w%04d.yml", i)] = b.String()
	}
	return files
}

// BenchmarkCheck times the three expression checks over 1,000 generated
// workflows and reports their cost as a ratio of actionlint's own rules
// over the same parsed workflows (the baseline "actionlint"). Both sides
// run once to warm up, then alternate in every iteration, so neither is
// timed cold or on a different moment of a busy machine.
func BenchmarkCheck(b *testing.B) {
	dir := linttest.Write(b, genWorkflows(1000))
	ws, err := workspace.Load(workspace.Options{Paths: []string{dir}, WorkingDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	timed := func(checks ...lint.Check) time.Duration {
		t0 := time.Now()
		runChecks(b, ws, checks...)
		return time.Since(t0)
	}
	ours := []lint.Check{Check, unevaluateddefault.Check, failurestep.Check}
	timed(actionlintrules.Check)
	timed(ours...)
	var tBase, tOurs time.Duration
	b.ResetTimer()
	for b.Loop() {
		tBase += timed(actionlintrules.Check)
		tOurs += timed(ours...)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tBase.Milliseconds())/n, "actionlint-ms/op")
	b.ReportMetric(float64(tOurs.Milliseconds())/n, "ours-ms/op")
	b.ReportMetric(float64(tOurs)/float64(tBase), "x-actionlint")
}

// TestGeneratedCorpusClean: the benchmark corpus is written the careful
// way (fallbacks, dispatch guards, status functions) and must stay clean.
func TestGeneratedCorpusClean(t *testing.T) {
	res := runChecks(t, memWorkspace(t, genWorkflows(3)), Check, unevaluateddefault.Check, failurestep.Check)
	for _, f := range res.Findings {
		t.Errorf("unexpected finding: %s:%d:%d: %s", f.File, f.Line, f.Column, f.Message)
	}
}
