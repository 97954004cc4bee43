package emptyexpr

import (
	"fmt"
	"slices"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/rule"
)

// runSeverities lints one workflow and returns "line:severity" of every
// finding.
func runSeverities(t *testing.T, body string) []string {
	t.Helper()
	res := linttest.Run(t, wf(body), Check)
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%d:%s", f.Line, f.Severity))
	}
	return got
}

// TestEmptyMeansDefault: an always-empty value given to an input where
// the action takes the empty string as its default is a note, one case per entry of
// the table (the same value elsewhere stays an error: the cases under
// testdata/empty-means-default).
func TestEmptyMeansDefault(t *testing.T) {
	for action, inputs := range emptyMeansDefault {
		for _, in := range inputs {
			t.Run(action+" "+in, func(t *testing.T) {
				got := runSeverities(t, fmt.Sprintf(`on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: %s@v9
        with:
          %s: ${{ inputs.base }}
`, action, in))
				if want := []string{"8:" + string(rule.Note)}; !slices.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
	}
}
