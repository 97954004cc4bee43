// Package vetsuppress applies releasegate's inline suppressions
// (//releasegate:ignore[RULE] reason, on the finding's line or the line
// above) inside the analyzers, for drivers that know nothing about them:
// go vet and golangci-lint. `releasegate lint` applies suppressions itself
// so that suppressed findings still show in its JSON output; there the
// analyzers report everything.
package vetsuppress

import (
	"go/ast"

	"github.com/releasegate/releasegate/internal/suppress"

	"golang.org/x/tools/go/analysis"
)

// Reporter returns a function that reports d unless it is suppressed for
// ruleID. With honor false it is pass.Report.
func Reporter(pass *analysis.Pass, ruleID string, honor bool) func(analysis.Diagnostic) {
	if !honor {
		return pass.Report
	}
	lines := suppressedLines(pass, ruleID)
	return func(d analysis.Diagnostic) {
		p := pass.Fset.Position(d.Pos)
		k := fileLine{p.Filename, p.Line}
		if lines[k] || lines[fileLine{p.Filename, p.Line - 1}] {
			return
		}
		pass.Report(d)
	}
}

type fileLine struct {
	file string
	line int
}

func suppressedLines(pass *analysis.Pass, ruleID string) map[fileLine]bool {
	out := map[fileLine]bool{}
	for _, f := range pass.Files {
		for _, g := range f.Comments {
			for _, c := range g.List {
				if applies(c, ruleID) {
					p := pass.Fset.Position(c.Slash)
					out[fileLine{p.Filename, p.Line}] = true
				}
			}
		}
	}
	return out
}

// applies reports whether c is a suppression of ruleID that gives a
// reason. Only a comment that starts with the directive counts.
func applies(c *ast.Comment, ruleID string) bool {
	d, ok := suppress.Find(c.Text)
	return ok && d.At == 0 && d.Reason != "" && d.Names(ruleID)
}
