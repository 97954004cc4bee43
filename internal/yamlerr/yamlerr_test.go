package yamlerr

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestSplit(t *testing.T) {
	var v any
	err := yaml.Unmarshal([]byte("a: 1\nb: [\n"), &v)
	line, msg := Split(err)
	if line != 2 || msg == "" || msg[:4] == "line" {
		t.Errorf("Split(%q) = %d, %q", err, line, msg)
	}
	err = yaml.Unmarshal([]byte("a: *missing\n"), &v)
	if line, msg := Split(err); msg == "" || line < 0 {
		t.Errorf("Split(%q) = %d, %q", err, line, msg)
	}
}
