package emptyexpr

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/failurestep"
	"github.com/releasegate/releasegate/checks/unevaluateddefault"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/report"
)

// The precision suite: fixtures/testdata/precision holds small
// repositories in the shapes real projects use every day (clean/, which
// must give no finding at all) and the defects the expression rules exist
// for (bugs/, where each line ending in `# want: RULE` must be reported
// exactly once and nothing else may be).

const precisionRoot = "../../fixtures/testdata/precision"

func precisionRepos(t *testing.T, kind string) []string {
	t.Helper()
	dirs, err := os.ReadDir(filepath.Join(precisionRoot, kind))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		if d.IsDir() {
			out = append(out, d.Name())
		}
	}
	if len(out) == 0 {
		t.Fatalf("no repositories under %s", kind)
	}
	return out
}

func lintPrecision(t *testing.T, dir string) *report.Result {
	t.Helper()
	res := linttest.RunDir(t, dir, Check, failurestep.Check, unevaluateddefault.Check)
	for _, e := range res.Errors {
		t.Errorf("input error: %v", e)
	}
	return res
}

func TestPrecisionCleanShapes(t *testing.T) {
	for _, name := range precisionRepos(t, "clean") {
		t.Run(name, func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Join(precisionRoot, "clean", name))
			res := lintPrecision(t, dir)
			if res.Scanned.Workflows+res.Scanned.Actions == 0 {
				t.Fatal("nothing scanned")
			}
			for _, f := range res.Findings {
				t.Errorf("%s:%d:%d: %s [%s]", f.File, f.Line, f.Column, f.Message, f.Rule)
			}
		})
	}
}

func TestPrecisionBugs(t *testing.T) {
	for _, name := range precisionRepos(t, "bugs") {
		t.Run(name, func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Join(precisionRoot, "bugs", name))
			want := wantMarkers(t, dir)
			if len(want) == 0 {
				t.Fatal("no # want: markers")
			}
			res := lintPrecision(t, dir)
			var got []string
			var msgs strings.Builder
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
				fmt.Fprintf(&msgs, "  %s:%d:%d: %s [%s]\n", f.File, f.Line, f.Column, f.Message, f.Rule)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("got\n  %s\nwant\n  %s\nfindings:\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), msgs.String())
			}
		})
	}
}

// wantMarkers reads the `# want: RULE` markers of every file under dir as
// "path:line RULE", sorted.
func wantMarkers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, _ := filepath.Rel(dir, path)
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if _, rule, ok := strings.Cut(sc.Text(), "# want: "); ok {
				out = append(out, fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), n, strings.TrimSpace(rule)))
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
