package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// decoder walks yaml.v3 nodes by hand so that every error can name the key
// and its position; yaml's own strict mode reports positions but not in a
// form users can act on ("field x not found in type config.raw").
type decoder struct{ file string }

type fields map[string]func(*yaml.Node) error

func pos(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

// errf builds an error at n. String arguments are clipped: a message
// quotes at most a short excerpt of one line of the file.
func (d *decoder) errf(n *yaml.Node, format string, args ...any) error {
	return d.at(n, fmt.Sprintf(format, clipArgs(args)...))
}

// at is an error at n whose message is already written (a rule's).
func (d *decoder) at(n *yaml.Node, msg string) error {
	return &Error{File: d.file, Line: n.Line, Col: n.Column, Msg: msg}
}

// maxExcerpt is the most of a value an error message quotes.
const maxExcerpt = 80

// clip keeps the first line of s, at most maxExcerpt characters of it.
func clip(s string) string { return clipTo(s, maxExcerpt) }

func clipTo(s string, n int) string {
	cut := false
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s, cut = s[:i], true
	}
	if r := []rune(s); len(r) > n {
		s, cut = string(r[:n]), true
	}
	if cut {
		s += "…"
	}
	return s
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", clipTo(n.Value, maxExcerpt*3/4)) // quoted, it still fits an excerpt
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// mapping decodes a mapping node, calling the handler of each key and
// rejecting keys that have none.
func (d *decoder) mapping(n *yaml.Node, what string, fs fields) error {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.errf(n, "%s: expected a mapping, got %s", what, kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		h, ok := fs[k.Value]
		if !ok {
			return d.errf(k, "%s: unknown key %q (known: %s)", what, k.Value, keys(fs))
		}
		if seen[k.Value] {
			return d.errf(k, "%s: duplicate key %q", what, k.Value)
		}
		seen[k.Value] = true
		if err := h(v); err != nil {
			return err
		}
	}
	return nil
}

// each iterates a mapping with free-form keys (secret names, families).
func (d *decoder) each(n *yaml.Node, what string, fn func(k, v *yaml.Node) error) error {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.errf(n, "%s: expected a mapping, got %s", what, kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			return d.errf(k, "%s: keys must be plain names", what)
		}
		if seen[k.Value] {
			return d.errf(k, "%s: duplicate key %q", what, k.Value)
		}
		seen[k.Value] = true
		if err := fn(k, deref(n.Content[i+1])); err != nil {
			return err
		}
	}
	return nil
}

func keys(fs fields) string {
	ks := make([]string, 0, len(fs))
	for k := range fs {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func (d *decoder) str(n *yaml.Node) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", d.errf(n, "expected a string, got %s", kindName(n))
	}
	return n.Value, nil
}

func (d *decoder) into(n *yaml.Node, out *string) error {
	s, err := d.str(n)
	*out = s
	return err
}

func (d *decoder) strings(n *yaml.Node) ([]string, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, d.errf(n, "expected a list of strings, got %s", kindName(n))
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		s, err := d.str(item)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// list decodes a list of strings of key into out. Each rule in turn
// looks at every item; the first it refuses is the error, at the item,
// after "key: " when key is not "".
func (d *decoder) list(n *yaml.Node, key string, out *[]string, rules ...func(string) error) error {
	list, err := d.strings(n)
	if err != nil {
		return err
	}
	if key != "" {
		key = clip(key) + ": "
	}
	for _, check := range rules {
		for i, s := range list {
			if err := check(s); err != nil {
				return d.at(n.Content[i], key+err.Error())
			}
		}
	}
	*out = list
	return nil
}

func (d *decoder) integer(n *yaml.Node) (int, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, d.errf(n, "expected an integer, got %s", kindName(n))
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		return 0, d.errf(n, "expected an integer, got %q", n.Value)
	}
	return v, nil
}

func (d *decoder) boolean(n *yaml.Node, out *bool) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return d.errf(n, "expected true or false, got %s", kindName(n))
	}
	return n.Decode(out)
}

func (d *decoder) enum(n *yaml.Node, out *string, allowed ...string) error {
	s, err := d.str(n)
	if err != nil {
		return err
	}
	if err := checkEnum(s, allowed...); err != nil {
		return d.at(n, err.Error())
	}
	*out = s
	return nil
}

// filepathMatch validates a glob (`*`, `?`, `[...]`, `{a,b}` and `**`).
func filepathMatch(glob string) (bool, error) {
	if !doublestar.ValidatePattern(glob) {
		return false, doublestar.ErrBadPattern
	}
	return false, nil
}
