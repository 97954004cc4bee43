package workspace

import (
	"errors"
	"path"
	"strings"

	"github.com/rhysd/actionlint"

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
	name := path.Base(f.Rel)
	if i := strings.Index(f.Rel, ".github/workflows/"); i >= 0 {
		name = f.Rel[i+len(".github/workflows/"):]
	}
	return &Workflow{File: f, Name: name, AST: ast, Diagnostics: errs}, nil
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
