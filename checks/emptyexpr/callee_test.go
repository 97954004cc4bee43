package emptyexpr

import (
	"slices"
	"testing"
)

// TestRemoteBooleanForward: a boolean dispatch input forwarded to another
// repository's reusable workflow is a warning; with a fallback, nothing.
func TestRemoteBooleanForward(t *testing.T) {
	const head = `on:
  push:
  workflow_dispatch:
    inputs:
      publish:
        type: boolean
        default: false
jobs:
  build:
    uses: acme/workflows/.github/workflows/image.yml@v2
    with:
      publish: `
	if got, want := runSeverities(t, head+"${{ inputs.publish }}\n"), []string{"12:warning"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := runSeverities(t, head+"${{ inputs.publish || false }}\n"); len(got) != 0 {
		t.Errorf("with a fallback: %v", got)
	}
}
