package workspace_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
)

// The property of ValueEdit: in every scalar style, with LF or CRLF line
// breaks, an edit it returns changes the decoded value exactly as asked
// — replacing a needle, or inserting before the first character or after
// the last — and leaves every other byte of the file as it was. What it
// refuses, it refuses for a reason of the style.

// replacements are texts written in place of a needle or inserted: plain
// words, the quotes and backslash the quoted styles escape, and text
// that would end a plain scalar.
var replacements = []string{"NEW_NAME", `a 'b' "c" \d`, "x: y", "!cancelled() && ", " && always()", "(inputs.x || 'a # b')"}

func TestValueEditEveryStyle(t *testing.T) {
	for i, style := range linttest.ScalarStyles {
		for _, crlf := range []bool{false, true} {
			name := style
			if crlf {
				name += " crlf"
			}
			t.Run(name, func(t *testing.T) {
				r := rand.New(rand.NewPCG(3, uint64(i)))
				applied := 0
				for range 150 {
					doc := genDoc(r, style)
					if crlf {
						doc = strings.ReplaceAll(doc, "\n", "\r\n")
					}
					applied += editGenerated(t, r, doc)
				}
				if applied < 30 {
					t.Errorf("only %d edits applied: the generator is not exercising the style", applied)
				}
			})
		}
	}
}

// editGenerated makes one edit of the document's "key" value and checks
// it; it returns 1 when the edit was made.
func editGenerated(t *testing.T, r *rand.Rand, doc string) int {
	t.Helper()
	f, s := keyValue(t, doc, "key")
	text := replacements[r.IntN(len(replacements))]
	from, to := 0, 0
	switch r.IntN(3) {
	case 0: // a needle
		needle := needles[r.IntN(len(needles))]
		i := strings.Index(s.Value, needle)
		if i < 0 {
			return 0
		}
		from, to = i, i+len(needle)
	case 1: // before the first character
	default: // after the last one that is not a line break
		from = len(strings.TrimRight(s.Value, "\n"))
		to = from
	}
	e, err := f.ValueEdit(s, from, to, text)
	if err != nil {
		if !refusable(err, text) {
			t.Fatalf("edit [%d,%d) of %q with %q refused: %v\ndocument:\n%s", from, to, s.Value, text, err, doc)
		}
		return 0
	}
	fixed := doc[:e.Start] + e.Text + doc[e.End:]
	_, got := keyValue(t, fixed, "key")
	if want := s.Value[:from] + text + s.Value[to:]; got.Value != want {
		t.Fatalf("edit [%d,%d) with %q:\n got %q\nwant %q\nbefore:\n%s\nafter:\n%s", from, to, text, got.Value, want, doc, fixed)
	}
	if _, next := keyValue(t, fixed, "next"); next.Value != "1" {
		t.Fatalf("the edit changed the next key:\n%s", fixed)
	}
	return 1
}

// refusable: a line break is never written; in a plain scalar, text that
// would end it or start a tag is refused, and so is a range that does not
// map byte for byte (a needle broken by a folded line).
func refusable(err error, text string) bool {
	msg := err.Error()
	return strings.Contains(msg, "plain (unquoted)") || strings.Contains(msg, "escapes or folded lines") ||
		strings.Contains(msg, "indent") || strings.Contains(msg, "folded away") || strings.Contains(text, "\n")
}

// keyValue parses doc and returns the value under key as actionlint
// would hand it to a check.
func keyValue(t *testing.T, doc, key string) (*workspace.File, *actionlint.String) {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatalf("invalid YAML (%v):\n%s", err, doc)
	}
	n := findKey(&root, key)
	if n == nil || n.Kind != yaml.ScalarNode {
		t.Fatalf("no scalar under %s:\n%s", key, doc)
	}
	return &workspace.File{Path: "x.yml", Src: []byte(doc)},
		&actionlint.String{Value: n.Value, Quoted: n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0,
			Pos: &actionlint.Pos{Line: n.Line, Col: n.Column}}
}

