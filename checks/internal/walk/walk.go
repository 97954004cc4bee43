// Package walk lists every string value of a parsed workflow together with
// the job it belongs to, so that rules about "any expression anywhere"
// (secret references, names in a token family, ...) need not enumerate
// actionlint's many node types by hand.
//
// It walks actionlint's typed AST by reflection. Only YAML values are
// visited, never comments, and `description:` texts are skipped because the
// runner does not evaluate expressions in them (WithDescriptions keeps
// them, for rules about text rather than expressions).
package walk

import (
	"reflect"
	"sync"

	"github.com/rhysd/actionlint"
)

// Value is one string value of a workflow.
type Value struct {
	Str *actionlint.String
	// Job is the id of the job the value belongs to, "" for workflow-level
	// values (top-level env, triggers, ...).
	Job string
	// Condition is true for `if:` values, which are expressions even
	// without ${{ }}.
	Condition bool
	// EnvName is true when the value is the name of a variable in an env:
	// mapping (workflow, job, step or container level).
	EnvName bool
}

// Strings returns every string value of the workflow. The order is not
// specified; callers that report sort their findings anyway.
func Strings(wf *actionlint.Workflow) []Value {
	w := walker{out: make([]Value, 0, 256)}
	w.value(reflect.ValueOf(wf), "")
	return w.out
}

// WithDescriptions is Strings with the `description:` texts too.
func WithDescriptions(wf *actionlint.Workflow) []Value {
	w := walker{out: make([]Value, 0, 256), descriptions: true}
	w.value(reflect.ValueOf(wf), "")
	return w.out
}

// walker needs no cycle detection: actionlint expands YAML aliases into
// separate nodes, so its AST is a tree.
type walker struct {
	out          []Value
	path         []string // field names from the root to here
	descriptions bool
}

// fieldsOf memoizes visitable per struct type (reflect.Type -> []field).
// It is not state: every walk of every run would compute the same lists,
// and reading a struct's fields by reflection cost a tenth of a walk.
var fieldsOf sync.Map

type field struct {
	index int
	name  string
}

const description = "Description"

var (
	stringType = reflect.TypeOf(actionlint.String{})
	jobType    = reflect.TypeOf(actionlint.Job{})
	rawString  = reflect.TypeOf(actionlint.RawYAMLString{})
)

func (w *walker) value(v reflect.Value, job string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		w.pointer(v, job)
	case reflect.Interface:
		if !v.IsNil() {
			w.value(v.Elem(), job)
		}
	case reflect.Struct:
		w.structFields(v, job)
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i), job)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			w.value(it.Value(), job)
		}
	}
}

func (w *walker) pointer(v reflect.Value, job string) {
	elem := v.Elem()
	switch elem.Type() {
	case stringType:
		if s := v.Interface().(*actionlint.String); s.Pos != nil {
			w.out = append(w.out, Value{Str: s, Job: job, Condition: w.tail("If"), EnvName: w.tail("Env", "Vars", "Name")})
		}
		return
	case rawString:
		r := v.Interface().(*actionlint.RawYAMLString)
		w.out = append(w.out, Value{Str: &actionlint.String{Value: r.Value, Pos: r.Pos()}, Job: job})
		return
	case jobType:
		if j := v.Interface().(*actionlint.Job); j.ID != nil {
			job = j.ID.Value
		}
	}
	w.value(elem, job)
}

// tail reports whether the field path ends with names.
func (w *walker) tail(names ...string) bool {
	if len(w.path) < len(names) {
		return false
	}
	for i, n := range names {
		if w.path[len(w.path)-len(names)+i] != n {
			return false
		}
	}
	return true
}

func (w *walker) structFields(v reflect.Value, job string) {
	for _, f := range w.visitable(v.Type()) {
		if f.name == description && !w.descriptions {
			continue
		}
		w.path = append(w.path, f.name)
		w.value(v.Field(f.index), job)
		w.path = w.path[:len(w.path)-1]
	}
}

// visitable lists the fields of a struct type worth descending into:
// exported, not positions, not plain scalars.
func (w *walker) visitable(t reflect.Type) []field {
	if fs, ok := fieldsOf.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "Pos" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Bool, reflect.Int, reflect.Float64, reflect.String:
			continue // scalars hold no strings with positions
		}
		fs = append(fs, field{i, f.Name})
	}
	fieldsOf.Store(t, fs)
	return fs
}
