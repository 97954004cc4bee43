package workspace

import (
	"strings"
	"testing"
)

// TestWorkflowShape: a file under .github/workflows that is not a mapping
// with "on" and "jobs" is an input error at its position, not a workflow
// whose only findings belong to a rule that may be disabled; a section
// that is present but empty or malformed stays actionlint's finding.
func TestWorkflowShape(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		line, col int
		message   string // "" when the file is a workflow
	}{
		{"empty file", "", 1, 1, `workflow is empty: it needs "on" and "jobs" sections`},
		{"only a comment", "# nothing here yet\n", 1, 1, `workflow is empty`},
		{"explicit null", "\n\n~\n", 3, 1, `workflow is empty`},
		{"an empty document after a marker", "\n---\n", 3, 1, `workflow is empty`},
		{"a scalar", "# header\nrelease on tag\n", 2, 1, `workflow is a scalar, not a mapping`},
		{"a list", "\n- on: push\n- jobs: {}\n", 2, 1, `workflow is a list, not a mapping`},
		{"empty mapping", "{}\n", 1, 1, `workflow has no "on" and no "jobs" section`},
		{"no on", "name: build\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n", 1, 1, `workflow has no "on" section`},
		{"no jobs", "\nname: build\non: push\n", 2, 1, `workflow has no "jobs" section`},
		{"a workflow", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n", 0, 0, ""},
		{"quoted on key", "\"on\": push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n", 0, 0, ""},
		{"empty jobs stays a finding", "on: push\njobs:\n", 0, 0, ""},
		{"empty on stays a finding", "on:\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n", 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wf, ie := parseWorkflow(&File{Path: ".github/workflows/w.yml", Rel: ".github/workflows/w.yml", Src: []byte(tt.src)})
			if tt.message == "" {
				if ie != nil || wf == nil {
					t.Fatalf("refused a workflow: %+v", ie)
				}
				return
			}
			if ie == nil {
				t.Fatalf("accepted as a workflow (%d actionlint findings)", len(wf.Diagnostics))
			}
			if ie.File != ".github/workflows/w.yml" || ie.Line != tt.line || ie.Column != tt.col || !strings.HasPrefix(ie.Message, tt.message) {
				t.Errorf("got %s:%d:%d %q, want :%d:%d %q", ie.File, ie.Line, ie.Column, ie.Message, tt.line, tt.col, tt.message)
			}
		})
	}
}
