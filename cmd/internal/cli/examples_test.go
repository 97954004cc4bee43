package cli_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/catalog"
	"github.com/releasegate/releasegate/cmd/internal/cli"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// exampleRepo says how a rule's documented Bad and Good examples (what
// `releasegate explain RULE` shows) become a repository to lint: the file
// the example is written to, the text around it, and the other files the
// rule needs to see (a configuration, a runbook, a caller).
type exampleRepo struct {
	path   string
	around string // "{{example}}" on a line of its own, indented as the example must be
	files  map[string]string
}

const exampleMarker = "{{example}}"

// Configurations the token rules' examples share.
const (
	registryTokens = `version: 1
secrets:
  REGISTRY_TOKEN_RW:
    scopes: [read, write]
    allowed: [release.yml, publish.yml, push.yml]
  REGISTRY_TOKEN_DELETE:
    scopes: [read, write, delete]
    allowed: [cleanup.yml]
families:
  REGISTRY_TOKEN:
    hosts: [hub.docker.com]
`
	hubTokens = `version: 1
secrets:
  DOCKERHUB_TOKEN_RW:
    scopes: [read, write]
  DOCKERHUB_TOKEN_DELETE:
    scopes: [read, write, delete]
families:
  DOCKERHUB_TOKEN:
    hosts: [hub.docker.com]
`
	goModule = "module example.test/tool\n\ngo 1.22\n\nrequire github.com/google/go-containerregistry v0.0.0\n\n" +
		"replace github.com/google/go-containerregistry => ./ggcr\n"
	registryRunbook = "# Registry runbook\n\n## Frequent failures\n\n" +
		"- **Expired token.** Rotate `REGISTRY_TOKEN_RW` at <https://hub.example/settings/tokens>.\n\n" +
		"## Orphaned arch tags\n\nDelete the tag with the delete-scoped token.\n"
	issueOnFailure = `on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh
      - if: failure()
        uses: acme/open-issue@v1
        with:
          title: release failed
          {{example}}
`
	paritySpec = `parity:
  - name: registry-failures
    source: docs/runbooks/registry.md#frequent-failures
    copies:
      - file: .github/workflows/release.yml
        section: "## Likely causes"
`
)

// examples lists every lint rule. A rule added to the catalogue without an
// entry here fails TestDocumentedExamples.
var examples = map[string]exampleRepo{
	"actionlint": {
		path:   ".github/workflows/ci.yml",
		around: "on: push\njobs:\n  build:\n    {{example}}\n    steps:\n      - run: make test\n",
	},
	"secret-scope": {
		path:   ".github/workflows/release.yml",
		around: "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n{{example}}\n",
		files:  map[string]string{".releasegate.yaml": registryTokens},
	},
	"secret-required": {
		path:   ".releasegate.yaml",
		around: "version: 1\n{{example}}\n",
		files: map[string]string{".github/workflows/publish.yml": "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n" +
			"    steps:\n      - run: ./publish.sh\n        env:\n          TOKEN: ${{ secrets.REGISTRY_TOKEN_RW }}\n"},
	},
	"secret-variant": {
		path:   ".github/workflows/release.yml",
		around: "on: push\n{{example}}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./release.sh\n",
		files:  map[string]string{".releasegate.yaml": registryTokens},
	},
	"secret-bulk": {
		path:   ".github/workflows/release.yml",
		around: "on: push\n{{example}}\n",
		files: map[string]string{
			".releasegate.yaml": registryTokens,
			".github/workflows/push.yml": "on:\n  workflow_call:\n    secrets:\n      registry-token:\n        required: true\n" +
				"jobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./push.sh\n        env:\n" +
				"          TOKEN: ${{ secrets.registry-token }}\n",
		},
	},
	"delete-scope": {
		path:   "docs/runbooks/cleanup.md",
		around: "# Removing a stray tag\n\n```sh\n{{example}}\n```\n",
		files:  map[string]string{".releasegate.yaml": registryTokens},
	},
	"empty-expression": {path: ".github/workflows/sign.yml", around: "{{example}}\n"},
	"unevaluated-default": {
		path:   "actions/login/action.yml",
		around: "name: login\ndescription: log in to the registry\n{{example}}\n",
	},
	"failure-step-unreachable": {
		path: ".github/workflows/scan.yml",
		around: "on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    env:\n      IMAGE: ghcr.io/acme/app:1.0\n" +
			"    steps:\n      {{example}}\n",
	},
	"local-uses": {
		path:   ".github/workflows/release.yml",
		around: "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./release.sh\n  {{example}}\n",
		files: map[string]string{".github/workflows/notify.yml": "on: workflow_call\njobs:\n  notify:\n    runs-on: ubuntu-latest\n" +
			"    steps:\n      - run: ./notify.sh\n"},
	},
	"parity-drift": {
		path:   ".github/workflows/release.yml",
		around: issueOnFailure,
		files: map[string]string{
			".releasegate.yaml":         "version: 1\n" + paritySpec,
			"docs/runbooks/registry.md": registryRunbook,
		},
	},
	"parity-missing": {
		path:   ".releasegate.yaml",
		around: "version: 1\nparity:\n  - name: registry-failures\n    {{example}}\n    copies:\n      - file: .github/workflows/release.yml\n        section: \"## Likely causes\"\n",
		files: map[string]string{
			"docs/runbooks/registry.md": registryRunbook,
			".github/workflows/release.yml": strings.Replace(issueOnFailure, exampleMarker, "body: |\n            ## Likely causes\n"+
				"            - **Expired token.** Rotate `REGISTRY_TOKEN_RW` at https://hub.example/settings/tokens", 1),
		},
	},
	"runbook-link": {
		path:   ".github/workflows/release.yml",
		around: issueOnFailure,
		files:  map[string]string{"docs/runbooks/registry.md": registryRunbook},
	},
	"go-secret-variant": {
		path:   "main.go",
		around: "package main\n\nimport \"os\"\n\nfunc credential() string {\n\t{{example}}\n\treturn token\n}\n\nfunc main() { _ = credential() }\n",
		files:  map[string]string{"go.mod": "module example.test/tool\n\ngo 1.22\n", ".releasegate.yaml": hubTokens},
	},
	"go-delete-scope": {
		path: "main.go",
		around: "package main\n\nimport (\n\t\"os\"\n\n\t\"github.com/google/go-containerregistry/pkg/authn\"\n" +
			"\t\"github.com/google/go-containerregistry/pkg/name\"\n\t\"github.com/google/go-containerregistry/pkg/v1/remote\"\n)\n\n" +
			"func prune(ref name.Reference, user string) {\n\t{{example}}\n}\n\nfunc main() { prune(nil, os.Args[0]) }\n",
		files: map[string]string{"go.mod": goModule, ".releasegate.yaml": hubTokens},
	},
	"go-json-interpolation": {
		path: "main.go",
		around: "package main\n\nimport (\n\t\"encoding/json\"\n\t\"fmt\"\n)\n\nvar _ = json.Marshal\nvar _ = fmt.Sprintf\n\n" +
			"func login(user, token string) (any, error) {\n\tvar err error\n\t{{example}}\n\treturn body, err\n}\n\n" +
			"func main() { _, _ = login(\"u\", \"t\") }\n",
		files: map[string]string{"go.mod": "module example.test/tool\n\ngo 1.22\n"},
	},
}

