package yamlstrings

import (
	"strconv"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/workspace"
)

func TestWalkPositions(t *testing.T) {
	src := "jobs:\n  a:\n    env:\n      NOTE: 'quoted value'\n    steps:\n      - with:\n          body: |\n            first\n            second TARGET\n      - run: echo plain TARGET\n"
	values, err := Walk([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f := &workspace.File{Path: "w.yml", Src: []byte(src)}
	var got []string
	for _, v := range values {
		if i := strings.Index(v.Str.Value, "TARGET"); i >= 0 {
			p := f.Locate(v.Str, i)
			got = append(got, v.Key+"@"+strconv.Itoa(p.Line)+":"+strconv.Itoa(p.Col))
		}
	}
	if want := "body@9:20 run@10:25"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
	if values[0].Key != "NOTE" || values[0].Str.Value != "quoted value" || !values[0].Str.Quoted {
		t.Errorf("first value %+v", values[0])
	}
}

func TestWalkBadYAML(t *testing.T) {
	if _, err := Walk([]byte("a: [\n")); err == nil || !strings.Contains(err.Error(), "invalid YAML") {
		t.Errorf("err = %v", err)
	}
}
