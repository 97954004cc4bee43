package emptyexpr

import (
	"maps"
	"regexp"
	"strings"
	"testing"
)

// fallbackPattern is what fallbackLiterals finds, as a regular expression:
// the oracle its hand-written scan is tested against. Names are ASCII, as
// in GitHub's expression syntax ((?i) would also fold the Kelvin sign and
// the long s into k and s).
var fallbackPattern = regexp.MustCompile(`[iI][nN][pP][uU][tT][sS]\.([a-zA-Z0-9_-]+)\s*\|\|\s*'([^']+)'`)

func fallbackOracle(src []byte) map[string]string {
	out := map[string]string{}
	for _, x := range fallbackPattern.FindAllSubmatch(src, -1) {
		if n := strings.ToLower(string(x[1])); out[n] == "" {
			out[n] = string(x[2])
		}
	}
	return out
}

var fallbackSeeds = []string{
	"tag: ${{ inputs.tag || 'latest' }}",
	"ref: ${{ github.event.inputs.Ref||'main' }}\nmode: ${{ INPUTS.mode ||\n  'full' }}",
	"a: ${{ inputs.a || 'x' || 'y' }}\nb: ${{ inputs.a || 'z' }}",
	"a: ${{ inputs.a || 'inputs.b || 'c'' }}",
	"a: ${{ inputs.a.b || 'c' }} ${{ xinputs.d || 'e' }} ${{ inputs. || 'f' }}",
	"a: ${{ inputs.a || '' }} ${{ inputs.b ||| 'c' }} ${{ inputs.c || \"d\" }} ${{ inputs.e || 'open",
	"||'x'", "inputs.x ||", "inputs.x || '", "|| inputs.y || 'z'",
}

func TestFallbackLiterals(t *testing.T) {
	for _, src := range fallbackSeeds {
		if got, want := fallbackLiterals([]byte(src)), fallbackOracle([]byte(src)); !maps.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", src, got, want)
		}
	}
	if got := fallbackLiterals([]byte(fallbackSeeds[1])); got["ref"] != "main" || got["mode"] != "full" {
		t.Errorf("fallbacks %v", got)
	}
}

func FuzzFallbackLiterals(f *testing.F) {
	for _, s := range fallbackSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if got, want := fallbackLiterals([]byte(src)), fallbackOracle([]byte(src)); !maps.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", src, got, want)
		}
	})
}
