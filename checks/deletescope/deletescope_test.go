package deletescope_test

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/deletescope"
	"github.com/releasegate/releasegate/lint/linttest"
)

const cfg = `version: 1
secrets:
  HUB_TOKEN_RW: {scopes: [read, write]}
  HUB_TOKEN_DELETE: {scopes: [read, write, delete]}
families:
  HUB_TOKEN:
    hosts: [hub.docker.com]
`

// workflow wraps a run script and its env into a one-step workflow; the
// script starts on line 10.
func workflow(env, script string) string {
	var b strings.Builder
	b.WriteString("on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n")
	b.WriteString("          " + env + "\n")
	b.WriteString("          OTHER: x\n")
	b.WriteString("        run: |\n")
	for _, l := range strings.Split(script, "\n") {
		b.WriteString("          " + l + "\n")
	}
	return b.String()
}

func TestDeleteScopeInRunSteps(t *testing.T) {
	login := `jwt=$(curl -s -X POST https://hub.docker.com/v2/users/login -d "$(jq -n --arg p "$PASS" '{password:$p}')" | jq -r .token)`
	tests := []struct {
		name   string
		env    string
		script string
		line   int // 0 = no finding
		want   string
	}{
		{"rw token through login JWT", "PASS: ${{ secrets.HUB_TOKEN_RW }}",
			login + "\ncurl -X DELETE -H \"Authorization: JWT $jwt\" https://hub.docker.com/v2/repositories/a/b/tags/1/", 11, "uses HUB_TOKEN_RW"},
		{"delete token through login JWT", "PASS: ${{ secrets.HUB_TOKEN_DELETE }}",
			login + "\ncurl -X DELETE -H \"Authorization: JWT $jwt\" https://hub.docker.com/v2/repositories/a/b/tags/1/", 0, ""},
		{"--request=DELETE spelled long", "PASS: ${{ secrets.HUB_TOKEN_RW }}",
			"curl --request=DELETE -u \"acme:$PASS\" https://hub.docker.com/v2/x", 10, "lacks the delete scope"},
		{"combined short flags -sSX", "PASS: ${{ secrets.HUB_TOKEN_RW }}",
			"curl -sSX DELETE -u \"acme:$PASS\" https://hub.docker.com/v2/x", 10, "HUB_TOKEN_RW"},
		{"-XDELETE glued", "PASS: ${{ secrets.HUB_TOKEN_RW }}",
			"curl -XDELETE -u \"acme:$PASS\" https://hub.docker.com/v2/x", 10, "HUB_TOKEN_RW"},
		{"secret inline in the command", "X: y",
			"curl -X DELETE -H \"Authorization: Bearer ${{ secrets.HUB_TOKEN_RW }}\" https://hub.docker.com/v2/x", 10, "HUB_TOKEN_RW"},
		{"no credential at all", "X: y",
			"curl -X DELETE https://hub.docker.com/v2/repositories/a/b/tags/1/", 10, "does not use a delete-scoped secret"},
		{"legacy unsuffixed name", "X: y",
			"curl -X DELETE -u \"acme:$HUB_TOKEN\" https://hub.docker.com/v2/x", 10, "HUB_TOKEN (not a declared secret)"},
		{"crane delete after crane login", "T: ${{ secrets.HUB_TOKEN_RW }}",
			"crane auth login index.docker.io -u acme -p \"$T\"\ncrane delete docker.io/acme/app:1", 11, "crane delete"},
		{"crane delete with delete token", "T: ${{ secrets.HUB_TOKEN_DELETE }}",
			"crane auth login index.docker.io -u acme -p \"$T\"\ncrane delete acme/app:1", 0, ""},
		{"regctl tag rm", "T: ${{ secrets.HUB_TOKEN_RW }}",
			"regctl registry login docker.io -u acme -p \"$T\"\nregctl tag rm docker.io/acme/app:1", 11, "regctl tag rm"},
		{"skopeo delete with creds", "T: ${{ secrets.HUB_TOKEN_RW }}",
			"skopeo delete --creds \"acme:$T\" docker://docker.io/acme/app:1", 10, "skopeo delete"},
		{"oras manifest delete", "T: ${{ secrets.HUB_TOKEN_RW }}",
			"oras login docker.io -u acme -p \"$T\"\noras manifest delete docker.io/acme/app:1", 11, "oras manifest delete"},
		{"httpie DELETE", "T: ${{ secrets.HUB_TOKEN_RW }}",
			"http DELETE https://hub.docker.com/v2/x \"Authorization:JWT $T\"", 10, "http DELETE"},
		{"gh api delete names the family token", "GH_TOKEN: ${{ secrets.HUB_TOKEN_RW }}",
			"gh api -X DELETE /orgs/acme/packages/container/app/versions/1 -H \"X: $GH_TOKEN\"", 10, "gh api -X DELETE"},
		{"delete to another host with an unrelated token", "T: ${{ secrets.OTHER_TOKEN }}",
			"curl -X DELETE -H \"Authorization: Bearer $T\" https://api.example.com/items/1", 0, ""},
		{"POST is not a delete", "PASS: ${{ secrets.HUB_TOKEN_RW }}",
			"curl -X POST -u \"acme:$PASS\" https://hub.docker.com/v2/x", 0, ""},
		{"GET mentioning delete in a header", "PASS: ${{ secrets.HUB_TOKEN_RW }}",
			"curl -H 'X-Note: delete later' -u \"acme:$PASS\" https://hub.docker.com/v2/x", 0, ""},
		{"assigned many lines above via env ref", "PASS: ${{ secrets.HUB_TOKEN_DELETE }}",
			"TOKEN=\"$PASS\"\n:\n:\n:\n:\ncurl -X DELETE -H \"Authorization: JWT $TOKEN\" https://hub.docker.com/v2/x", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := linttest.Run(t, map[string]string{
				".releasegate.yaml":       cfg,
				".github/workflows/w.yml": workflow(tt.env, tt.script),
			}, deletescope.Check)
			if tt.line == 0 {
				if len(res.Findings) != 0 {
					t.Fatalf("want no finding, got %+v", res.Findings)
				}
				return
			}
			if len(res.Findings) != 1 {
				t.Fatalf("want 1 finding, got %+v", res.Findings)
			}
			f := res.Findings[0]
			if f.Rule != "delete-scope" || f.Line != tt.line || f.Column != 11 || !strings.Contains(f.Message, tt.want) {
				t.Errorf("finding %+v; want line %d col 11 containing %q", f, tt.line, tt.want)
			}
		})
	}
}

