// Package jsoninterp defines the go-json-interpolation analyzer: JSON text
// assembled by hand — with fmt.Sprintf (or Fprintf, Appendf), with string
// concatenation or with writes into a strings.Builder or bytes.Buffer —
// where a string value is pasted between JSON quotes.
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
//   - A constant format (or the constant parts of a + chain, or the
//     constant writes into a builder) that starts like JSON — { then a
//     quoted name, a verb or }; [ then a value, a verb or the ] that ends
//     the text; so not Go source like []any{…} or debug text like
//     {Name:"%s"} — and
//     has a %s or %v verb, or a non-constant operand, inside a JSON
//     string, filled by a value of string, []byte, interface or unknown
//     type. Constants that need no escaping are not reported.
//   - A + chain that starts with an object member's key and colon
//     ("\"serviceId\": \"" + id + "\", "): JSON built one member at a
//     time. The chain's literals are read from the syntax, so packages
//     that do not type-check are covered.
//   - A quoting helper: a function whose every return is "\"" + p + "\""
//     or fmt.Sprintf(`"%s"`, p) of a string parameter p gets a QuoterFact
//     (exported to importing packages). A call of it whose result is
//     pasted outside quotes into JSON text ({"name":%s}, or between a
//     builder's `{"name":` and `}`) is reported once per helper: at the
//     helper when it is declared in the package, else at the first such
//     call.
//
// Test files (_test.go) are not read: a test that pastes its own
// table's values into a request body breaks no release.
//
// A value that cannot hold a quote, a backslash or a control character
// is not reported: what encoding/hex, base64 or base32 EncodeToString
// or strconv's number formats made, followed through local variables
// every assignment of which is such a value, and through function
// literals and this package's functions every return of which is (a
// hex digest in an in-toto subject, a certificate's base64).
//
// A package whose imports do not resolve is analysed with the types
// that do: fmt, strings and the rest of the standard library.
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
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/releasegate/releasegate/checks/goanalysis/internal/rgconfig"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/vetsuppress"
	"github.com/releasegate/releasegate/rule"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// Rule documents go-json-interpolation for `releasegate rules` and SARIF.
var Rule = rule.Rule{
	ID:       "go-json-interpolation",
	Half:     rule.LintGo,
	Severity: rule.Error,
	Summary:  "JSON text built by fmt.Sprintf, + or builder writes with a string pasted inside JSON quotes, or quoted by a helper that does not escape",
	Why: "Pasting a value between JSON quotes breaks as soon as the value holds a quote or a backslash, " +
		"which tokens and generated passwords do. A registry login then fails, or sends different fields " +
		"than intended. A helper that wraps a value in double quotes without escaping it has the same defect " +
		"one call away; it is reported once, at the helper. encoding/json escapes correctly by construction.",
	Bad:  "body := fmt.Sprintf(`{\"username\":\"%s\",\"password\":\"%s\"}`, user, token)",
	Good: "body, err := json.Marshal(map[string]string{\"username\": user, \"password\": token})",
	Fix:  "Build the value as a struct or map and encode it with encoding/json (json.Marshal or json.NewEncoder).",
	AutoFix: "rewrites fmt.Sprintf of a flat object whose values are all strings (%s or %v; a []byte under %s and named " +
		"string types without a String method are converted) into json.Marshal of a map[string]string, importing " +
		"encoding/json and dropping fmt when that was its last use. The same fix is a go/analysis SuggestedFix, so " +
		"`go vet -vettool=$(which releasegate-vet) -fix` and gopls apply it too.",
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
			return run(pass, vetsuppress.Reporter(pass, Rule.ID, src.HonorSuppressions()))
		},
		// A package whose dependencies are missing still has its syntax and
		// the types that resolve (fmt, strings and the rest of the standard
		// library always do): JSON text is recognised from those.
		RunDespiteErrors: true,
		FactTypes:        []analysis.Fact{new(QuoterFact)},
	}
}

// formatArg is the index of the format argument of the fmt functions that
// build text.
var formatArg = map[string]int{
	"fmt.Sprintf": 0, "fmt.Fprintf": 1, "fmt.Appendf": 1, "fmt.Printf": 0,
}

