package secretscope_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/secretscope"
	"github.com/releasegate/releasegate/lint/linttest"
)

// TestSpansInEveryScalarStyle is the span property over generated
// workflows: wherever and however a reference is written (any scalar
// style, folded, escaped, non-ASCII text before it), each finding covers
// exactly the reference it reports.
func TestSpansInEveryScalarStyle(t *testing.T) {
	want := map[string]string{"secret-scope": "secrets.HUB_TOKEN_DELETE", "secret-variant": "vars.HUB_TOKEN"}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 24 {
		for _, style := range linttest.ScalarStyles {
			var parts []string
			refs := 1 + r.IntN(3)
			for range refs {
				parts = append(parts, "${{ secrets.HUB_TOKEN_DELETE }}", "${{ vars.HUB_TOKEN }}")
			}
			key := []string{"run", "env:\n          K", "with:\n          body"}[i%3]
			step := "      - " + key + ": " + linttest.Scalar(r, style, parts, 10)
			if key == "run" {
				step = "      - run: " + linttest.Scalar(r, style, parts, 8)
			} else {
				step = strings.Replace(step, "      - env", "      - uses: acme/x@v1\n        env", 1)
				step = strings.Replace(step, "      - with", "      - uses: acme/x@v1\n        with", 1)
			}
			files := map[string]string{
				".releasegate.yaml":          cfg,
				".github/workflows/push.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" + step,
			}
			res := linttest.Run(t, files, secretscope.Check)
			n := 0
			for _, f := range res.Findings {
				needle, ok := want[f.Rule]
				if !ok {
					continue
				}
				n++
				if got := linttest.SpanText(files, f.File, f.Line, f.Column, f.EndLine, f.EndColumn); got != needle {
					t.Fatalf("style %s: %s at %d:%d-%d:%d covers %q, want %q\n%s", style, f.Rule, f.Line, f.Column, f.EndLine, f.EndColumn,
						got, needle, files[".github/workflows/push.yml"])
				}
			}
			if n != 2*refs {
				t.Fatalf("style %s: %d findings for %d references\n%s", style, n, 2*refs, files[".github/workflows/push.yml"])
			}
		}
	}
}
