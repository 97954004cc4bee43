package workspace

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

// The property: for every scalar style, a span located in the decoded
// value covers, in the file, exactly the text it was decoded from. The
// needles are ${{ }} expressions and names, so the source text at the
// span is the needle itself.

var needles = []string{"${{ secrets.TOKEN_RW }}", "${{ github.event.inputs['tag'] }}", "DOCKERHUB_TOKEN", "${{ env.X }}"}

// words are filler, including non-ASCII text (columns count characters).
var words = []string{"echo", "curl", "-X", "DELETE", "café", "日本語", "a-b", "x", "--flag=1", "$HOME", "{a}", "[b]"}

// quotedWords are escapes the quoted styles add.
var quotedWords = map[byte][]string{
	'\'': {"it''s", "''", "say ''hi''"},
	'"':  {`\"q\"`, `\\`, `\t`, `\u00e9t\u00e9`, `\x41`, `\U0001F600`, `a\nb`, `\ `, `\_`},
}

type scalarCase struct {
	style  string
	doc    string // a YAML document with the scalar as the value of "key"
	parent int    // indentation of the mapping holding "key"
}

// genScalar writes a random scalar of the style, holding some needles.
func genScalar(r *rand.Rand, style string) scalarCase {
	parent := 2 * r.IntN(3)
	var toks []string
	for range 2 + r.IntN(10) {
		if r.IntN(3) == 0 {
			needle := needles[r.IntN(len(needles))]
			if style == "'" && strings.Contains(needle, "'") {
				needle = needles[0] // it would be written with '' in the source
			}
			toks = append(toks, needle)
			continue
		}
		w := words[r.IntN(len(words))]
		if q := quotedWords[style[0]]; len(q) > 0 && r.IntN(3) == 0 {
			w = q[r.IntN(len(q))]
		}
		toks = append(toks, w)
	}
	if style == "plain" && strings.ContainsAny(toks[0][:1], "[{") {
		toks[0] = "x" // a flow collection, not a plain scalar
	}
	ind := strings.Repeat(" ", parent+2+r.IntN(3))
	var b strings.Builder
	b.WriteString(nest(parent) + "key: ")
	switch style[0] {
	case '|', '>':
		b.WriteString(style)
		extra := ""
		if strings.ContainsAny(style, "123456789") {
			ind = strings.Repeat(" ", parent+int(style[len(style)-1]-'0'))
			extra = "  " // the indicator lets the first line be more indented
		}
		if r.IntN(4) == 0 {
			b.WriteString(" # a comment")
		}
		b.WriteString("\n")
		if r.IntN(4) == 0 {
			b.WriteString("\n") // a leading blank line
		}
		b.WriteString(ind + extra)
		for i, t := range toks {
			b.WriteString(t)
			if i == len(toks)-1 {
				break
			}
			switch r.IntN(6) {
			case 0:
				b.WriteString("\n" + ind)
			case 1:
				b.WriteString("\n\n" + ind)
			case 2:
				b.WriteString("\n" + ind + "  ") // a more indented line
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString("\n")
		if r.IntN(3) == 0 {
			b.WriteString("\n\n")
		}
	default:
		q := ""
		if style != "plain" {
			q = style
		}
		b.WriteString(q)
		for i, t := range toks {
			b.WriteString(t)
			if i == len(toks)-1 {
				break
			}
			switch r.IntN(7) {
			case 0:
				b.WriteString("\n" + ind)
			case 1:
				b.WriteString("  \n\n" + ind) // trailing spaces, a blank line
			case 2:
				if q == `"` {
					b.WriteString(" \\\n" + ind) // an escaped line break
					continue
				}
				b.WriteString("\n" + ind + "  ")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString(q)
		if r.IntN(3) == 0 && style == "plain" {
			b.WriteString(" # comment")
		}
		b.WriteString("\n")
	}
	b.WriteString(nest(parent) + "next: 1\n")
	return scalarCase{style: style, doc: prefix(parent) + b.String(), parent: parent}
}

// prefix opens mappings so that "key" sits at the given indentation.
func prefix(indent int) string {
	var b strings.Builder
	for i := 0; i < indent; i += 2 {
		b.WriteString(nest(i) + "level" + fmt.Sprint(i) + ":\n")
	}
	return b.String()
}

func nest(n int) string { return strings.Repeat(" ", n) }

var scalarStyles = []string{"plain", "'", `"`, "|", "|-", "|+", "|2", ">", ">-", ">+", ">2", "|4-", ">3+"}

// findKey returns the scalar node under "key" anywhere in the document.
func findKey(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "key" {
				return n.Content[i+1]
			}
		}
	}
	for _, c := range n.Content {
		if k := findKey(c); k != nil {
			return k
		}
	}
	return nil
}

func checkNeedles(t *testing.T, f *File, s *actionlint.String, doc string) int {
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
	for _, style := range scalarStyles {
		t.Run(style, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(style))*31+uint64(style[0])))
			located := 0
			for range 300 {
				located += locateGenerated(t, genScalar(r, style))
			}
			if located < 100 {
				t.Errorf("only %d needles located: the generator is not exercising the style", located)
			}
		})
	}
}

