package workspace

import (
	"errors"
	"path"
	"strings"

	"github.com/rhysd/actionlint"
	yaml4 "go.yaml.in/yaml/v4"

	"github.com/releasegate/releasegate/internal/yamlguard"
	"github.com/releasegate/releasegate/report"
)

// Workflow is a parsed workflow file.
type Workflow struct {
	*File
	// Name is the file name relative to .github/workflows ("release.yml"),
	// which is how the configuration names workflows.
	Name string
	AST  *actionlint.Workflow
	// Diagnostics are actionlint's syntax findings from parsing; they are
	// reported under the actionlint rule, not as input errors.
	Diagnostics []*actionlint.Error
}

func parseWorkflow(f *File) (*Workflow, *report.InputError) {
	guard := yamlguard.Check(f.Src)
	if guard != nil {
		return newWorkflow(f, guard, nil, nil)
	}
	ast, errs := actionlint.Parse(f.Src)
	return newWorkflow(f, nil, ast, errs)
}

// newWorkflow is the workflow of f from its parse: yamlguard's refusal,
// or actionlint's tree and syntax errors.
func newWorkflow(f *File, guard error, ast *actionlint.Workflow, errs []*actionlint.Error) (*Workflow, *report.InputError) {
	if ie := aliasBound(f, guard); ie != nil {
		return nil, ie
	}
	if ast == nil {
		// The YAML itself is unreadable: that is bad input, not a finding.
		ie := &report.InputError{File: f.Path, Message: "could not parse workflow"}
		if len(errs) > 0 {
			ie.Line, ie.Column = errs[0].Line, errs[0].Column
			ie.Message = clip(strings.Replace(errs[0].Message, "could not parse as YAML", "invalid YAML", 1))
		}
		return nil, ie
	}
	if ie := shapeError(f, ast); ie != nil {
		return nil, ie
	}
	name := path.Base(f.Rel)
	if i := strings.Index(f.Rel, ".github/workflows/"); i >= 0 {
		name = f.Rel[i+len(".github/workflows/"):]
	}
	return &Workflow{File: f, Name: name, AST: ast, Diagnostics: errs}, nil
}

// shapeError refuses a file that is not a workflow at all: one that is
// empty, only comments, a scalar or a list, or a mapping without "on" or
// "jobs". actionlint reports those as syntax findings, which a disabled
// actionlint rule would hide, and the file would count as a workflow
// scanned; it is bad input whatever rules run. Only a file whose tree
// lacks events or jobs is parsed again to tell a missing section from an
// empty or broken one (which stays actionlint's finding).
func shapeError(f *File, ast *actionlint.Workflow) *report.InputError {
	if len(ast.On) > 0 && len(ast.Jobs) > 0 {
		return nil
	}
	var doc yaml4.Node
	if err := yaml4.Unmarshal(f.Src, &doc); err != nil {
		return nil //nolint:nilerr // actionlint has reported the syntax error as a finding
	}
	ie := &report.InputError{File: f.Path, Line: 1, Column: 1}
	var top *yaml4.Node
	if len(doc.Content) > 0 {
		top = doc.Content[0]
		ie.Line, ie.Column = max(top.Line, 1), max(top.Column, 1)
	}
	switch {
	case top == nil || top.Tag == "!!null":
		ie.Message = `workflow is empty: it needs "on" and "jobs" sections`
	case top.Kind == yaml4.SequenceNode:
		ie.Message = `workflow is a list, not a mapping with "on" and "jobs" sections`
	case top.Kind == yaml4.ScalarNode:
		ie.Message = `workflow is a scalar, not a mapping with "on" and "jobs" sections`
	case top.Kind != yaml4.MappingNode:
		ie.Message = `workflow is not a mapping with "on" and "jobs" sections`
	default:
		ie.Message = missingSections(top)
	}
	if ie.Message == "" {
		return nil
	}
	return ie
}

// missingSections names the sections a workflow mapping lacks, or "".
func missingSections(top *yaml4.Node) string {
	has := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		has[top.Content[i].Value] = true
	}
	switch {
	case !has["on"] && !has["jobs"]:
		return `workflow has no "on" and no "jobs" section`
	case !has["on"]:
		return `workflow has no "on" section: nothing says when it runs`
	case !has["jobs"]:
		return `workflow has no "jobs" section: it runs nothing`
	}
	return ""
}

// aliasBound turns a yamlguard refusal into the file's input error.
func aliasBound(f *File, err error) *report.InputError {
	if err == nil {
		return nil
	}
	ie := &report.InputError{File: f.Path, Message: err.Error()}
	var ge *yamlguard.Error
	if errors.As(err, &ge) {
		ie.Line, ie.Column = ge.Line, ge.Column
	}
	return ie
}

// maxMessage bounds an input error built from a parser's message, which
// may quote the file: at most a short excerpt of one line.
const maxMessage = 200

func clip(msg string) string {
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		msg = msg[:i]
	}
	if r := []rune(msg); len(r) > maxMessage {
		msg = string(r[:maxMessage]) + "…"
	}
	return msg
}
