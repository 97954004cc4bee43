package walk

import (
	"sort"
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
	var got, envNames []string
	for _, v := range Strings(wf) {
		if strings.Contains(v.Str.Value, "secrets.") || v.Condition {
			got = append(got, v.Job+"|"+v.Str.Value)
		}
		if v.EnvName {
			envNames = append(envNames, v.Str.Value)
		}
	}
	sort.Strings(got)
	sort.Strings(envNames)
	if strings.Join(envNames, ",") != "K,TOP" {
		t.Errorf("env names = %v, want K and TOP", envNames)
	}
	want := []string{
		"build|${{ secrets.C }}",
		"build|echo ${{ secrets.B }}",
		"build|github.event_name == 'push'",
		"|${{ secrets.A }}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestWithDescriptions: descriptions are text a reader sees, so rules
// about text (links) read them; the expression rules (Strings) do not.
func TestWithDescriptions(t *testing.T) {
	wf, errs := actionlint.Parse([]byte(src))
	if wf == nil {
		t.Fatalf("parse: %v", errs)
	}
	has := func(vs []Value, text string) bool {
		for _, v := range vs {
			if v.Str.Value == text {
				return true
			}
		}
		return false
	}
	const prose = "uses ${{ secrets.IGNORED }} in prose"
	if all := WithDescriptions(wf); !has(all, prose) || !has(all, "echo ${{ secrets.B }}") {
		t.Errorf("WithDescriptions misses the description or a value: %d values", len(all))
	}
	// After WithDescriptions, Strings (sharing its memo of fields) still
	// skips descriptions.
	if has(Strings(wf), prose) {
		t.Error("Strings returned a description")
	}
}
