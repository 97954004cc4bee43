package workspace_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
)

// The property: in every scalar style, a span located in the decoded
// value covers, in the file, exactly the text it was decoded from. The
// needles are ${{ }} expressions and names, so the source text at the
// span is the needle itself.

var needles = []string{"${{ secrets.TOKEN_RW }}", "${{ github.event.inputs['tag'] }}", "DOCKERHUB_TOKEN", "${{ env.X }}"}

// genParts picks a few needles and filler words.
func genParts(r *rand.Rand, style string) []string {
	var parts []string
	for range 1 + r.IntN(6) {
		n := needles[r.IntN(len(needles))]
		if style == "'" && strings.Contains(n, "'") {
			n = needles[0] // it would be written with '' in the source
		}
		parts = append(parts, n, []string{"echo", "curl", "DELETE", "a-b", "$HOME", "--flag=1"}[r.IntN(6)])
	}
	return parts
}

// genDoc writes a document whose "key" holds a generated scalar, nested
// so that key sits at indentation parent.
func genDoc(r *rand.Rand, style string) string {
	parent := 2 * r.IntN(3)
	var b strings.Builder
	for i := 0; i < parent; i += 2 {
		b.WriteString(strings.Repeat(" ", i) + fmt.Sprintf("level%d:\n", i))
	}
	b.WriteString(strings.Repeat(" ", parent) + "key: " + linttest.Scalar(r, style, genParts(r, style), parent))
	b.WriteString(strings.Repeat(" ", parent) + "next: 1\n")
	return b.String()
}

// findKey returns the node under the named key anywhere in a document.
func findKey(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	for _, c := range n.Content {
		if k := findKey(c, key); k != nil {
			return k
		}
	}
	return nil
}

// checkNeedles locates every needle of the value and compares the source
// text of its span with it; it returns how many it checked.
func checkNeedles(t *testing.T, f *workspace.File, s *actionlint.String, doc string) int {
	t.Helper()
	n := 0
	for _, needle := range needles {
		for off := 0; ; {
			i := strings.Index(s.Value[off:], needle)
			if i < 0 {
				break
			}
			off += i
			sp := f.LocateSpan(s, off, off+len(needle))
			if got := string(f.Src[f.Offset(sp.Start):f.Offset(sp.End)]); got != needle {
				t.Fatalf("value offset %d (%q) located at %d:%d-%d:%d, which holds %q\nvalue %q\ndocument:\n%s",
					off, needle, sp.Start.Line, sp.Start.Col, sp.End.Line, sp.End.Col, got, s.Value, doc)
			}
			n++
			off += len(needle)
		}
	}
	return n
}

func TestLocateSpanEveryStyle(t *testing.T) {
	for i, style := range linttest.ScalarStyles {
		t.Run(style, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(i)))
			located := 0
			for range 300 {
				located += locateGenerated(t, genDoc(r, style))
			}
			if located < 300 {
				t.Errorf("only %d needles located: the generator is not exercising the style", located)
			}
		})
	}
}

func locateGenerated(t *testing.T, doc string) int {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatalf("generated invalid YAML (%v):\n%s", err, doc)
	}
	n := findKey(&root, "key")
	if n == nil || n.Kind != yaml.ScalarNode {
		t.Fatalf("no scalar under key:\n%s", doc)
	}
	f := &workspace.File{Src: []byte(doc)}
	s := &actionlint.String{Value: n.Value, Quoted: n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0,
		Pos: &actionlint.Pos{Line: n.Line, Col: n.Column}}
	return checkNeedles(t, f, s, doc)
}

// FuzzLocateSpan runs the property over documents generated from any seed.
func FuzzLocateSpan(f *testing.F) {
	for i := range uint64(len(linttest.ScalarStyles)) {
		f.Add(i, uint64(7))
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		locateGenerated(t, genDoc(r, linttest.ScalarStyles[int(a%uint64(len(linttest.ScalarStyles)))]))
	})
}

