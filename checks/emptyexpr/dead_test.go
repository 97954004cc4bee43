package emptyexpr

import (
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestDeadValues: an always-empty value nothing reads is a note that says
// so; the same value with a reader stays an error.
func TestDeadValues(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string // line:severity
		msg        string
	}{
		{"env nobody reads", `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      CHANNEL: ${{ inputs.channel }}
    steps:
      - uses: actions/checkout@v4
      - run: make build
`, []string{"6:note"}, "nothing in its scope reads CHANNEL: never read, remove it"},
		{"env a script reads", `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      CHANNEL: ${{ inputs.channel }}
    steps:
      - run: ./publish.sh "$CHANNEL"
`, []string{"6:error"}, ""},
		{"env in reach of an action that may read it", `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      CHANNEL: ${{ inputs.channel }}
    steps:
      - uses: ./.github/actions/publish
`, []string{"6:error"}, ""},
		{"job output nobody reads", `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      digest: ${{ steps.push.outputs.digest }}
    steps:
      - run: make image
`, []string{"6:note"}, "no job reads needs.build.outputs.digest: never read, remove it"},
		{"job output a later job reads", `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      digest: ${{ steps.push.outputs.digest }}
    steps:
      - run: make image
  sign:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign "app@${{ needs.build.outputs.digest }}"
`, []string{"6:error"}, `no step of this job has id "push"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := runSeverities(t, tc.body); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.msg == "" {
				return
			}
			res := linttest.Run(t, wf(tc.body), Check)
			if len(res.Findings) == 0 || !strings.Contains(res.Findings[0].Message, tc.msg) {
				t.Errorf("findings %+v, want a message with %q", res.Findings, tc.msg)
			}
		})
	}
}
