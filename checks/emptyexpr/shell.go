package emptyexpr

import (
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/runscript"
)

// A value that can be '' is a bug only where something needs it. In a
// shell script that is a read passed to a command (an argument, a URL, a
// path, a tag) or a comparison whose answer '' flips. A read with a
// fallback (${X:-v}, ${X:?}), a script that tests the value for
// emptiness, branches on the triggering event or a `case` on the value,
// and reads that only pass it on (echo, export, assignment to a variable
// that is itself never needed) handle the empty case.

// script is a parsed `run:` script.
type script struct {
	file  *syntax.File
	src   string      // the masked text
	exprs []expr.Expr // ${{ }} placeholders, by index
}

var parsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// parseScript parses a shell script, masking its ${{ }}; nil when it is
// not shell.
func parseScript(src string) *script {
	masked, exprs := runscript.Mask(src)
	p := parsers.Get().(*syntax.Parser)
	defer parsers.Put(p)
	f, err := p.Parse(strings.NewReader(masked), "")
	if err != nil {
		return nil
	}
	return &script{file: f, src: masked, exprs: exprs}
}

// subject is what a script analysis follows: an environment variable, and
// the placeholders that stand for the same value.
type subject struct {
	names map[string]bool // shell variables holding the value
	exprs map[int]bool    // placeholders that are the value
	// def is the value in the run the author had in mind (the default),
	// when known: a comparison flips when '' and def answer differently.
	def      string
	defKnown bool
	// eventCheck reports whether a placeholder's expression reads the
	// triggering event (github.event_name).
	eventCheck func(expr.Expr) bool
	eventVars  map[string]bool // variables holding github.event_name
}

// need is a read that requires a value.
type need struct {
	offset int    // in the script
	what   string // "passed to ./deploy.sh", "compared with 'true'"
}

// needs returns the first read of the subject that needs a value, or
// false when every read handles the empty string.
func (s *script) needs(sub subject) (need, bool) {
	branches := s.eventBranches(sub)
	if s.readsEvent(sub, branches) {
		return need{}, false // the script decides by trigger itself
	}
	s.aliases(&sub, branches)
	a := &analysis{s: s, sub: sub, branches: branches}
	syntax.Walk(s.file, a.visit)
	if a.guarded || !a.found {
		return need{}, false
	}
	return a.first, true
}

// readsEvent reports whether the script reads the triggering event other
// than in the conditions of the followed if clauses (branches).
func (s *script) readsEvent(sub subject, branches map[*syntax.IfClause]dispatchIn) bool {
	event := false
	var visit func(n syntax.Node) bool
	visit = func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.IfClause:
			if _, ok := branches[x]; ok {
				for _, st := range x.Then {
					syntax.Walk(st, visit)
				}
				if x.Else != nil {
					syntax.Walk(x.Else, visit)
				}
				return false
			}
		default:
			event = event || s.isEventRead(n, sub)
		}
		return !event
	}
	syntax.Walk(s.file, visit)
	return event
}

// aliases adds the variables assigned from the subject (MODE=$INPUT_MODE,
// v="${{ inputs.version }}") to its names, except in the dispatch branch
// of a followed if clause.
func (s *script) aliases(sub *subject, branches map[*syntax.IfClause]dispatchIn) {
	if sub.names == nil {
		sub.names = map[string]bool{}
	}
	var visit func(n syntax.Node) bool
	visit = func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.IfClause:
			if side, ok := branches[x]; ok {
				for _, st := range otherBranch(x, side) {
					syntax.Walk(st, visit)
				}
				return false
			}
		case *syntax.Assign:
			if x.Name != nil && x.Value != nil && !sub.names[x.Name.Value] {
				if r := reads(x.Value, *sub, s); r.plain {
					sub.names[x.Name.Value] = true
				}
			}
		}
		return true
	}
	for range 2 { // a chain of two assignments is plenty
		syntax.Walk(s.file, visit)
	}
}

// analysis walks a script once, recording guards and needs.
type analysis struct {
	s        *script
	sub      subject
	guarded  bool // an emptiness test or case: the script handles ''
	found    bool
	first    need
	branches map[*syntax.IfClause]dispatchIn
}

func (a *analysis) need(n need) {
	if !a.found || n.offset < a.first.offset {
		a.first, a.found = n, true
	}
}

func (a *analysis) visit(n syntax.Node) bool {
	if a.guarded {
		return false
	}
	switch x := n.(type) {
	case *syntax.IfClause:
		if side, ok := a.branches[x]; ok {
			a.visitBranch(x, side)
			return false
		}
	case *syntax.Stmt:
		a.writtenArg(x)
	case *syntax.TestClause:
		a.test(x.X)
		return false
	case *syntax.CaseClause:
		if reads(x.Word, a.sub, a.s).any {
			a.guarded = true
		}
	case *syntax.CallExpr:
		a.call(x)
	case *syntax.Redirect:
		if x.Word != nil && reads(x.Word, a.sub, a.s).plain {
			a.need(need{offset: int(x.Word.Pos().Offset()), what: "used as a redirection target"})
		}
	case *syntax.ArithmExp:
		return false
	}
	return true
}

