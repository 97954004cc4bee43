package walk

import (
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

const src = `on:
  workflow_dispatch:
    inputs:
      x:
        description: "uses ${{ secrets.IGNORED }} in prose"
env:
  TOP: ${{ secrets.A }}
jobs:
  build:
    runs-on: ubuntu-latest
    if: github.event_name == 'push'
    # a comment with ${{ secrets.COMMENT }}
    steps:
      - run: echo ${{ secrets.B }}
        env:
          K: ${{ secrets.C }}
`

func TestStrings(t *testing.T) {
	wf, errs := actionlint.Parse([]byte(src))
	if wf == nil {
		t.Fatalf("parse: %v", errs)
	}
	var got []string
	Strings(wf, func(v Value) {
		if strings.Contains(v.Str.Value, "secrets.") || v.Condition {
			got = append(got, v.Job+"|"+v.Str.Value)
		}
	})
	want := []string{
		"|${{ secrets.A }}",
		"build|github.event_name == 'push'",
		"build|echo ${{ secrets.B }}",
		"build|${{ secrets.C }}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