func TestDeleteScopeInCompositeActions(t *testing.T) {
	action := `name: prune
inputs:
  token: {required: true}
runs:
  using: composite
  steps:
    - shell: bash
      env: {T: "${{ inputs.token }}"}
      run: |
        curl -X DELETE -H "Authorization: JWT $T" https://hub.docker.com/v2/x
`
	caller := func(secret string) string {
		return "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/prune\n        with:\n          token: ${{ secrets." + secret + " }}\n"
	}
	for secret, want := range map[string]int{"HUB_TOKEN_RW": 1, "HUB_TOKEN_DELETE": 0} {
		res := linttest.Run(t, map[string]string{
			".releasegate.yaml":                cfg,
			".github/actions/prune/action.yml": action,
			".github/workflows/call.yml":       caller(secret),
		}, deletescope.Check)
		if len(res.Errors) > 0 {
			t.Fatalf("input errors: %+v", res.Errors)
		}
		if len(res.Findings) != want {
			t.Errorf("caller passing %s: findings %+v, want %d", secret, res.Findings, want)
		}
		for _, f := range res.Findings {
			if f.File != ".github/actions/prune/action.yml" || f.Line != 10 {
				t.Errorf("finding at %s:%d, want the action's run line 10", f.File, f.Line)
			}
		}
	}
}
