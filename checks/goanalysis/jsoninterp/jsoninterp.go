// Package jsoninterp defines the go-json-interpolation analyzer: JSON text
// assembled with fmt.Sprintf (or Fprintf, Appendf) or with string
// concatenation, where a string value is pasted between JSON quotes.
//
// # Why
//
// A registry login body such as {"username":"%s","password":"%s"} works
// until the password contains a double quote or a backslash; then the
// request is malformed JSON, or worse, valid JSON with different fields.
// Tokens and generated passwords contain such characters. encoding/json
// escapes correctly by construction.
//
// # What is reported
//
// A constant format (or the constant parts of a + chain) that starts like
// JSON ({ or [) and has a %s or %v verb, or a non-constant operand, inside
// a JSON string, filled by a value of string, []byte or interface type.
// Constants that need no escaping are not reported.
//
// # Fix
//
// Marshal a struct or map with encoding/json. When the format is a flat
// object whose values are all "%s" strings, the diagnostic carries a
// suggested fix that does exactly that.
package jsoninterp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/format"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/releasegate/releasegate/checks/goanalysis/internal/rgconfig"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/suppress"
	"github.com/releasegate/releasegate/rule"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// Rule documents go-json-interpolation for `releasegate rules` and SARIF.
var Rule = rule.Rule{
	ID:       "go-json-interpolation",
	Half:     rule.LintGo,
	Severity: rule.Error,
	Summary:  "JSON text built by fmt.Sprintf or + with a string pasted inside JSON quotes",
	Why: "Pasting a value between JSON quotes breaks as soon as the value holds a quote or a backslash, " +
		"which tokens and generated passwords do. A registry login then fails, or sends different fields " +
		"than intended. encoding/json escapes correctly by construction.",
	Bad:  "body := fmt.Sprintf(`{\"username\":\"%s\",\"password\":\"%s\"}`, user, token)",
	Good: "body, err := json.Marshal(map[string]string{\"username\": user, \"password\": token})",
	Fix:  "Build the value as a struct or map and encode it with encoding/json (json.Marshal or json.NewEncoder).",
}

// Analyzer is the go-json-interpolation analyzer for go vet and
// golangci-lint. It reads no configuration.
var Analyzer = New(nil)

// New returns the analyzer; src only decides whether it applies inline
// suppressions itself (everywhere but `releasegate lint`).
func New(src *rgconfig.Source) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: "go_json_interpolation",
		Doc:  Rule.Summary + "\n\n" + Rule.Why,
		URL:  "https://github.com/releasegate/releasegate/blob/main/docs/go-analyzers.md#go-json-interpolation",
		Run: func(pass *analysis.Pass) (any, error) {
			return run(pass, suppress.Reporter(pass, Rule.ID, src.HonorSuppressions()))
		},
		// A package whose dependencies are missing still has its syntax and
		// the types that resolve (fmt, strings and the rest of the standard
		// library always do): JSON text is recognised from those.
		RunDespiteErrors: true,
	}
}

// formatArg is the index of the format argument of the fmt functions that
// build text.
var formatArg = map[string]int{
	"fmt.Sprintf": 0, "fmt.Fprintf": 1, "fmt.Appendf": 1, "fmt.Printf": 0,
}

func run(pass *analysis.Pass, report func(analysis.Diagnostic)) (any, error) {
	ins := inspector.New(pass.Files)
	inner := map[ast.Expr]bool{} // + expressions that are operands of a larger chain
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil), (*ast.BinaryExpr)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)}, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				checkBuilders(pass, report, n.Body)
			}
		case *ast.FuncLit:
			checkBuilders(pass, report, n.Body)
		case *ast.CallExpr:
			checkFormat(pass, report, n)
		case *ast.BinaryExpr:
			if n.Op != token.ADD || inner[n] {
				return
			}
			markInner(n, inner)
			checkConcat(pass, report, n)
		}
	})
	return nil, nil
}

func markInner(n *ast.BinaryExpr, inner map[ast.Expr]bool) {
	for _, op := range []ast.Expr{n.X, n.Y} {
		if b, ok := ast.Unparen(op).(*ast.BinaryExpr); ok && b.Op == token.ADD {
			inner[b] = true
			markInner(b, inner)
		}
	}
}

// verbRe matches one fmt directive: flags, explicit index, width,
// precision and the verb letter.
var verbRe = lazyre.New(`^%[-+# 0]*(\[\d+\])?[0-9*]*(\.[0-9*]*)?([a-zA-Z%])`)

// hole is a place where a value is pasted into JSON text.
type hole struct {
	arg   ast.Expr
	quote bool // inside a JSON string
	verb  byte
}

