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
)

// TestFixtureRepos lints the repositories under
// fixtures/testdata/expressions with the three expression checks and compares
// the findings with each repository's expected.txt (file:line:col rule);
// a repository without findings has an empty or no expected.txt.
func TestFixtureRepos(t *testing.T) {
	root := filepath.Join("..", "..", "fixtures", "testdata", "expressions")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Join(root, d.Name()))
			want := readExpected(t, filepath.Join(dir, "expected.txt"))
			res := linttest.RunDir(t, dir, Check, unevaluateddefault.Check, failurestep.Check)
			var got []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s:%d:%d %s", f.File, f.Line, f.Column, f.Rule))
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				var msgs strings.Builder
				for _, f := range res.Findings {
					fmt.Fprintf(&msgs, "  %s:%d:%d %s: %s\n", f.File, f.Line, f.Column, f.Rule, f.Message)
				}
				t.Errorf("got\n  %s\nwant\n  %s\nmessages:\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), msgs.String())
			}
		})
	}
}

func readExpected(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}
