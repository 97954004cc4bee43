package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixProperty runs --fix twice over generated workflows: failure
// handlers whose if: is written in every YAML form (plain, quoted, block,
// flow mappings, ${{ }} or bare, comments beside it), jobs testing their
// needs, and dispatch inputs of every type read on other triggers, with
// LF or CRLF line breaks. Whatever the shape, the second run changes
// nothing, no finding that had a fix is left, and nothing new appears
// (fixTwice).
func TestFixProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 4))
	fixed := 0
	for i := range 40 {
		src := genWorkflow(r)
		if r.IntN(3) == 0 {
			src = strings.ReplaceAll(src, "\n", "\r\n")
		}
		dir := t.TempDir()
		p := filepath.Join(dir, ".github", "workflows", "gen.yml")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			for _, f := range fixTwice(t, dir) {
				if f.Fix != nil {
					fixed++
				}
			}
			if t.Failed() {
				t.Logf("workflow:\n%s", src)
			}
		})
	}
	if fixed < 80 {
		t.Errorf("only %d fixes over the generated workflows: the generator is not exercising them", fixed)
	}
}

var handlerTests = []string{
	"steps.scan.outcome == 'failure'",
	"job.status == 'failure'",
	"steps.scan.conclusion != 'success'",
	"steps.scan.outcome == 'failure' || steps.scan.outcome == 'cancelled'",
	"steps.scan.outcome == 'failure' && github.event_name == 'schedule'",
}

// condition writes an if: value (after "if: ") in a random form; in a
// flow mapping only the forms a flow mapping takes.
func condition(r *rand.Rand, test string, indent string, flow bool) string {
	comment := ""
	if !flow && r.IntN(3) == 0 {
		comment = " # handle the failure"
	}
	forms := 7
	if flow {
		forms = 3
	}
	switch r.IntN(forms) {
	case 0:
		return `"` + test + `"`
	case 1:
		return `'` + strings.ReplaceAll(test, "'", "''") + `'`
	case 2:
		return `"${{ ` + test + ` }}"`
	case 3:
		return test + comment
	case 4:
		return "${{ " + test + " }}" + comment
	case 5:
		head, tail, ok := strings.Cut(test, " || ")
		if !ok {
			return ">-" + comment + "\n" + indent + "  " + test
		}
		return ">-" + comment + "\n" + indent + "  " + head + " ||\n" + indent + "  " + tail
	}
	return "|" + comment + "\n" + indent + "  " + test
}

// dispatchInput is one workflow_dispatch input declaration.
type dispatchInput struct{ name, decl string }

var inputKinds = []dispatchInput{
	{"on_true", "type: boolean\n        default: true"},
	{"on_false", "type: boolean\n        default: false"},
	{"channel", "type: choice\n        options: [stable, beta]\n        default: stable"},
	{"tag", "type: string\n        default: nightly"},
	{"count", "type: number\n        default: 2"},
	{"bare", "type: string"},
}

func genWorkflow(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("on:\n  schedule:\n    - cron: '0 4 * * *'\n  workflow_dispatch:\n    inputs:\n")
	for _, in := range inputKinds {
		fmt.Fprintf(&b, "      %s:\n        %s\n", in.name, in.decl)
	}
	b.WriteString("jobs:\n  scan:\n    runs-on: ubuntu-latest\n    outputs:\n      report: ${{ steps.scan.outputs.report }}\n")
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "    continue-on-error: ${{ inputs.%s }}\n", []string{"on_false", "on_true"}[r.IntN(2)])
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "    env:\n      V: ${{ inputs.%s }}\n", []string{"tag", "channel", "bare"}[r.IntN(3)])
	}
	b.WriteString("    steps:\n      - id: scan\n        run: trivy image app && echo report=r.txt >> \"$GITHUB_OUTPUT\"\n")
	for k := range 1 + r.IntN(4) {
		test := handlerTests[r.IntN(len(handlerTests))]
		if r.IntN(4) == 0 {
			fmt.Fprintf(&b, "      - {if: %s, run: ./handle-%d.sh}\n", condition(r, test, "        ", true), k)
			continue
		}
		fmt.Fprintf(&b, "      - if: %s\n        run: ./handle-%d.sh\n", condition(r, test, "        ", false), k)
	}
	for k := range r.IntN(3) {
		in := inputKinds[r.IntN(len(inputKinds))].name
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "      - if: inputs.%s\n        run: ./step-%d.sh\n", in, k)
		case 1:
			fmt.Fprintf(&b, "      - run: |\n          ./deploy.sh --to ${{ inputs.%s }}\n", in)
		default:
			fmt.Fprintf(&b, "      - run: deploy \"$V\"\n")
		}
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "  notify:\n    needs: scan\n    if: %s\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./notify.sh\n",
			condition(r, []string{"needs.scan.result == 'failure'", "needs.scan.result != 'success'", "contains(needs.*.result, 'cancelled')"}[r.IntN(3)], "    ", false))
	}
	if r.IntN(2) == 0 {
		b.WriteString("  gate:\n    needs: [scan]\n    runs-on: ubuntu-latest\n    steps:\n      - run: test \"${{ needs.scan.result }}\" = success\n")
		if r.IntN(2) == 0 {
			// Outputs of a need the if: does not test: no fix may run
			// the job with them empty.
			b.WriteString("      - run: docker push ghcr.io/acme/app:${{ needs.scan.outputs.report }}\n")
		}
	}
	return b.String()
}
