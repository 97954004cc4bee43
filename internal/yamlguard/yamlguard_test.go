package yamlguard

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// bomb writes a workflow whose matrix nests levels of ten aliases each,
// so it expands to 10^levels nodes. name spells the anchors.
func bomb(levels int, name func(int) string) string {
	var b strings.Builder
	b.WriteString("on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n")
	fmt.Fprintf(&b, "        l0: &%s [x, x, x, x, x, x, x, x, x, x]\n", name(0))
	for i := 1; i < levels; i++ {
		p := "*" + name(i-1)
		fmt.Fprintf(&b, "        l%d: &%s [%s]\n", i, name(i), strings.Repeat(p+", ", 9)+p)
	}
	b.WriteString("    steps:\n      - run: echo ${{ matrix.l0 }} && ls *.go\n")
	return b.String()
}

func plain(i int) string  { return fmt.Sprintf("a%d", i) }
func dotted(i int) string { return fmt.Sprintf("a.%d", i) } // a name yaml.v3 cannot read, actionlint's parser can

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		refused bool
		line    int
	}{
		{"no anchors", "on: push\njobs:\n  j:\n    steps:\n      - run: make && ls *.go\n", false, 0},
		{"anchor reused a few times", "x: &x {a: 1, b: [1, 2, 3]}\ny: [*x, *x, *x, *x]\nz: *x\n", false, 0},
		{"four levels (11,111 nodes) stay under the bound", bomb(4, plain), false, 0},
		{"nine levels", bomb(9, plain), true, 11},
		{"six levels", bomb(6, plain), true, 11},
		{"names only actionlint's parser reads", bomb(9, dotted), true, 11},
		{"merge keys count too", "a: &a {" + strings.Repeat("k: v, ", 0) + "k: v}\n" + mergeChain(8), true, 0},
		{"syntax error is the caller's to report", "a: [\n", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := Check([]byte(tt.src))
			var ge *Error
			if got := errors.As(err, &ge); got != tt.refused {
				t.Fatalf("refused = %v (%v), want %v", got, err, tt.refused)
			}
			if tt.refused && tt.line != 0 && ge.Line != tt.line {
				t.Errorf("line %d, want %d", ge.Line, tt.line)
			}
			if tt.refused && !strings.Contains(err.Error(), "alias expansion exceeds 100000 nodes") {
				t.Errorf("message %q", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d) // a generous bound: a hang, not a speed check
			}
		})
	}
}

// mergeChain builds levels of mappings that each merge the previous one
// ten times under different keys.
func mergeChain(levels int) string {
	var b strings.Builder
	prev := "a"
	for i := 1; i <= levels; i++ {
		cur := fmt.Sprintf("m%d", i)
		fmt.Fprintf(&b, "%s: &%s {", cur, cur)
		for k := range 10 {
			fmt.Fprintf(&b, "k%d: *%s, ", k, prev)
		}
		b.WriteString("}\n")
		prev = cur
	}
	return b.String()
}

func TestCheckNodeYAMLv3(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(bomb(8, plain)), &doc); err != nil {
		t.Fatal(err)
	}
	err := CheckNode(&doc)
	var ge *Error
	if !errors.As(err, &ge) || ge.Line != 11 || ge.Column == 0 {
		t.Fatalf("CheckNode = %v", err)
	}
	// The bound is exact: a document adding exactly the limit passes.
	if err := checkNode(&doc, 1e9); err != nil {
		t.Errorf("under a 10^9 bound: %v", err)
	}
}

func TestMayAlias(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"run: make && make install\npaths: ['**/*.go', '*.md']\n", false},
		{"cmd: a 2>&1 | tee *log\n", false},
		{"a: &x 1\nb: *x\n", true},
		{"a: &x.y 1\nb: *x.y\n", true},
		{"a: &x 1\nb: [*x]\n", true},
		{"a: &x 1\nb: {k: *x}\n", true},
		{"a: &xy 1\nb: *x\n", false},
	}
	for _, tt := range tests {
		if got := mayAlias([]byte(tt.src)); got != tt.want {
			t.Errorf("mayAlias(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// FuzzCheck: no panic, and whatever is accepted expands to a bounded size
// when actually walked as a tree.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{bomb(3, plain), bomb(9, plain), bomb(4, dotted), mergeChain(3),
		"a: &a [*a]\n", "&a a: *a\n", "- &x\n- *x\n", "a: *undefined\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 {
			return
		}
		if err := Check(src); err != nil {
			return
		}
		var doc yaml.Node
		if yaml.Unmarshal(src, &doc) != nil {
			return
		}
		if err := checkNode(&doc, 1_000); err != nil {
			return // large but under the default bound: fine
		}
		if n := expand(&doc, 0); n > 1_000+count(&doc) {
			t.Fatalf("accepted a document that expands to %d nodes", n)
		}
	})
}

// expand counts nodes by walking aliases as a tree would (bounded).
func expand(n *yaml.Node, depth int) int {
	if n == nil || depth > 50 {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		return expand(n.Alias, depth+1)
	}
	total := 1
	for _, c := range n.Content {
		total += expand(c, depth+1)
		if total > 1e6 {
			return total
		}
	}
	return total
}

func count(n *yaml.Node) int {
	total := 1
	for _, c := range n.Content {
		total += count(c)
	}
	return total
}
