// Package yamlguard refuses YAML documents whose aliases would multiply
// into more nodes than any real workflow, action or configuration holds.
//
// A YAML alias (*name) stands for the whole node its anchor (&name) marks.
// Parsers keep one copy and share it, but readers that walk the tree as a
// tree (actionlint's raw matrix values, the config decoder) visit it once
// per alias, so nine nested levels of ten aliases in a 549-byte file become
// a billion nodes: gigabytes and minutes before the process dies. The guard
// counts the expanded size with memoisation over anchors, in time linear in
// the written document, and refuses it before any such reader sees it.
package yamlguard

import (
	"fmt"

	yaml4 "go.yaml.in/yaml/v4"
	"gopkg.in/yaml.v3"
)

// MaxAliasNodes is how many nodes aliases may add to one document once
// expanded. Real workflows reuse an anchor a few times (hundreds of
// nodes); an alias bomb adds millions.
const MaxAliasNodes = 100_000

// Error is a document refused because its aliases expand too far. Line
// and Column are those of the alias that crossed the bound.
type Error struct {
	Line, Column int
	Limit        int64
}

func (e *Error) Error() string {
	return fmt.Sprintf("alias expansion exceeds %d nodes: aliases repeat anchored content too often to read safely", e.Limit)
}

// Check parses src (its first document) the way actionlint does, with
// go.yaml.in/yaml/v4, and measures it, unless src cannot hold an alias of
// one of its anchors at all, which a byte scan decides without parsing.
// Syntax errors are left to the caller's own parser: Check returns nil
// for them.
func Check(src []byte) error {
	if !mayAlias(src) {
		return nil
	}
	var doc yaml4.Node
	if err := yaml4.Unmarshal(src, &doc); err != nil {
		return nil //nolint:nilerr // the caller's parser reports syntax errors in its own shape
	}
	return measureTree(&doc, MaxAliasNodes, func(n *yaml4.Node) (*yaml4.Node, []*yaml4.Node, bool, int, int) {
		return n.Alias, n.Content, n.Kind == yaml4.AliasNode, n.Line, n.Column
	})
}

// CheckNode measures a document already parsed with gopkg.in/yaml.v3, as
// the configuration, action metadata and parity readers parse them.
func CheckNode(n *yaml.Node) error { return checkNode(n, MaxAliasNodes) }

func checkNode(n *yaml.Node, limit int64) error {
	return measureTree(n, limit, func(n *yaml.Node) (*yaml.Node, []*yaml.Node, bool, int, int) {
		return n.Alias, n.Content, n.Kind == yaml.AliasNode, n.Line, n.Column
	})
}

// view reads what the measure needs from a node of either YAML library:
// the alias target, the children, whether it is an alias, its position.
type view[N any] func(*N) (alias *N, content []*N, isAlias bool, line, col int)

func measureTree[N any](root *N, limit int64, v view[N]) error {
	m := &measure[N]{memo: map[*N]int64{}, limit: limit, view: v}
	return m.walk(root)
}

// measure walks the written tree once; at each alias it adds the expanded
// size of what the alias names, computed once per anchored node.
type measure[N any] struct {
	memo  map[*N]int64
	limit int64
	added int64
	view  view[N]
}

// inProgress marks a node whose size is being computed: meeting it again
// means an alias inside its own anchor.
const inProgress = -1

func (m *measure[N]) walk(n *N) error {
	if n == nil {
		return nil
	}
	target, content, isAlias, line, col := m.view(n)
	if isAlias {
		size, err := m.size(target, line, col)
		if err != nil {
			return err
		}
		m.added += size - 1
		if m.added > m.limit {
			return &Error{Line: line, Column: col, Limit: m.limit}
		}
		return nil
	}
	for _, c := range content {
		if err := m.walk(c); err != nil {
			return err
		}
	}
	return nil
}

// size is the number of nodes n stands for with every alias expanded,
// saturating just above the limit so sums cannot overflow. line and col
// place the alias that led here, for the error.
func (m *measure[N]) size(n *N, line, col int) (int64, error) {
	if n == nil {
		return 1, nil
	}
	target, content, isAlias, nline, ncol := m.view(n)
	if isAlias {
		return m.size(target, nline, ncol)
	}
	switch s, ok := m.memo[n]; {
	case ok && s == inProgress:
		return 0, &Error{Line: line, Column: col, Limit: m.limit}
	case ok:
		return s, nil
	}
	m.memo[n] = inProgress
	total := int64(1)
	for _, c := range content {
		s, err := m.size(c, line, col)
		if err != nil {
			return 0, err
		}
		total = min(total+s, m.limit+1)
	}
	m.memo[n] = total
	return total, nil
}

// mayAlias reports whether src can contain an alias naming one of its
// anchors: some "*name" whose name also follows an "&". Most files have
// none (a shell "&&" or a glob "*.go" alone does not count), and those
// skip the parse. The scan over-approximates: quoted text counts too.
func mayAlias(src []byte) bool {
	var anchors map[string]bool
	for i := 0; i < len(src); i++ {
		if src[i] != '&' {
			continue
		}
		if name := nameAt(src, i+1); name != "" {
			if anchors == nil {
				anchors = map[string]bool{}
			}
			anchors[name] = true
		}
	}
	if anchors == nil {
		return false
	}
	for i := 0; i < len(src); i++ {
		if src[i] == '*' && anchors[nameAt(src, i+1)] {
			return true
		}
	}
	return false
}

// nameAt returns the anchor or alias name starting at i as actionlint's
// YAML parser reads it: printable ASCII up to a flow indicator or a colon.
// The parser requires a name to end at a blank, a line break, ':', ',',
// ']' or '}', all of which stop the scan, so a real anchor and its alias
// always give the same string here.
func nameAt(src []byte, i int) string {
	j := i
	for j < len(src) && isNameByte(src[j]) {
		j++
	}
	return string(src[i:j])
}

func isNameByte(b byte) bool {
	switch b {
	case ',', '[', ']', '{', '}', ':':
		return false
	}
	return b > ' ' && b < 0x7f
}
