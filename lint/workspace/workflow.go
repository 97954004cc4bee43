package workspace

import (
	"path"
	"strings"

	"github.com/rhysd/actionlint"

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
	ast, errs := actionlint.Parse(f.Src)
	if ast == nil {
		// The YAML itself is unreadable: that is bad input, not a finding.
		ie := &report.InputError{File: f.Path, Message: "could not parse workflow"}
		if len(errs) > 0 {
			ie.Line, ie.Column = errs[0].Line, errs[0].Column
			ie.Message = strings.Replace(errs[0].Message, "could not parse as YAML", "invalid YAML", 1)
		}
		return nil, ie
	}
	name := path.Base(f.Rel)
	if i := strings.Index(f.Rel, ".github/workflows/"); i >= 0 {
		name = f.Rel[i+len(".github/workflows/"):]
	}
	return &Workflow{File: f, Name: name, AST: ast, Diagnostics: errs}, nil
}
