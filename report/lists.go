package report

import "reflect"

// EmptyCollections replaces every nil slice and map reachable from v (a
// pointer) through pointers, structs, slices and maps with an empty one,
// so JSON output writes [] and {} for empty collections, never null:
// consumers iterate them without a null check.
func EmptyCollections(v any) {
	fill(reflect.ValueOf(v), 0)
}

// maxFillDepth bounds the walk; the documents written are shallow.
const maxFillDepth = 32

func fill(v reflect.Value, depth int) {
	if depth > maxFillDepth {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			fill(v.Elem(), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		for i := range v.Len() {
			fill(v.Index(i), depth+1)
		}
	case reflect.Map:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeMap(v.Type()))
			}
			return
		}
		// Map values cannot be changed in place: fill a copy, store it back.
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			fill(e, depth+1)
			v.SetMapIndex(k, e)
		}
	}
}
