package fix

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"path"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/internal/yamlguard"
)

// check makes sure a fixed file still parses, and tidies what fixes of
// Go files leave behind (imports they made unused). It returns the file
// to write.
func check(name string, old, updated []byte) ([]byte, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".yml", ".yaml":
		// A file that did not parse before has nothing to compare with.
		if err := checkYAML(updated); err != nil && parses(old) {
			return nil, err
		}
		return updated, nil
	case ".go":
		return tidyGo(name, old, updated)
	}
	return updated, nil
}

func parses(src []byte) bool { return checkYAML(src) == nil }

func checkYAML(src []byte) error {
	if err := yamlguard.Check(src); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("the fixed YAML would not parse: %w", err)
		}
	}
}

// tidyGo removes the imports that the edits left unused: each fix of a
// file is made on its own, so two fixes that each remove one of the last
// two uses of fmt leave an import that no longer compiles.
func tidyGo(name string, old, updated []byte) ([]byte, error) {
	fset := token.NewFileSet()
	after, err := parser.ParseFile(fset, name, updated, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("the fixed Go file would not parse: %w", err)
	}
	before, err := parser.ParseFile(token.NewFileSet(), name, old, parser.SkipObjectResolution)
	if err != nil {
		return updated, nil //nolint:nilerr // it did not parse before either: nothing to tidy
	}
	usedBefore, usedAfter := selectorUses(before), selectorUses(after)
	var cut [][2]int // byte ranges to delete, in file order
	for _, spec := range after.Imports {
		id := importName(spec)
		if id == "" || usedAfter[id] > 0 || usedBefore[id] == 0 {
			continue
		}
		if r, ok := specLines(fset, after, spec, updated); ok {
			cut = append(cut, r)
		}
	}
	for i := len(cut) - 1; i >= 0; i-- {
		updated = append(updated[:cut[i][0]:cut[i][0]], updated[cut[i][1]:]...)
	}
	// A file that was gofmt-clean stays so (the rewritten call is laid out
	// as gofmt would); any other file keeps its own layout.
	if formatted, err := format.Source(old); err == nil && bytes.Equal(formatted, old) {
		if out, err := format.Source(updated); err == nil {
			return out, nil
		}
	}
	return updated, nil
}

// selectorUses counts X.Sel expressions by the name X.
func selectorUses(f *ast.File) map[string]int {
	n := map[string]int{}
	ast.Inspect(f, func(node ast.Node) bool {
		if s, ok := node.(*ast.SelectorExpr); ok {
			if id, ok := s.X.(*ast.Ident); ok {
				n[id.Name]++
			}
		}
		return true
	})
	return n
}

// importName is the name an import is used by, when it can be told from
// the file alone: an explicit name, or a last path element that is an
// identifier (the package name of almost every package).
func importName(spec *ast.ImportSpec) string {
	if spec.Name != nil {
		if spec.Name.Name == "_" || spec.Name.Name == "." {
			return ""
		}
		return spec.Name.Name
	}
	p, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return ""
	}
	last := path.Base(p)
	if !token.IsIdentifier(last) {
		return ""
	}
	return last
}

// specLines is the byte range of an import's whole line(s), or of the
// whole declaration when it is the only import in it; false when the
// import shares a line with other code.
func specLines(fset *token.FileSet, f *ast.File, spec *ast.ImportSpec, src []byte) ([2]int, bool) {
	var node ast.Node = spec
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && len(gd.Specs) == 1 && gd.Specs[0] == spec {
			node = gd
		}
	}
	start := fset.Position(node.Pos()).Offset
	end := fset.Position(node.End()).Offset
	if spec.Comment != nil && node == spec {
		end = fset.Position(spec.Comment.End()).Offset
	}
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	lineEnd := len(src)
	if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
		lineEnd = end + i + 1
	}
	if len(bytes.TrimSpace(src[lineStart:start])) > 0 || len(bytes.TrimSpace(src[end:lineEnd])) > 0 {
		return [2]int{}, false
	}
	return [2]int{lineStart, lineEnd}, true
}
