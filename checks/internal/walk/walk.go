// Package walk visits every string value of a parsed workflow together with
// the job it belongs to, so that rules about "any expression anywhere"
// (secret references, parity copies, ...) need not enumerate actionlint's
// many node types by hand.
//
// It walks actionlint's typed AST by reflection. Only YAML values are
// visited, never comments, and `description:` texts are skipped because the
// runner does not evaluate expressions in them.
package walk

import (
	"reflect"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
)

// Value is one string value of a workflow.
type Value struct {
	Str *actionlint.String
	// Job is the id of the job the value belongs to, "" for workflow-level
	// values (top-level env, triggers, ...).
	Job string
	// Field is the Go field path in actionlint's AST, e.g. "Jobs.Steps.Exec.Run".
	Field string
	// Condition is true for `if:` values, which are expressions even
	// without ${{ }}.
	Condition bool
}

// Strings calls fn for every string value of the workflow in source order.
func Strings(wf *actionlint.Workflow, fn func(Value)) {
	var out []Value
	w := walker{emit: func(v Value) { out = append(out, v) }, fields: map[reflect.Type][]field{}}
	w.value(reflect.ValueOf(wf), "")
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Str.Pos, out[j].Str.Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	for _, v := range out {
		fn(v)
	}
}

// walker needs no cycle detection: actionlint expands YAML aliases into
// separate nodes, so its AST is a tree.
type walker struct {
	emit   func(Value)
	path   []string                 // field names from the root to here
	fields map[reflect.Type][]field // visitable fields per struct type
}

type field struct {
	index int
	name  string
}

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
		w.mapEntries(v, job)
	}
}

func (w *walker) pointer(v reflect.Value, job string) {
	elem := v.Elem()
	switch elem.Type() {
	case stringType:
		s := v.Interface().(*actionlint.String)
		if s.Pos != nil {
			field := strings.Join(w.path, ".")
			w.emit(Value{Str: s, Job: job, Field: field, Condition: isCondition(field)})
		}
		return
	case rawString:
		r := v.Interface().(*actionlint.RawYAMLString)
		w.emit(Value{Str: &actionlint.String{Value: r.Value, Pos: r.Pos()}, Job: job, Field: strings.Join(w.path, ".")})
		return
	case jobType:
		j := v.Interface().(*actionlint.Job)
		if j.ID != nil {
			job = j.ID.Value
		}
	}
	w.value(elem, job)
}

func (w *walker) structFields(v reflect.Value, job string) {
	for _, f := range w.visitable(v.Type()) {
		w.path = append(w.path, f.name)
		w.value(v.Field(f.index), job)
		w.path = w.path[:len(w.path)-1]
	}
}

// visitable lists the fields of a struct type worth descending into:
// exported, not positions, not descriptions.
func (w *walker) visitable(t reflect.Type) []field {
	if fs, ok := w.fields[t]; ok {
		return fs
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "Description" || f.Name == "Pos" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Bool, reflect.Int, reflect.Float64, reflect.String:
			continue // scalars hold no strings with positions
		}
		fs = append(fs, field{i, f.Name})
	}
	w.fields[t] = fs
	return fs
}

func (w *walker) mapEntries(v reflect.Value, job string) {
	// Order does not matter here: Strings sorts by position afterwards.
	it := v.MapRange()
	for it.Next() {
		w.value(it.Value(), job)
	}
}

func isCondition(field string) bool {
	n := len(field)
	return n >= 2 && field[n-2:] == "If" && (n == 2 || field[n-3] == '.')
}