// TestValueEditCases: the shapes the fixes meet, byte for byte.
func TestValueEditCases(t *testing.T) {
	tests := []struct {
		name, src  string
		from, to   int // in the value; -1: its end
		text, want string
		refused    string
	}{
		{name: "plain with a comment", src: "k:\n  key: steps.a.outcome == 'failure' # note\n  next: 1\n",
			from: -1, to: -1, text: " && !cancelled()",
			want: "k:\n  key: steps.a.outcome == 'failure' && !cancelled() # note\n  next: 1\n"},
		{name: "plain cannot start with !", src: "k:\n  key: steps.a.outcome == 'failure'\n  next: 1\n",
			text: "!cancelled() && ", refused: "cannot start with !"},
		{name: "single quotes doubled", src: "k:\n  key: 'steps.a.outcome == ''failure'''\n  next: 1\n",
			text: "!cancelled() && ", want: "k:\n  key: '!cancelled() && steps.a.outcome == ''failure'''\n  next: 1\n"},
		{name: "double-quoted escapes", src: "k:\n  key: \"${{ inputs.tag }}\"\n  next: 1\n",
			from: 4, to: 14, text: `inputs.tag || "x\y"`, want: "k:\n  key: \"${{ inputs.tag || \\\"x\\\\y\\\" }}\"\n  next: 1\n"},
		{name: "folded block", src: "k:\n  key: >-\n    steps.a.outcome == 'failure' ||\n    job.status == 'failure'\n  next: 1\n",
			from: 0, to: 0, text: "always() && (",
			want: "k:\n  key: >-\n    always() && (steps.a.outcome == 'failure' ||\n    job.status == 'failure'\n  next: 1\n"},
		{name: "literal block end", src: "k:\n  key: |\n    a\n    b\n  next: 1\n", from: -1, to: -1, text: ")",
			want: "k:\n  key: |\n    a\n    b)\n  next: 1\n"},
		{name: "flow mapping", src: "k: {key: inputs.tag, next: 1}\n", from: 0, to: 10, text: "a,b", refused: "flow collection"},
		{name: "flow mapping, plain word", src: "k: {key: secrets.OLD, next: 1}\n", from: 8, to: 11, text: "NEW_RW",
			want: "k: {key: secrets.NEW_RW, next: 1}\n"},
		{name: "crlf", src: "k:\r\n  key: \"a\"\r\n  next: 1\r\n", from: 1, to: 1, text: "b", want: "k:\r\n  key: \"ab\"\r\n  next: 1\r\n"},
		{name: "escape in the range", src: "k:\n  key: \"a\\tb\"\n  next: 1\n", from: 0, to: 3, text: "x", refused: "escapes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, s := keyValue(t, tt.src, "key")
			from, to := tt.from, tt.to
			if from < 0 {
				from = len(strings.TrimRight(s.Value, "\n"))
			}
			if to < 0 {
				to = from
			}
			e, err := f.ValueEdit(s, from, to, tt.text)
			switch {
			case tt.refused != "":
				if err == nil || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("want refusal with %q, got %v (%+v)", tt.refused, err, e)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if got := tt.src[:e.Start] + e.Text + tt.src[e.End:]; got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestInsertedLineBreak: a file's line ending is the one inserted lines
// get.
func TestInsertedLineBreak(t *testing.T) {
	for src, want := range map[string]string{"a: 1\r\nb: 2\r\n": "\r\n", "a: 1\nb: 2\n": "\n", "a: 1": "\n"} {
		if got := (&workspace.File{Src: []byte(src)}).LineBreak(); got != want {
			t.Errorf("LineBreak of %q = %q, want %q", src, got, want)
		}
	}
}

// FuzzValueEdit runs the edit property over documents generated from any
// seed.
func FuzzValueEdit(f *testing.F) {
	for i := range uint64(len(linttest.ScalarStyles)) {
		f.Add(i, uint64(11), false)
	}
	f.Fuzz(func(t *testing.T, a, b uint64, crlf bool) {
		r := rand.New(rand.NewPCG(a, b))
		doc := genDoc(r, linttest.ScalarStyles[int(a%uint64(len(linttest.ScalarStyles)))])
		if crlf {
			doc = strings.ReplaceAll(doc, "\n", "\r\n")
		}
		editGenerated(t, r, doc)
	})
}