// ggcrStub copies the go-containerregistry type stubs of the go-delete-scope
// analyzer's tests into dir/ggcr as a module, so the Go examples
// type-check without the network.
func ggcrStub(t *testing.T, dir string) {
	t.Helper()
	src := filepath.Join("..", "..", "..", "checks", "goanalysis", "deletecall", "testdata", "src", "github.com", "google", "go-containerregistry")
	dst := filepath.Join(dir, "ggcr")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dst, rel), string(b))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFile(filepath.Join(dst, "go.mod"), "module github.com/google/go-containerregistry\n\ngo 1.22\n"); err != nil {
		t.Fatal(err)
	}
}

func writeFile(path, body string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(body), 0o644)
}

// place puts example into around at the marker, indenting every line of
// the example by the marker's indentation.
func place(around, example string) string {
	lines := strings.Split(around, "\n")
	for i, l := range lines {
		indent, rest, found := strings.Cut(l, exampleMarker)
		if !found || strings.TrimSpace(indent+rest) != "" {
			continue
		}
		ex := strings.Split(example, "\n")
		for j := range ex {
			if ex[j] != "" {
				ex[j] = indent + ex[j]
			}
		}
		lines[i] = strings.Join(ex, "\n")
	}
	return strings.Join(lines, "\n")
}

// lintExample writes the repository for one example and lints it.
func lintExample(t *testing.T, repo exampleRepo, example string, failOn rule.Severity) (int, []report.Finding, string) {
	t.Helper()
	dir := t.TempDir()
	for p, body := range repo.files {
		if err := writeFile(filepath.Join(dir, p), body); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(repo.files["go.mod"], "go-containerregistry") {
		ggcrStub(t, dir)
	}
	if err := writeFile(filepath.Join(dir, repo.path), place(repo.around, example)); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"lint", "--format", "json", "--fail-on", string(failOn), dir}, nil, &out, &errOut)
	var res report.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("lint output is not JSON: %v\n%s%s", err, out.String(), errOut.String())
	}
	return code, res.Findings, out.String() + errOut.String()
}

// TestDocumentedExamples runs every lint rule's documented examples, as
// actionlint runs the examples of its documentation: the Bad example must
// report the rule, the Good one nothing at all.
func TestDocumentedExamples(t *testing.T) {
	for _, r := range catalog.Rules().All() {
		if r.Half != rule.Lint && r.Half != rule.LintGo {
			continue // gate rules: every id has Rego unit tests (policies)
		}
		repo, ok := examples[r.ID]
		if !ok {
			t.Errorf("%s: no entry in examples: say how its Bad and Good examples run", r.ID)
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			if r.Bad == "" || r.Good == "" {
				t.Fatal("the rule documents no Bad or no Good example")
			}
			code, findings, out := lintExample(t, repo, r.Bad, r.Severity)
			reported := false
			for _, f := range findings {
				reported = reported || f.Rule == r.ID
			}
			if !reported || code != 1 {
				t.Errorf("Bad example: exit %d, want 1 with a %s finding; output:\n%s", code, r.ID, out)
			}
			code, findings, out = lintExample(t, repo, r.Good, rule.Note)
			if code != 0 || len(findings) != 0 {
				t.Errorf("Good example: exit %d with %d findings, want 0 and none; output:\n%s", code, len(findings), out)
			}
		})
	}
}
