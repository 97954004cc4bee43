package unevaluateddefault

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

func action(body string) map[string]string {
	return map[string]string{"actions/publish/action.yml": "name: publish\n" + body}
}

const composite = `runs:
  using: composite
  steps:
    - run: echo hi
      shell: bash
`

func TestUnevaluatedDefault(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "default from another input", Files: action(`inputs:
  registry:
    default: ghcr.io
  image:
    default: »${{ inputs.registry }}«/app
` + composite), Msg: "inputs.image default: inputs.registry names the inputs context"},
		{Name: "default from env, quoted", Files: action(`inputs:
  image:
    default: "»${{ env.REGISTRY }}«/app"
` + composite), Msg: "env.REGISTRY"},
		{Name: "default from secrets", Files: action(`inputs:
  token:
    default: »${{ secrets.GITHUB_TOKEN }}«
runs:
  using: node20
  main: index.js
`), Msg: "secrets context"},
		{Name: "default from vars and steps, one per expression", Files: action(`inputs:
  a:
    default: »${{ vars.A || steps.x.outputs.a }}« and »${{ needs.j.outputs.b }}«
` + composite)},
		{Name: "twin: github.token and github.ref_name", Files: action(`inputs:
  token:
    default: ${{ github.token }}
  ref:
    default: ${{ github.ref_name }}
  key:
    default: ${{ runner.os }}-${{ hashFiles('**/go.sum') }}-${{ matrix.arch || 'all' }}
` + composite)},
		{Name: "twin: plain defaults", Files: action(`inputs:
  registry:
    default: ghcr.io
  flag:
    default: false
` + composite)},
		{Name: "secrets in composite steps", Files: action(`runs:
  using: composite
  steps:
    - run: echo "${{ »secrets.REGISTRY_TOKEN« }}" | docker login ghcr.io --password-stdin
      shell: bash
    - uses: actions/checkout@v4
      with:
        token: ${{ »secrets.GITHUB_TOKEN« }}
    - if: »secrets.DEPLOY_KEY« != ''
      run: ./deploy.sh
      shell: bash
      env:
        KEY: ${{ toJSON(»secrets«) }}
`), Msg: "composite action"},
		{Name: "twin: secrets passed as inputs", Files: action(`inputs:
  token:
    required: true
runs:
  using: composite
  steps:
    - run: echo "$TOKEN" | docker login ghcr.io --password-stdin
      shell: bash
      env:
        TOKEN: ${{ inputs.token }}
`)},
		{Name: "twin: secrets in a docker action's args are not a composite", Files: action(`runs:
  using: docker
  image: Dockerfile
`)},
	})
}
