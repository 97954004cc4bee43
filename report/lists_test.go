package report

import (
	"encoding/json"
	"testing"
)

func TestEmptyCollections(t *testing.T) {
	type leaf struct {
		Tags   []string `json:"tags"`
		hidden []string
	}
	type doc struct {
		List   []leaf           `json:"list"`
		Nil    []leaf           `json:"nil"`
		Ptr    *leaf            `json:"ptr"`
		NilPtr *leaf            `json:"nil_ptr"`
		Map    map[string]leaf  `json:"map"`
		Nested map[string][]int `json:"nested"`
		NilMap map[string]int   `json:"nil_map"`
		Any    any              `json:"any"`
	}
	d := &doc{List: []leaf{{}}, Ptr: &leaf{}, Map: map[string]leaf{"a": {}}, Nested: map[string][]int{"x": nil}, Any: &leaf{}}
	EmptyCollections(d)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"list":[{"tags":[]}],"nil":[],"ptr":{"tags":[]},"nil_ptr":null,"map":{"a":{"tags":[]}},"nested":{"x":[]},"nil_map":{},"any":{"tags":[]}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if d.List[0].hidden != nil {
		t.Error("unexported field touched")
	}
}
