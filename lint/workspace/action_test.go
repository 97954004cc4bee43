package workspace

import (
	"strings"
	"testing"
)

// FuzzParseAction feeds arbitrary text to the action metadata parser: no
// panic, an input error or a model whose positions lie inside the file.
func FuzzParseAction(f *testing.F) {
	for _, s := range []string{
		"name: x\ninputs:\n  token:\n    default: ${{ github.token }}\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ inputs.token }}\n      shell: bash\n",
		"runs: {using: node20, main: index.js}\n", "- a\n- b\n", "inputs: [x]\nruns:\n  steps: x\n",
		"a: &a {b: *a}\n", "x: &x [1]\ny: [*x, *x]\n", "name: \"\\x00\"\n", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		// YAML breaks lines at \n, \r\n and a lone \r.
		lines := strings.Count(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(src), "\n") + 1
		a, ie := parseAction(&File{Path: "action.yml", Src: []byte(src)})
		if ie != nil {
			if ie.File != "action.yml" || ie.Message == "" || ie.Line < 0 || ie.Line > lines+1 {
				t.Fatalf("input error %+v", ie)
			}
			return
		}
		for _, s := range a.Strings() {
			if s.Pos == nil || s.Pos.Line < 1 || s.Pos.Line > lines {
				t.Fatalf("value %q at %+v outside %d lines", s.Value, s.Pos, lines)
			}
		}
	})
}
