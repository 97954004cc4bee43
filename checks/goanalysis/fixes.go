package goanalysis

import (
	"go/token"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/releasegate/releasegate/checks/goanalysis/jsoninterp"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// sources reads Go files once, for the character columns of fix edits
// (go/token counts bytes).
type sources map[string]*workspace.File

func (s sources) file(ws *workspace.Workspace, path string) *workspace.File {
	if f, ok := s[path]; ok {
		return f
	}
	var f *workspace.File
	if b, err := os.ReadFile(path); err == nil {
		f = &workspace.File{Path: ws.Display(path), Abs: path, Src: b}
	}
	s[path] = f
	return f
}

// fix turns a diagnostic's first suggested fix (what `go vet -fix` would
// apply) into the finding's fix.
func (s sources) fix(ws *workspace.Workspace, fset *token.FileSet, d analysis.Diagnostic) lint.Remedy {
	if len(d.SuggestedFixes) == 0 {
		return lint.Remedy{}
	}
	sf := d.SuggestedFixes[0]
	var edits []report.Edit
	for _, te := range sf.TextEdits {
		start := fset.Position(te.Pos)
		end := start
		if te.End.IsValid() {
			end = fset.Position(te.End)
		}
		f := s.file(ws, start.Filename)
		if f == nil || end.Offset < start.Offset || end.Offset > len(f.Src) {
			return lint.WithoutFix("the fix's file could not be read back")
		}
		edits = append(edits, f.Edit(start.Offset, end.Offset, string(te.NewText)))
	}
	return lint.WithFix(sf.Message, edits...)
}

// noFixNote says why a finding of a fixable Go rule has no fix.
func noFixNote(ruleID string, d analysis.Diagnostic) lint.Remedy {
	if ruleID != jsoninterp.Rule.ID || len(d.SuggestedFixes) > 0 {
		return lint.Remedy{}
	}
	return lint.WithoutFix("only fmt.Sprintf of a flat JSON object whose values are all strings (or []byte under %s), " +
		"with distinct keys, is rewritten; build this one with encoding/json by hand")
}

// dependsOn names, for analyzers that pass facts between packages, the
// directories of the scanned packages the finding's package imports,
// directly or not: a change there can make or unmake the finding.
func dependsOn(ws *workspace.Workspace, act *checker.Action) []string {
	if len(act.Analyzer.FactTypes) == 0 {
		return nil
	}
	var dirs []string
	seen := map[*packages.Package]bool{}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		if len(p.GoFiles) > 0 {
			if d := ws.Display(filepath.Dir(p.GoFiles[0])) + "/"; !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
		for _, imp := range p.Imports {
			visit(imp)
		}
	}
	visit(act.Package)
	slices.Sort(dirs)
	return dirs
}
