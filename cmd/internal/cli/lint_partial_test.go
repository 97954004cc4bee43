package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// TestLintWithMissingGoDependencies is a repository as a pre-commit hook
// sees it before `go mod download`: a dependency is missing from the
// module cache. Its workflow findings and its Go findings (from syntax
// and the types that resolve) are reported, the package loaded in part is
// one warning, and the exit code comes from the findings alone.
func TestLintWithMissingGoDependencies(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := linttest.Write(t, map[string]string{
		"go.mod": "module example.test/releaser\n\ngo 1.22\n\nrequire example.invalid/registry v1.0.0\n",
		"go.sum": "example.invalid/registry v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" +
			"example.invalid/registry v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"login.go": "package releaser\n\nimport (\n\t\"fmt\"\n\n\t\"example.invalid/registry/client\"\n)\n\n" +
			"func Body(c client.Config) string {\n\treturn fmt.Sprintf(`{\"token\":\"%s\"}`, c.Token)\n}\n",
		".github/workflows/release.yml": `on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - id: push
        run: ./push.sh
      - if: steps.push.outcome == 'failure'
        run: ./rollback.sh
`,
	})
	code, out, stderr := run(t, dir, "lint", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings only); stderr: %s\n%s", code, stderr, out)
	}
	var res struct {
		Findings []struct {
			Rule string `json:"rule"`
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"findings"`
		Errors   []json.RawMessage `json:"errors"`
		Warnings []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Rule+" "+f.File)
	}
	want := "failure-step-unreachable .github/workflows/release.yml,go-json-interpolation login.go"
	if strings.Join(got, ",") != want {
		t.Errorf("findings %v, want %s", got, want)
	}
	if len(res.Errors) != 0 {
		t.Errorf("errors %s, want none", res.Errors)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].File != "login.go" || res.Warnings[0].Line != 6 ||
		!strings.Contains(res.Warnings[0].Message, "example.test/releaser could not be fully loaded") {
		t.Errorf("warnings %+v, want one at login.go:6 for example.test/releaser", res.Warnings)
	}
}