// nonConsumers only show or pass on a value.
var nonConsumers = map[string]bool{
	"echo": true, "printf": true, "export": true, "local": true, "declare": true, "readonly": true,
	"typeset": true, ":": true, "true": true, "false": true, "set": true, "unset": true,
}

func (a *analysis) call(x *syntax.CallExpr) {
	if len(x.Args) == 0 {
		return // assignments only
	}
	cmd := x.Args[0].Lit()
	switch {
	case cmd == "[" || cmd == "test":
		a.bracket(x.Args[1:])
		return
	case nonConsumers[cmd]:
		return
	}
	for _, w := range x.Args {
		if reads(w, a.sub, a.s).plain {
			a.need(need{offset: int(w.Pos().Offset()), what: "passed to " + commandName(x)})
			return
		}
	}
}

func commandName(x *syntax.CallExpr) string {
	if l := x.Args[0].Lit(); l != "" {
		return l
	}
	return "a command"
}

// bracket reads the operands of `[ ... ]` / test.
func (a *analysis) bracket(args []*syntax.Word) {
	if len(args) > 0 && args[len(args)-1].Lit() == "]" {
		args = args[:len(args)-1]
	}
	for i, w := range args {
		switch w.Lit() {
		case "-z", "-n":
			if i+1 < len(args) && reads(args[i+1], a.sub, a.s).any {
				a.guarded = true
			}
		case "=", "==", "!=":
			if i > 0 && i+1 < len(args) {
				a.compare(args[i-1], args[i+1])
			}
		}
	}
	if len(args) == 1 && reads(args[0], a.sub, a.s).any {
		a.guarded = true // [ "$X" ]: a non-empty test
	}
}

// test reads a [[ ]] expression.
func (a *analysis) test(t syntax.TestExpr) {
	switch x := t.(type) {
	case *syntax.Word:
		if reads(x, a.sub, a.s).any {
			a.guarded = true
		}
	case *syntax.UnaryTest:
		if w, ok := x.X.(*syntax.Word); ok && (x.Op == syntax.TsEmpStr || x.Op == syntax.TsNempStr) && reads(w, a.sub, a.s).any {
			a.guarded = true
		}
	case *syntax.BinaryTest:
		switch x.Op {
		case syntax.TsMatchShort, syntax.TsMatch, syntax.TsNoMatch:
			l, lok := x.X.(*syntax.Word)
			r, rok := x.Y.(*syntax.Word)
			if lok && rok {
				a.compare(l, r)
				return
			}
		}
		a.test(x.X)
		a.test(x.Y)
	case *syntax.ParenTest:
		a.test(x.X)
	}
}

// compare judges `l = r` where one side reads the subject and the other
// is a literal: comparing with the empty string is a guard; otherwise the comparison
// needs a value when the empty string answers differently from the default.
func (a *analysis) compare(l, r *syntax.Word) {
	if !reads(l, a.sub, a.s).any {
		l, r = r, l
	}
	if !reads(l, a.sub, a.s).any {
		return
	}
	lit, ok := literal(r)
	switch {
	case !ok:
		return
	case lit == "":
		a.guarded = true
	case a.sub.defKnown && (lit == "") != (a.sub.def == lit):
		a.need(need{offset: int(l.Pos().Offset()), what: "compared with \"" + lit + "\", which '' answers differently from the default"})
	}
}

// literal is the text of a word without expansions.
func literal(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch x := p.(type) {
		case *syntax.Lit:
			if runscript.Placeholders(x.Value) != nil {
				return "", false
			}
			b.WriteString(x.Value)
		case *syntax.SglQuoted:
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok || runscript.Placeholders(l.Value) != nil {
					return "", false
				}
				b.WriteString(l.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// readKind says how a word reads the subject: any read at all, and a
// plain read without a fallback.
type readKind struct{ any, plain bool }

// reads reports how w reads the subject.
func reads(w *syntax.Word, sub subject, s *script) readKind {
	var k readKind
	syntax.Walk(w, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.ParamExp:
			if x.Param == nil || !sub.names[x.Param.Value] {
				return true
			}
			k.any = true
			if !handles(x) {
				k.plain = true
			}
			return false
		case *syntax.Lit:
			for _, i := range runscript.Placeholders(x.Value) {
				if sub.exprs[i] {
					k.any, k.plain = true, true
				}
			}
		case *syntax.SglQuoted:
			for _, i := range runscript.Placeholders(x.Value) {
				if sub.exprs[i] {
					k.any, k.plain = true, true
				}
			}
		case *syntax.CmdSubst:
			return false // its own commands are visited on their own
		}
		return true
	})
	return k
}

// handles reports a parameter expansion that deals with an empty value:
// ${X:-v}, ${X:=v}, ${X:?msg}, ${X:+v}, and ${#X}.
func handles(x *syntax.ParamExp) bool {
	if x.Length {
		return true
	}
	if x.Exp == nil {
		return false
	}
	switch x.Exp.Op {
	case syntax.DefaultUnsetOrNull, syntax.AssignUnsetOrNull, syntax.ErrorUnsetOrNull, syntax.AlternateUnsetOrNull:
		return true
	}
	return false
}