// TestLocateSpanWorkflow checks the same through actionlint's parser
// (another YAML library), which the workflow rules read: run: scripts.
func TestLocateSpanWorkflow(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	for range 200 {
		for _, style := range linttest.ScalarStyles {
			src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: " +
				linttest.Scalar(r, style, genParts(r, style), 8)
			wf, errs := actionlint.Parse([]byte(src))
			if wf == nil || len(wf.Jobs["j"].Steps) != 1 {
				t.Fatalf("style %s: %v\n%s", style, errs, src)
			}
			run := wf.Jobs["j"].Steps[0].Exec.(*actionlint.ExecRun).Run
			if checkNeedles(t, &workspace.File{Src: []byte(src)}, run, src) == 0 {
				t.Fatalf("style %s: no needle in %q", style, run.Value)
			}
		}
	}
}

// TestLocateIssueCases are the drifts users reported, at their exact
// line and column.
func TestLocateIssueCases(t *testing.T) {
	tests := []struct {
		name, src, needle string
		line, col         int
	}{
		{"folded scalar", "k:\n  body: >\n    A short line.\n    Another short line that folds into the first.\n\n    Then ${{ inputs.tag }} here.\n", "${{ inputs.tag }}", 6, 10},
		{"escaped quotes", "k:\n  body: \"say \\\"hi\\\" to ${{ inputs.who }}\"\n", "${{ inputs.who }}", 2, 24},
		{"escaped line break", "k:\n  body: \"one \\\n    two ${{ x }}\"\n", "${{ x }}", 3, 9},
		{"unicode before", "k:\n  body: \"héllo ${{ x }}\"\n", "${{ x }}", 2, 16},
		{"single-quoted fold", "k:\n  body: 'it''s\n\n    ${{ x }}'\n", "${{ x }}", 4, 5},
		{"literal keep with indicator", "k:\n  body: |2+\n      indented\n    ${{ x }}\n\n", "${{ x }}", 4, 5},
		{"tagged plain", "k:\n  body: !!str plain ${{ x }}\n", "${{ x }}", 2, 21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &doc); err != nil {
				t.Fatal(err)
			}
			n := findKey(&doc, "body")
			f := &workspace.File{Src: []byte(tt.src)}
			s := &actionlint.String{Value: n.Value, Pos: &actionlint.Pos{Line: n.Line, Col: n.Column}}
			off := strings.Index(s.Value, tt.needle)
			sp := f.LocateSpan(s, off, off+len(tt.needle))
			want := workspace.Span{Start: workspace.Pos{Line: tt.line, Col: tt.col}, End: workspace.Pos{Line: tt.line, Col: tt.col + len([]rune(tt.needle))}}
			if sp != want {
				t.Errorf("located at %v, want %v", sp, want)
			}
		})
	}
}

// TestLocateFallback: a value that is not what the source says (built by
// a caller) still gets a position on the string's line.
func TestLocateFallback(t *testing.T) {
	f := &workspace.File{Src: []byte("k: abc\n")}
	s := &actionlint.String{Value: "something else", Pos: &actionlint.Pos{Line: 1, Col: 4}}
	if p := f.Locate(s, 3); p.Line != 1 || p.Col != 7 {
		t.Errorf("fallback at %d:%d, want 1:7", p.Line, p.Col)
	}
}

func TestTokenSpan(t *testing.T) {
	f := &workspace.File{Src: []byte("run: echo ${{ secrets.A }} 'quoted text' DOCKERHUB_TOKEN: café\n")}
	for _, tt := range []struct {
		col  int
		want string
	}{{11, "${{ secrets.A }}"}, {28, "'quoted text'"}, {42, "DOCKERHUB_TOKEN"}, {59, "café"}, {1, "run"}, {80, ""}} {
		sp := f.TokenSpan(workspace.Pos{Line: 1, Col: tt.col})
		if got := string(f.Src[f.Offset(sp.Start):f.Offset(sp.End)]); got != tt.want {
			t.Errorf("token at column %d = %q, want %q", tt.col, got, tt.want)
		}
	}
}