func checkFormat(pass *analysis.Pass, report func(analysis.Diagnostic), call *ast.CallExpr) {
	fn, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	name := fn.Pkg().Path() + "." + fn.Name()
	idx, ok := formatArg[name]
	if !ok || len(call.Args) <= idx || call.Ellipsis.IsValid() {
		return
	}
	format, ok := constString(pass, call.Args[idx])
	if !ok || !looksLikeJSON(format) {
		return
	}
	holes, ok := formatHoles(format, call.Args[idx+1:])
	if !ok {
		return
	}
	bad := unsafeHoles(pass, holes)
	if len(bad) == 0 {
		return
	}
	d := analysis.Diagnostic{
		Pos: call.Pos(), End: call.End(),
		Message: fmt.Sprintf("%s builds JSON text with %s pasted inside JSON quotes; a quote or backslash in the value breaks the document: build it with encoding/json",
			"fmt."+fn.Name(), describe(pass, bad)),
	}
	if name == "fmt.Sprintf" {
		if fix, ok := marshalFix(pass, call, format); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{fix}
		}
	}
	report(d)
}

// formatHoles pairs each directive of format with its argument. It gives
// up (false) on explicit argument indexes and * widths, which would need
// fmt's full argument numbering.
func formatHoles(format string, args []ast.Expr) ([]hole, bool) {
	var holes []hole
	inStr, next := false, 0
	for i := 0; i < len(format); i++ {
		switch c := format[i]; {
		case c == '\\' && inStr:
			i++
		case c == '"':
			inStr = !inStr
		case c == '%':
			m := verbRe().FindStringSubmatch(format[i:])
			if m == nil {
				return nil, false
			}
			if m[3] == "%" {
				i += len(m[0]) - 1
				continue
			}
			if m[1] != "" || strings.Contains(m[0], "*") || next >= len(args) {
				return nil, false
			}
			holes = append(holes, hole{arg: args[next], quote: inStr, verb: m[3][0]})
			next++
			i += len(m[0]) - 1
		}
	}
	return holes, true
}

// unsafeHoles keeps the holes inside quotes filled by text-like values
// that are not harmless constants.
func unsafeHoles(pass *analysis.Pass, holes []hole) []ast.Expr {
	var bad []ast.Expr
	for _, h := range holes {
		if !h.quote || (h.verb != 's' && h.verb != 'v') {
			continue
		}
		if textLike(pass, h.arg) || (h.verb == 's' && untyped(pass, h.arg)) {
			// %s of a value whose type is unknown (its package did not
			// load) formats it as text.
			bad = append(bad, h.arg)
		}
	}
	return bad
}

// textLike reports whether e may carry arbitrary text: a non-constant
// string, byte slice or interface value, or a constant that needs JSON
// escaping.
func textLike(pass *analysis.Pass, e ast.Expr) bool {
	tv, ok := pass.TypesInfo.Types[e]
	if !ok || tv.Type == nil {
		return false
	}
	if tv.Value != nil {
		return tv.Value.Kind() == constant.String && needsEscape(constant.StringVal(tv.Value))
	}
	switch u := tv.Type.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice:
		b, ok := u.Elem().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Byte
	case *types.Interface:
		return true
	}
	return false
}

// untyped reports an expression whose type could not be established.
func untyped(pass *analysis.Pass, e ast.Expr) bool {
	tv, ok := pass.TypesInfo.Types[e]
	if !ok || tv.Type == nil {
		return true
	}
	b, isBasic := tv.Type.(*types.Basic)
	return isBasic && b.Kind() == types.Invalid
}

func needsEscape(s string) bool {
	return strings.ContainsAny(s, "\"\\") || strings.IndexFunc(s, func(r rune) bool { return r < 0x20 }) >= 0
}

func looksLikeJSON(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")
}