func run(pass *analysis.Pass, report func(analysis.Diagnostic)) (any, error) {
	quoters(pass)
	helpers := &helperReports{pass: pass, report: report, done: map[*types.Func]bool{}, values: newValues(pass)}
	ins := inspector.New(shipped(pass))
	inner := map[ast.Expr]bool{} // + expressions that are operands of a larger chain
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil), (*ast.BinaryExpr)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)}, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				checkBuilders(pass, report, helpers, n.Body)
			}
		case *ast.FuncLit:
			checkBuilders(pass, report, helpers, n.Body)
		case *ast.CallExpr:
			checkFormat(pass, report, helpers, n)
		case *ast.BinaryExpr:
			if n.Op != token.ADD || inner[n] {
				return
			}
			markInner(n, inner)
			checkConcat(pass, report, helpers, n)
		}
	})
	return nil, nil
}

// shipped is the package's files but its _test.go files. A test that
// pastes its own table's values into the JSON it feeds a handler breaks
// no release, and such tests are everywhere: reporting them buried the
// findings that matter (a login body, a generated document).
func shipped(pass *analysis.Pass) []*ast.File {
	files := make([]*ast.File, 0, len(pass.Files))
	for _, f := range pass.Files {
		if !strings.HasSuffix(pass.Fset.File(f.Pos()).Name(), "_test.go") {
			files = append(files, f)
		}
	}
	return files
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

func checkFormat(pass *analysis.Pass, report func(analysis.Diagnostic), helpers *helperReports, call *ast.CallExpr) {
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
	for _, h := range holes {
		if u, ok := quoterCall(helpers.values, h.arg); ok && !h.quote && (h.verb == 's' || h.verb == 'v') {
			helpers.use(u, "fmt."+fn.Name())
		}
	}
	bad := unsafeHoles(helpers.values, holes)
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
func unsafeHoles(v *values, holes []hole) []ast.Expr {
	var bad []ast.Expr
	for _, h := range holes {
		if !h.quote || (h.verb != 's' && h.verb != 'v') {
			continue
		}
		if v.textLike(h.arg) || (h.verb == 's' && untyped(v.pass, h.arg)) {
			// %s of a value whose type is unknown (its package did not
			// load) formats it as text.
			bad = append(bad, h.arg)
		}
	}
	return bad
}

// textLike reports whether e may carry arbitrary text: a non-constant
// string (unless it is plain: an encoder's output, see plain), byte
// slice or interface value, or a constant that needs JSON escaping.
func (v *values) textLike(e ast.Expr) bool {
	tv, ok := v.pass.TypesInfo.Types[e]
	if !ok || tv.Type == nil {
		return false
	}
	if tv.Value != nil {
		return tv.Value.Kind() == constant.String && needsEscape(constant.StringVal(tv.Value))
	}
	switch u := tv.Type.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0 && !v.plain(e)
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
	switch {
	case strings.HasPrefix(t, "["):
		return arrayStart(t[1:])
	case strings.HasPrefix(t, "{"):
		return objectStart(t[1:])
	}
	return false
}

// objectStart reports whether rest, what follows a leading {, can go on
// a JSON object: a quoted member name (or a verb that fills one), or the
// } that closes it. Go's %+v-like debug text ({Group:"x" …}) and
// templates ({{ .x }}) do not.
func objectStart(rest string) bool {
	rest = strings.TrimLeft(rest, " \t\r\n")
	return rest == "" || strings.ContainsRune(`"}%`, rune(rest[0]))
}

// arrayStart reports whether rest, what follows a leading [, can go on
// a JSON array: a value (or a verb that fills one), or the ] of an empty
// array that ends the text. Go source that a generator writes ([]any{…},
// []byte(…)) and INI or Markdown ([Unit], [x]) do not.
func arrayStart(rest string) bool {
	rest = strings.TrimLeft(rest, " \t\r\n")
	switch {
	case rest == "":
		return true
	case rest[0] == ']':
		return strings.TrimSpace(rest[1:]) == ""
	case strings.ContainsRune(`"{[-%`, rune(rest[0])), rest[0] >= '0' && rest[0] <= '9':
		return true
	}
	return strings.HasPrefix(rest, "true") || strings.HasPrefix(rest, "false") || strings.HasPrefix(rest, "null")
}

// jsonMember matches text that starts with an object member's quoted key
// and colon, maybe after the comma before it: `"serviceId": "`.
var jsonMember = lazyre.New(`^\s*,?\s*"(?:[^"\\\n]|\\.)*"\s*:`)

// looksLikeJSONPiece is looksLikeJSON, or the start of an object member:
// a + chain often builds one member at a time.
func looksLikeJSONPiece(s string) bool {
	return looksLikeJSON(s) || jsonMember().MatchString(s)
}

// constString is the value of a string constant: from the types when
// they are known, else from a literal's syntax (a package that does not
// type-check still has its literals).
func constString(pass *analysis.Pass, e ast.Expr) (string, bool) {
	if tv, ok := pass.TypesInfo.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() != constant.String {
			return "", false
		}
		return constant.StringVal(tv.Value), true
	}
	if lit, ok := ast.Unparen(e).(*ast.BasicLit); ok && lit.Kind == token.STRING {
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil
	}
	return "", false
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
func checkConcat(pass *analysis.Pass, report func(analysis.Diagnostic), helpers *helperReports, n *ast.BinaryExpr) {
	// With partial types the chain itself may be of unknown type; a chain
	// that starts with a string constant is string concatenation anyway.
	if tv, ok := pass.TypesInfo.Types[n]; ok && (tv.Value != nil || !isString(tv.Type) && !untyped(pass, n)) {
		return
	}
	parts := flatten(n, nil)
	first, ok := constString(pass, parts[0])
	if !ok || !looksLikeJSONPiece(first) {
		return
	}
	var bad []ast.Expr
	inStr := false
	for _, p := range parts {
		if s, ok := constString(pass, p); ok {
			inStr = scanQuotes(s, inStr)
			continue
		}
		if inStr && (helpers.values.textLike(p) || untyped(pass, p)) {
			bad = append(bad, p)
		} else if u, ok := quoterCall(helpers.values, p); ok && !inStr {
			helpers.use(u, "string concatenation")
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
// error is exact; keys come out sorted, which JSON readers ignore. Each
// value must print as its own text under %s or %v: a string, a named
// string type without a String or Error method (converted), or a []byte
// under %s (converted). The fix adds the encoding/json import and, when
// this call was the file's last use of fmt, removes that import.
func marshalFix(pass *analysis.Pass, call *ast.CallExpr, layout string) (analysis.SuggestedFix, bool) {
	if !flatObject().MatchString(layout) {
		return analysis.SuggestedFix{}, false
	}
	keys := flatKey().FindAllStringSubmatch(layout, -1)
	args := call.Args[1:]
	holes, ok := formatHoles(layout, args)
	if !ok || len(keys) != len(args) || len(holes) != len(args) {
		return analysis.SuggestedFix{}, false
	}
	file := fileOf(pass, call.Pos())
	jsonName, importEdits, ok := jsonImport(pass, file, call)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "func() string { b, _ := %s.Marshal(map[string]string{", jsonName)
	seen := map[string]bool{}
	for i, k := range keys {
		if seen[k[1]] {
			return analysis.SuggestedFix{}, false // duplicate keys: a map literal cannot hold them
		}
		seen[k[1]] = true
		conv, ok := asText(pass, args[i], holes[i].verb)
		if !ok {
			return analysis.SuggestedFix{}, false
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(k[1]) + ": ")
		if conv {
			b.WriteString("string(")
		}
		if err := format.Node(&b, pass.Fset, args[i]); err != nil {
			return analysis.SuggestedFix{}, false
		}
		if conv {
			b.WriteString(")")
		}
	}
	b.WriteString("}); return string(b) }()")
	edits := append([]analysis.TextEdit{{Pos: call.Pos(), End: call.End(), NewText: []byte(b.String())}}, importEdits...)
	return analysis.SuggestedFix{Message: "Encode with encoding/json (json.Marshal of a map[string]string)", TextEdits: edits}, true
}

// asText reports whether a value formats under verb as its own text, and
// whether it needs a string() conversion to be a map[string]string value.
func asText(pass *analysis.Pass, e ast.Expr, verb byte) (conv, ok bool) {
	t := pass.TypesInfo.TypeOf(e)
	if t == nil {
		return false, false
	}
	if b, isBasic := t.(*types.Basic); isBasic && b.Info()&types.IsString != 0 {
		return false, true // string or an untyped string constant
	}
	ms := types.NewMethodSet(t)
	if ms.Lookup(nil, "String") != nil || ms.Lookup(nil, "Error") != nil {
		return false, false // fmt would print what the method returns
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return true, u.Info()&types.IsString != 0
	case *types.Slice:
		b, isBasic := u.Elem().Underlying().(*types.Basic)
		return true, verb == 's' && isBasic && b.Kind() == types.Byte // %v prints a []byte as numbers
	}
	return false, false
}

func fileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// jsonImport finds the name encoding/json is imported under in file, and
// the edits that import it when it is not and remove the import of fmt
// when call is the file's last use of it. It fails when "json" would not
// refer to the package at the call (a local variable of that name).
func jsonImport(pass *analysis.Pass, file *ast.File, call *ast.CallExpr) (string, []analysis.TextEdit, bool) {
	if file == nil {
		return "", nil, false
	}
	for _, imp := range file.Imports {
		if imp.Path.Value != `"encoding/json"` {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name, dropFmt(pass, file, call), imp.Name.Name != "_" && imp.Name.Name != "."
		}
		return "json", dropFmt(pass, file, call), true
	}
	if scope := pass.TypesInfo.Scopes[file]; scope != nil {
		if inner := scope.Innermost(call.Pos()); inner != nil {
			if _, obj := inner.LookupParent("json", call.Pos()); obj != nil {
				return "", nil, false
			}
		}
	}
	drop := dropFmt(pass, file, call)
	if spec, _ := fmtSpec(pass, file, call); len(drop) == 1 && alone(file, spec) {
		// fmt alone in its declaration: put json in its place.
		return "json", []analysis.TextEdit{{Pos: spec.Pos(), End: spec.End(), NewText: []byte(`"encoding/json"`)}}, true
	}
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() {
			return "json", append([]analysis.TextEdit{{Pos: gd.Lparen + 1, End: gd.Lparen + 1, NewText: []byte("\n\t\"encoding/json\"")}}, drop...), true
		}
		return "json", append([]analysis.TextEdit{{Pos: gd.Pos(), End: gd.Pos(), NewText: []byte("import \"encoding/json\"\n")}}, drop...), true
	}
	// No imports at all (fmt itself is dot-imported or used by another
	// name): add a declaration after the package clause.
	return "json", append([]analysis.TextEdit{{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport \"encoding/json\"")}}, drop...), true
}

// fmtSpec is the import of fmt that call's function is reached through.
func fmtSpec(pass *analysis.Pass, file *ast.File, call *ast.CallExpr) (*ast.ImportSpec, *types.PkgName) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, nil
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil, nil
	}
	pn, ok := pass.TypesInfo.Uses[id].(*types.PkgName)
	if !ok {
		return nil, nil
	}
	for _, imp := range file.Imports {
		if pass.TypesInfo.Implicits[imp] == pn || pass.TypesInfo.Defs[imp.Name] == pn {
			return imp, pn
		}
	}
	return nil, nil
}

