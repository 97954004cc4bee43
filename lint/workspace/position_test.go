package workspace

import (
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

func TestLocate(t *testing.T) {
	src := `jobs:
  a:
    steps:
      - run: |
          echo first
            indented ${{ x }}
      - run: echo ${{ y }}
      - run: "quoted ${{ z }}"
`
	wf, errs := actionlint.Parse([]byte("on: push\n" + src))
	if wf == nil {
		t.Fatal(errs)
	}
	f := &File{Src: []byte("on: push\n" + src)}
	steps := wf.Jobs["a"].Steps
	runOf := func(i int) *actionlint.String { return steps[i].Exec.(*actionlint.ExecRun).Run }
	tests := []struct {
		s         *actionlint.String
		needle    string
		line, col int
	}{
		{runOf(0), "echo first", 6, 11},
		{runOf(0), "${{ x }}", 7, 22},
		{runOf(1), "${{ y }}", 8, 19},
		{runOf(2), "${{ z }}", 9, 22},
	}
	for _, tt := range tests {
		off := strings.Index(tt.s.Value, tt.needle)
		got := f.Locate(tt.s, off)
		if got.Line != tt.line || got.Col != tt.col {
			t.Errorf("Locate(%q) = %d:%d, want %d:%d (line %q)", tt.needle, got.Line, got.Col, tt.line, tt.col, f.Line(tt.line))
		}
		if line := f.Line(got.Line); !strings.HasPrefix(line[got.Col-1:], tt.needle) {
			t.Errorf("Locate(%q) points at %q", tt.needle, line[got.Col-1:])
		}
	}
}
