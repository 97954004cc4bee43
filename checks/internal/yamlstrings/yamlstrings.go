// Package yamlstrings lists every string value of a YAML document with its
// position, so checks can look for text wherever a workflow author put it:
// a `with: body:` block scalar, a `run:` heredoc, an `env:` value or a
// github-script template literal.
//
// Values come back as actionlint Strings, so workspace.File.Locate maps an
// offset inside one (block scalars included) to a file line and column.
package yamlstrings

import (
	"errors"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/internal/yamlerr"
	"github.com/releasegate/releasegate/internal/yamlguard"
)

// Value is one scalar string value.
type Value struct {
	Str *actionlint.String
	// Key is the mapping key the value belongs to ("" for sequence items),
	// such as "body", "run" or "script".
	Key string
}

// maxDepth bounds recursion on hostile input; workflows are shallow.
const maxDepth = 200

// Walk parses src and returns its string values in document order. Keys
// are not values; aliases are not followed, and a document whose aliases
// would expand past yamlguard's bound is refused like a syntax error.
func Walk(src []byte) ([]Value, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, syntaxError(err)
	}
	if err := yamlguard.CheckNode(&doc); err != nil {
		e := &Error{Msg: err.Error()}
		var ge *yamlguard.Error
		if errors.As(err, &ge) {
			e.Line = ge.Line
		}
		return nil, e
	}
	var out []Value
	walk(&doc, "", 0, &out)
	return out, nil
}

func walk(n *yaml.Node, key string, depth int, out *[]Value) {
	if n == nil || depth > maxDepth {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" || n.Tag == "" {
			quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
			*out = append(*out, Value{
				Str: &actionlint.String{Value: n.Value, Quoted: quoted, Pos: &actionlint.Pos{Line: n.Line, Col: n.Column}},
				Key: key,
			})
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walk(n.Content[i+1], n.Content[i].Value, depth+1, out)
		}
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			walk(c, "", depth+1, out)
		}
	}
}

// Error is YAML that cannot be read: a syntax error or an alias bomb.
// Line is 0 when the parser did not say.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func syntaxError(err error) *Error {
	line, msg := yamlerr.Split(err)
	return &Error{Line: line, Msg: "invalid YAML: " + msg}
}
