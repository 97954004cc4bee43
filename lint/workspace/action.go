package workspace

import (
	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/internal/yamlerr"
	"github.com/releasegate/releasegate/internal/yamlguard"
	"github.com/releasegate/releasegate/report"
)

// Action is a parsed action metadata file (action.yml / action.yaml).
//
// actionlint reads action metadata only to type-check callers and keeps no
// positions or steps, so releasegate models the parts its rules need, with
// positions, as actionlint Strings so that helpers work on both.
type Action struct {
	*File
	Name   *actionlint.String
	Using  *actionlint.String // runs.using: composite, node20, docker, ...
	Inputs []*ActionInput
	Steps  []*ActionStep // runs.steps of a composite action
}

// Composite reports whether the action runs steps of its own.
func (a *Action) Composite() bool {
	return a.Using != nil && a.Using.Value == "composite"
}

// Strings returns every string value the model holds (input defaults and
// every field of every step), for rules that scan expressions anywhere.
func (a *Action) Strings() []*actionlint.String {
	var out []*actionlint.String
	add := func(ss ...*actionlint.String) {
		for _, s := range ss {
			if s != nil {
				out = append(out, s)
			}
		}
	}
	for _, in := range a.Inputs {
		add(in.Default)
	}
	for _, st := range a.Steps {
		add(st.Name, st.If, st.Run, st.Shell, st.Uses, st.ContinueOnError)
		for _, kv := range append(append([]KeyValue{}, st.With...), st.Env...) {
			add(kv.Value)
		}
	}
	return out
}

// ActionInput is one entry of `inputs:`.
type ActionInput struct {
	Name     string
	Pos      Pos
	Default  *actionlint.String
	Required *actionlint.String
}

// ActionStep is one step of a composite action.
type ActionStep struct {
	Pos             Pos
	ID              *actionlint.String
	Name            *actionlint.String
	If              *actionlint.String
	Run             *actionlint.String
	Shell           *actionlint.String
	Uses            *actionlint.String
	ContinueOnError *actionlint.String
	With            []KeyValue
	Env             []KeyValue
}

// KeyValue is a mapping entry with positions.
type KeyValue struct {
	Key   *actionlint.String
	Value *actionlint.String
}

func parseAction(f *File) (*Action, *report.InputError) {
	var doc yaml.Node
	if err := yaml.Unmarshal(f.Src, &doc); err != nil {
		return nil, yamlInputError(f, err)
	}
	if ie := aliasBound(f, yamlguard.CheckNode(&doc)); ie != nil {
		return nil, ie
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &report.InputError{File: f.Path, Line: 1, Column: 1, Message: "action metadata must be a YAML mapping"}
	}
	a := &Action{File: f}
	top := doc.Content[0]
	a.Name = str(lookup(top, "name"))
	if runs := lookup(top, "runs"); runs != nil {
		a.Using = str(lookup(runs, "using"))
		if steps := lookup(runs, "steps"); steps != nil && steps.Kind == yaml.SequenceNode {
			for _, s := range steps.Content {
				a.Steps = append(a.Steps, actionStep(s))
			}
		}
	}
	if inputs := lookup(top, "inputs"); inputs != nil && inputs.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(inputs.Content); i += 2 {
			k, v := inputs.Content[i], inputs.Content[i+1]
			a.Inputs = append(a.Inputs, &ActionInput{
				Name:     k.Value,
				Pos:      Pos{k.Line, k.Column},
				Default:  str(lookup(v, "default")),
				Required: str(lookup(v, "required")),
			})
		}
	}
	return a, nil
}

func actionStep(n *yaml.Node) *ActionStep {
	return &ActionStep{
		Pos:             Pos{n.Line, n.Column},
		ID:              str(lookup(n, "id")),
		Name:            str(lookup(n, "name")),
		If:              str(lookup(n, "if")),
		Run:             str(lookup(n, "run")),
		Shell:           str(lookup(n, "shell")),
		Uses:            str(lookup(n, "uses")),
		ContinueOnError: str(lookup(n, "continue-on-error")),
		With:            pairs(lookup(n, "with")),
		Env:             pairs(lookup(n, "env")),
	}
}

func yamlInputError(f *File, err error) *report.InputError {
	line, msg := yamlerr.Split(err)
	ie := &report.InputError{File: f.Path, Line: line, Message: clip("invalid YAML: " + msg)}
	if line > 0 {
		ie.Column = 1
	}
	return ie
}

// lookup returns the value of key in a mapping node, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// str converts a scalar node into an actionlint String with its position.
func str(n *yaml.Node) *actionlint.String {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	quoted := n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0
	return &actionlint.String{Value: n.Value, Quoted: quoted, Pos: &actionlint.Pos{Line: n.Line, Col: n.Column}}
}

func pairs(n *yaml.Node) []KeyValue {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []KeyValue
	for i := 0; i+1 < len(n.Content); i += 2 {
		if v := str(n.Content[i+1]); v != nil {
			out = append(out, KeyValue{Key: str(n.Content[i]), Value: v})
		}
	}
	return out
}