func locateGenerated(t *testing.T, c scalarCase) int {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(c.doc), &doc); err != nil {
		t.Fatalf("generated invalid YAML (%v):\n%s", err, c.doc)
	}
	n := findKey(&doc)
	if n == nil || n.Kind != yaml.ScalarNode {
		t.Fatalf("no scalar under key:\n%s", c.doc)
	}
	f := &File{Src: []byte(c.doc)}
	s := &actionlint.String{Value: n.Value, Quoted: n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0,
		Pos: &actionlint.Pos{Line: n.Line, Col: n.Column}}
	if f.scalar(s) == nil {
		t.Fatalf("style %s: the source does not decode to the value %q:\n%s", c.style, n.Value, c.doc)
	}
	return checkNeedles(t, f, s, c.doc)
}

// FuzzLocateSpan runs the property over generated documents from any seed.
func FuzzLocateSpan(f *testing.F) {
	for i := range uint64(len(scalarStyles)) {
		f.Add(i, uint64(7))
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		locateGenerated(t, genScalar(r, scalarStyles[int(a%uint64(len(scalarStyles)))]))
	})
}

// TestLocateSpanWorkflow checks the same through actionlint's parser,
// which the workflow rules read: run: scripts and env values.
func TestLocateSpanWorkflow(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	for range 200 {
		for _, style := range scalarStyles {
			c := genScalar(r, style)
			body := strings.ReplaceAll(strings.TrimPrefix(c.doc, prefix(c.parent)), "\n"+nest(c.parent), "\n")
			body = strings.TrimPrefix(body, nest(c.parent))
			body = strings.Replace(body, "key: ", "run: ", 1)
			body = strings.Replace(body, "next: 1\n", "", 1)
			src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n" + indentLines(body, "        ")
			src = strings.Replace(src, "        run: ", "      - run: ", 1)
			wf, errs := actionlint.Parse([]byte(src))
			if wf == nil || len(wf.Jobs["j"].Steps) != 1 {
				t.Fatalf("style %s: %v\n%s", style, errs, src)
			}
			run := wf.Jobs["j"].Steps[0].Exec.(*actionlint.ExecRun).Run
			f := &File{Src: []byte(src)}
			if f.scalar(run) == nil {
				t.Fatalf("style %s: the source does not decode to the value %q:\n%s", style, run.Value, src)
			}
			checkNeedles(t, f, run, src)
		}
	}
}

// indentLines indents every non-empty line.
func indentLines(s, ind string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = ind + l
		}
	}
	return strings.Join(lines, "\n")
}

// TestLocateIssueCases are the drifts reported by users, at their exact
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &doc); err != nil {
				t.Fatal(err)
			}
			n := findBody(&doc)
			f := &File{Src: []byte(tt.src)}
			s := &actionlint.String{Value: n.Value, Pos: &actionlint.Pos{Line: n.Line, Col: n.Column}}
			off := strings.Index(s.Value, tt.needle)
			sp := f.LocateSpan(s, off, off+len(tt.needle))
			if sp.Start.Line != tt.line || sp.Start.Col != tt.col || sp.End.Line != tt.line || sp.End.Col != tt.col+len([]rune(tt.needle)) {
				t.Errorf("located at %d:%d-%d:%d, want %d:%d-%d:%d", sp.Start.Line, sp.Start.Col, sp.End.Line, sp.End.Col,
					tt.line, tt.col, tt.line, tt.col+len([]rune(tt.needle)))
			}
		})
	}
}

func findBody(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "body" {
				return n.Content[i+1]
			}
		}
	}
	for _, c := range n.Content {
		if b := findBody(c); b != nil {
			return b
		}
	}
	return nil
}

// TestLocateFallback: a value that is not what the source says (built by
// a caller) still gets a position on the string's line.
func TestLocateFallback(t *testing.T) {
	f := &File{Src: []byte("k: abc\n")}
	s := &actionlint.String{Value: "something else", Pos: &actionlint.Pos{Line: 1, Col: 4}}
	if p := f.Locate(s, 3); p.Line != 1 || p.Col != 7 {
		t.Errorf("fallback at %d:%d, want 1:7", p.Line, p.Col)
	}
}