// dropFmt removes the import of fmt when call's function is its only use
// in the file: the spec's whole line, which gofmt gives it alone.
func dropFmt(pass *analysis.Pass, file *ast.File, call *ast.CallExpr) []analysis.TextEdit {
	spec, pn := fmtSpec(pass, file, call)
	if spec == nil {
		return nil
	}
	uses := 0
	ast.Inspect(file, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && pass.TypesInfo.Uses[id] == pn {
			uses++
		}
		return true
	})
	if uses != 1 {
		return nil
	}
	var node ast.Node = spec
	if gd := declOf(file, spec); gd != nil && len(gd.Specs) == 1 {
		node = gd // the declaration would be left empty
	} else if sharesLine(pass.Fset, file, spec) {
		return []analysis.TextEdit{{Pos: spec.Pos(), End: spec.End()}}
	}
	return []analysis.TextEdit{wholeLines(pass.Fset.File(spec.Pos()), node)}
}

// wholeLines is the edit deleting the lines node spans.
func wholeLines(tf *token.File, node ast.Node) analysis.TextEdit {
	first, last := tf.Line(node.Pos()), tf.Line(node.End())
	end := node.End()
	if last < tf.LineCount() {
		end = tf.LineStart(last + 1)
	}
	return analysis.TextEdit{Pos: tf.LineStart(first), End: end}
}

func declOf(file *ast.File, spec *ast.ImportSpec) *ast.GenDecl {
	for _, d := range file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && slices.Contains(gd.Specs, ast.Spec(spec)) {
			return gd
		}
	}
	return nil
}

// alone reports whether spec is the only import of its declaration.
func alone(file *ast.File, spec *ast.ImportSpec) bool {
	gd := declOf(file, spec)
	return gd != nil && len(gd.Specs) == 1
}

// sharesLine reports whether another import, or the import keyword or
// its parentheses, is on spec's line.
func sharesLine(fset *token.FileSet, file *ast.File, spec *ast.ImportSpec) bool {
	line := fset.Position(spec.Pos()).Line
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, p := range []token.Pos{gd.TokPos, gd.Lparen, gd.Rparen} {
			if p.IsValid() && fset.Position(p).Line == line {
				return true
			}
		}
		for _, o := range gd.Specs {
			if o != spec && (fset.Position(o.Pos()).Line == line || fset.Position(o.End()).Line == line) {
				return true
			}
		}
	}
	return false
}
