package emptyexpr

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestFixMeansWhatWasMeant: a version or tag input read on a tag push
// falls back to the pushed tag, not to its default; where tag pushes are
// one trigger among others no fallback is evidently right, so there is no
// fix; without tag pushes the default stays the fallback.
func TestFixMeansWhatWasMeant(t *testing.T) {
	const inputs = `  workflow_dispatch:
    inputs:
      tag:
        default: latest
      mode:
        default: full
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: docker push "ghcr.io/acme/app:${{ inputs.tag }}"
`
	for _, tc := range []struct {
		name, on, fix, noFix string
	}{
		{"tag pushes only", "on:\n  push:\n    tags: ['v*']\n",
			"github.event_name != 'workflow_dispatch' && github.ref_name || inputs.tag", ""},
		{"tag pushes among branch pushes", "on:\n  push:\n    branches: [main]\n    tags: ['v*']\n",
			"", "neither its default 'latest' nor github.ref_name is evidently meant"},
		{"no tag pushes", "on:\n  schedule:\n    - cron: '0 2 * * *'\n",
			"github.event_name != 'workflow_dispatch' && 'latest' || inputs.tag", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := linttest.Run(t, wf(tc.on+inputs), Check)
			if len(res.Findings) != 1 {
				t.Fatalf("want one finding, got %+v", res.Findings)
			}
			f := res.Findings[0]
			switch {
			case tc.fix != "" && (f.Fix == nil || len(f.Fix.Edits) != 1 || f.Fix.Edits[0].Text != tc.fix):
				t.Errorf("fix %+v (no fix: %q), want %q", f.Fix, f.NoFix, tc.fix)
			case tc.noFix != "" && (f.Fix != nil || !strings.Contains(f.NoFix, tc.noFix)):
				t.Errorf("fix %+v, no fix %q; want no fix saying %q", f.Fix, f.NoFix, tc.noFix)
			}
		})
	}
}

// TestRepeatedReadOnce: a script that reads the same input in several
// places needing it gets one finding, at the first, whose fix covers
// every copy.
func TestRepeatedReadOnce(t *testing.T) {
	res := linttest.Run(t, wf(pushAndDispatch+`jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - run: |
          ./collect.sh --mode "${{ inputs.mode }}"
          ./publish.sh --mode "${{ inputs.mode }}"
`), Check)
	if len(res.Findings) != 1 {
		t.Fatalf("want one finding, got %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Line != 24 || f.Fix == nil || len(f.Fix.Edits) != 2 {
		t.Errorf("finding at line %d with fix %+v (no fix: %q); want line 24 and two edits", f.Line, f.Fix, f.NoFix)
	}
}