func constString(pass *analysis.Pass, e ast.Expr) (string, bool) {
	tv, ok := pass.TypesInfo.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

func describe(pass *analysis.Pass, exprs []ast.Expr) string {
	names := make([]string, len(exprs))
	for i, e := range exprs {
		var b bytes.Buffer
		_ = format.Node(&b, pass.Fset, e)
		names[i] = b.String()
	}
	return strings.Join(names, ", ")
}

// checkConcat looks at a maximal chain of + and follows the JSON quoting
// state across its constant parts.
func checkConcat(pass *analysis.Pass, report func(analysis.Diagnostic), n *ast.BinaryExpr) {
	// With partial types the chain itself may be of unknown type; a chain
	// that starts with a string constant is string concatenation anyway.
	if tv, ok := pass.TypesInfo.Types[n]; ok && (tv.Value != nil || !isString(tv.Type) && !untyped(pass, n)) {
		return
	}
	parts := flatten(n, nil)
	first, ok := constString(pass, parts[0])
	if !ok || !looksLikeJSON(first) {
		return
	}
	var bad []ast.Expr
	inStr := false
	for _, p := range parts {
		if s, ok := constString(pass, p); ok {
			inStr = scanQuotes(s, inStr)
			continue
		}
		if inStr && (textLike(pass, p) || untyped(pass, p)) {
			bad = append(bad, p)
		}
	}
	if len(bad) > 0 {
		report(analysis.Diagnostic{Pos: n.Pos(), End: n.End(), Message: fmt.Sprintf("string concatenation builds JSON text with %s pasted inside JSON quotes; a quote or backslash in the value breaks the document: build it with encoding/json", describe(pass, bad))})
	}
}

func isString(t types.Type) bool {
	if t == nil {
		return false // unknown: the package did not fully type-check
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func flatten(e ast.Expr, out []ast.Expr) []ast.Expr {
	if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == token.ADD {
		return flatten(b.Y, flatten(b.X, out))
	}
	return append(out, e)
}

// scanQuotes returns whether text that starts inside a JSON string
// (inStr) ends inside one.
func scanQuotes(s string, inStr bool) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inStr {
				i++
			}
		case '"':
			inStr = !inStr
		}
	}
	return inStr
}

// flatObject matches {"key":"%s", ...} with plain keys and only %s or %v
// string values: the shape a map[string]string marshals to.
var (
	flatObject = lazyre.New(`^\s*\{\s*(?:"[A-Za-z0-9_.\-]+"\s*:\s*"%[sv]"\s*(?:,\s*|\}\s*$))+$`)
	flatKey    = lazyre.New(`"([A-Za-z0-9_.\-]+)"\s*:`)
)

// marshalFix rewrites fmt.Sprintf of a flat object into json.Marshal of a
// map[string]string. Marshalling such a map cannot fail, so dropping the
// error is exact; keys come out sorted, which JSON readers ignore.
func marshalFix(pass *analysis.Pass, call *ast.CallExpr, layout string) (analysis.SuggestedFix, bool) {
	if !flatObject().MatchString(layout) {
		return analysis.SuggestedFix{}, false
	}
	keys := flatKey().FindAllStringSubmatch(layout, -1)
	args := call.Args[1:]
	if len(keys) != len(args) {
		return analysis.SuggestedFix{}, false
	}
	file := fileOf(pass, call.Pos())
	jsonName, importEdit, ok := jsonImport(pass, file, call.Pos())
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "func() string { b, _ := %s.Marshal(map[string]string{", jsonName)
	for i, k := range keys {
		if !isString(pass.TypesInfo.TypeOf(args[i])) {
			return analysis.SuggestedFix{}, false
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(k[1]) + ": ")
		if err := format.Node(&b, pass.Fset, args[i]); err != nil {
			return analysis.SuggestedFix{}, false
		}
	}
	b.WriteString("}); return string(b) }()")
	edits := []analysis.TextEdit{{Pos: call.Pos(), End: call.End(), NewText: []byte(b.String())}}
	if importEdit != nil {
		edits = append(edits, *importEdit)
	}
	return analysis.SuggestedFix{Message: "Encode with encoding/json (json.Marshal of a map[string]string)", TextEdits: edits}, true
}

func fileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// jsonImport finds the name encoding/json is imported under in file, or
// an edit adding the import. It fails when "json" would not refer to the
// package at pos (a local variable of that name).
func jsonImport(pass *analysis.Pass, file *ast.File, pos token.Pos) (string, *analysis.TextEdit, bool) {
	if file == nil {
		return "", nil, false
	}
	for _, imp := range file.Imports {
		if imp.Path.Value != `"encoding/json"` {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name, nil, imp.Name.Name != "_" && imp.Name.Name != "."
		}
		return "json", nil, true
	}
	if scope := pass.TypesInfo.Scopes[file]; scope != nil {
		if inner := scope.Innermost(pos); inner != nil {
			if _, obj := inner.LookupParent("json", pos); obj != nil {
				return "", nil, false
			}
		}
	}
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() {
			return "json", &analysis.TextEdit{Pos: gd.Lparen + 1, End: gd.Lparen + 1, NewText: []byte("\n\t\"encoding/json\"")}, true
		}
		return "json", &analysis.TextEdit{Pos: gd.Pos(), End: gd.Pos(), NewText: []byte("import \"encoding/json\"\n")}, true
	}
	return "", nil, false
}
