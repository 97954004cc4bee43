package secretscope_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/secretscope"
	"github.com/releasegate/releasegate/lint/linttest"
)

const cfg = `version: 1
secrets:
  HUB_TOKEN_RW:
    scopes: [read, write]
    allowed: [push.yml]
  HUB_TOKEN_DELETE:
    scopes: [read, write, delete]
    allowed: [sync.yml#meta]
    required: [sync.yml#meta]
families:
  HUB_TOKEN:
`

// job wraps step lines into sync.yml with two jobs, meta and other; the
// steps of the job under test start on line 6.
func job(name string, steps ...string) string {
	other := "meta"
	if name == "meta" {
		other = "other"
	}
	body := "on: push\njobs:\n  " + name + ":\n    runs-on: ubuntu-latest\n    steps:\n"
	for _, s := range steps {
		body += "      " + s + "\n"
	}
	body += "  " + other + ":\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.HUB_TOKEN_DELETE }}\n"
	return body
}

func TestSecretRules(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // "rule file:line text-of-the-span"
	}{
		{
			name:  "delete token in its allowed job",
			files: map[string]string{".github/workflows/sync.yml": job("meta", "- run: echo ${{ secrets.HUB_TOKEN_DELETE }}")},
			want:  []string{"secret-scope .github/workflows/sync.yml:10 secrets.HUB_TOKEN_DELETE"}, // the other job
		},
		{
			name:  "index syntax is a reference too",
			files: map[string]string{".github/workflows/push.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets['HUB_TOKEN_DELETE'] }}\n"},
			want:  []string{"secret-scope .github/workflows/push.yml:6 secrets['HUB_TOKEN_DELETE']", "secret-required .releasegate.yaml:9 sync.yml#meta"},
		},
		{
			name: "comments and descriptions are not references",
			files: map[string]string{
				".github/workflows/sync.yml": job("meta", "# uses ${{ secrets.HUB_TOKEN_RW }}", "- run: echo ${{ secrets.HUB_TOKEN_DELETE }}"),
				".github/workflows/push.yml": "on:\n  workflow_dispatch:\n    inputs:\n      x:\n        description: needs secrets.HUB_TOKEN_DELETE\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n",
			},
			want: []string{"secret-scope .github/workflows/sync.yml:11 secrets.HUB_TOKEN_DELETE"},
		},
		{
			name:  "if: conditions are expressions without braces",
			files: map[string]string{".github/workflows/push.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    if: secrets.HUB_TOKEN_DELETE != ''\n    steps:\n      - run: echo\n"},
			want:  []string{"secret-scope .github/workflows/push.yml:5 secrets.HUB_TOKEN_DELETE", "secret-required .releasegate.yaml:9 sync.yml#meta"},
		},
		{
			name: "legacy name as secret, vars and env",
			files: map[string]string{
				".github/workflows/sync.yml": job("meta", "- run: echo ${{ secrets.HUB_TOKEN_DELETE }} ${{ vars.HUB_TOKEN }}", "  env:", "    HUB_TOKEN: ${{ secrets.HUB_TOKEN }}"),
			},
			want: []string{
				"secret-variant .github/workflows/sync.yml:6 vars.HUB_TOKEN",
				"secret-variant .github/workflows/sync.yml:8 HUB_TOKEN",
				"secret-variant .github/workflows/sync.yml:8 secrets.HUB_TOKEN",
				"secret-scope .github/workflows/sync.yml:12 secrets.HUB_TOKEN_DELETE",
			},
		},
		{
			name: "bulk access",
			files: map[string]string{
				".github/workflows/push.yml": "on: push\njobs:\n  call:\n    uses: ./.github/workflows/r.yml\n    secrets: inherit\n  dump:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo '${{ toJSON(secrets) }}'\n      - run: echo '${{ secrets[format('HUB_{0}', 'X')] }}'\n",
			},
			want: []string{
				"secret-bulk .github/workflows/push.yml:4 ./.github/workflows/r.yml",
				"secret-bulk .github/workflows/push.yml:9 secrets",
				"secret-bulk .github/workflows/push.yml:10 secrets[format('HUB_{0}', 'X')]",
				"secret-required .releasegate.yaml:9 sync.yml#meta",
			},
		},
		{
			name:  "required job stopped referencing",
			files: map[string]string{".github/workflows/sync.yml": job("meta", "- run: echo nothing")},
			want:  []string{"secret-required .github/workflows/sync.yml:3 meta", "secret-scope .github/workflows/sync.yml:10 secrets.HUB_TOKEN_DELETE"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.files[".releasegate.yaml"] = cfg
			res := linttest.Run(t, tt.files, secretscope.Check)
			if len(res.Errors) > 0 {
				t.Fatalf("input errors: %+v", res.Errors)
			}
			var got []string
			for _, f := range res.Findings {
				text := tt.files[f.File]
				if f.File == ".releasegate.yaml" {
					text = cfg
				}
				line := strings.Split(text, "\n")[f.Line-1]
				if f.EndLine != f.Line {
					t.Errorf("%s: span over lines %d-%d", f.Rule, f.Line, f.EndLine)
					continue
				}
				got = append(got, fmt.Sprintf("%s %s:%d %s", f.Rule, f.File, f.Line, line[f.Column-1:f.EndColumn-1]))
			}
			sort.Strings(got)
			sort.Strings(tt.want)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s\nmessages: %+v", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "), res.Findings)
			}
		})
	}
}

func TestVariantsInCompositeActions(t *testing.T) {
	action := `name: login
inputs:
  token: {required: true}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        HUB_TOKEN: ${{ inputs.token }}
        HUB_TOKEN_RW: ${{ inputs.token }}
      run: echo "${{ vars.HUB_TOKEN }}" | docker login -u acme --password-stdin
`
	res := linttest.Run(t, map[string]string{".releasegate.yaml": cfg, ".github/actions/login/action.yml": action}, secretscope.Check)
	var got []string
	for _, f := range res.Findings {
		if f.Rule == "secret-variant" {
			got = append(got, fmt.Sprintf("%s %s:%d:%d", f.Rule, f.File, f.Line, f.Column))
		}
	}
	want := []string{
		"secret-variant .github/actions/login/action.yml:11:22", // vars.HUB_TOKEN
		"secret-variant .github/actions/login/action.yml:9:9",   // env key HUB_TOKEN
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %v, want %v (%+v)", got, want, res.Findings)
	}
}
