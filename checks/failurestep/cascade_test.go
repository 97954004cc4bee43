package failurestep

import (
	"testing"

	"github.com/releasegate/releasegate/lint/linttest"
)

// tagged is a release workflow that declares tag pushes.
const tagged = `on:
  push:
    branches: [main]
    tags: ['v*']
  pull_request:
jobs:
`

// TestCascades: a job skipped on tag pushes silently skips the jobs below
// it, reported only where that is plainly not meant.
func TestCascades(t *testing.T) {
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "check skipped on tags takes the image build with it", Files: repo(tagged, `  signoff:
    if: ${{ !startsWith(github.ref, 'refs/tags/v') }}
    runs-on: ubuntu-latest
    steps:
      - run: ./check-signoff.sh
  prepare:
    runs-on: ubuntu-latest
    steps:
      - run: ./platforms.sh
  »images:
    needs: [signoff, prepare]
    runs-on: ubuntu-latest
    steps:
      - run: make images
  publish:
    needs: images
    runs-on: ubuntu-latest
    steps:
      - run: make publish
`), Msg: `job "images" never runs on tag pushes: "signoff" is skipped there by its if: ${{ !startsWith(github.ref, 'refs/tags/v') }}`},
		{Name: "the skip reaches past an always() job", Files: repo(tagged, `  signoff:
    if: github.ref_type != 'tag'
    runs-on: ubuntu-latest
    steps:
      - run: ./check-signoff.sh
  images:
    needs: signoff
    if: always() && !contains(needs.*.result, 'failure')
    runs-on: ubuntu-latest
    steps:
      - run: make images
  publish:
    needs: images
    if: »github.repository == 'acme/app'
    runs-on: ubuntu-latest
    steps:
      - run: make publish
`), Msg: `although "images", which it also needs, runs there`},
		{Name: "nothing runs on the tag pushes the workflow declares", Files: repo(tagged, `  signoff:
    if: ${{ !startsWith(github.ref, 'refs/tags/') }}
    runs-on: ubuntu-latest
    steps:
      - run: ./check-signoff.sh
  build:
    if: »github.event_name != 'pull_request' || github.actor != 'dependabot[bot]'
    needs: signoff
    uses: acme/workflows/.github/workflows/bake.yml@v1
`), Msg: "so nothing in this workflow runs on tag pushes"},
		{Name: "twin: the fix", Files: repo(tagged, `  signoff:
    if: ${{ !startsWith(github.ref, 'refs/tags/v') }}
    runs-on: ubuntu-latest
    steps:
      - run: ./check-signoff.sh
  prepare:
    runs-on: ubuntu-latest
    steps:
      - run: ./platforms.sh
  images:
    needs: [signoff, prepare]
    if: ${{ !failure() && !cancelled() }}
    runs-on: ubuntu-latest
    steps:
      - run: make images
  publish:
    needs: images
    if: ${{ !failure() && !cancelled() }}
    runs-on: ubuntu-latest
    steps:
      - run: make publish
`)},
		{Name: "twin: a chain gated to tags on purpose", Files: repo(tagged, `  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  release-check:
    if: startsWith(github.ref, 'refs/tags/')
    runs-on: ubuntu-latest
    steps:
      - run: ./check-version.sh
  publish:
    needs: [build, release-check]
    runs-on: ubuntu-latest
    steps:
      - run: make publish
  announce:
    needs: publish
    runs-on: ubuntu-latest
    steps:
      - run: ./announce.sh
`)},
		{Name: "twin: skipped only off tags, or no tag trigger declared", Files: map[string]string{".github/workflows/w.yml": `on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  publish-gate:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - run: echo go
  publish:
    needs: [build, publish-gate]
    runs-on: ubuntu-latest
    steps:
      - run: make publish
`}},
		{Name: "twin: a tag pattern the condition cannot rule out", Files: repo(tagged, `  signoff:
    if: ${{ !startsWith(github.ref, 'refs/tags/v1') }}
    runs-on: ubuntu-latest
    steps:
      - run: ./check-signoff.sh
  prepare:
    runs-on: ubuntu-latest
    steps:
      - run: ./platforms.sh
  images:
    needs: [signoff, prepare]
    runs-on: ubuntu-latest
    steps:
      - run: make images
`)},
	})
}

// TestFilterSkips: a job that decides for itself from change flags is
// skipped whenever a job it needs is skipped by another flag.
func TestFilterSkips(t *testing.T) {
	const head = `on: pull_request
jobs:
  changes:
    runs-on: ubuntu-latest
    outputs:
      deps: ${{ steps.f.outputs.deps }}
      src: ${{ steps.f.outputs.src }}
    steps:
      - id: f
        run: ./detect-changes.sh
  lock:
    needs: changes
    if: needs.changes.outputs.deps == 'true'
    runs-on: ubuntu-latest
    steps:
      - run: make lock-check
`
	linttest.RunCases(t, Rule.ID, Check, []linttest.Case{
		{Name: "test matrix skipped unless the dependencies changed", Files: repo(head, `  tests:
    needs: [lock, changes]
    if: »github.event.pull_request.draft == false
    uses: ./.github/workflows/tests.yml
    with:
      run-unit: ${{ needs.changes.outputs.src == 'true' }}
`), Msg: `job "tests" is skipped whenever "lock" is (its if: needs.changes.outputs.deps == 'true')`},
		{Name: "twin: the fix", Files: repo(head, `  tests:
    needs: [lock, changes]
    if: ${{ !failure() && !cancelled() }}
    uses: ./.github/workflows/tests.yml
    with:
      run-unit: ${{ needs.changes.outputs.src == 'true' }}
`)},
		{Name: "twin: an optional leg without an if: of its own is skipped with its need", Files: repo(head, `  tests:
    needs: [lock, changes]
    uses: ./.github/workflows/tests.yml
    with:
      run-unit: ${{ needs.changes.outputs.src == 'true' }}
`)},
		{Name: "twin: a job that follows the same flag on purpose", Files: repo(head, `  publish-lock:
    needs: [lock, changes]
    runs-on: ubuntu-latest
    steps:
      - run: ./publish-lock.sh ${{ needs.changes.outputs.deps }}
  report:
    needs: [lock, changes]
    if: needs.changes.outputs.deps == 'true'
    runs-on: ubuntu-latest
    steps:
      - if: needs.changes.outputs.src == 'true'
        run: ./report.sh
`)},
	})
}
