package emptyexpr

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/releasegate/releasegate/checks/internal/runscript"
	"github.com/releasegate/releasegate/internal/lazyre"
)

// A script that tests the triggering event decides by trigger itself, but
// only inside the branch it guards: in
//
//	if [[ "$GITHUB_EVENT_NAME" == "workflow_dispatch" ]]; then ... else ... fi
//
// the else branch is exactly where dispatch inputs are empty. An if whose
// condition is one comparison of the event with "workflow_dispatch"
// (== or !=, [[ ]] or [ ]) is followed branch by branch; any other read of
// the event (a case, a test of another event, a variable) still guards the
// whole script.

// dispatchIn says which branch of an if: runs on workflow_dispatch.
type dispatchIn uint8

const (
	dispatchInThen dispatchIn = iota + 1
	dispatchInElse
)

// eventBranches finds the if clauses that compare the event with
// workflow_dispatch.
func (s *script) eventBranches(sub subject) map[*syntax.IfClause]dispatchIn {
	var out map[*syntax.IfClause]dispatchIn
	syntax.Walk(s.file, func(n syntax.Node) bool {
		if x, ok := n.(*syntax.IfClause); ok && len(x.Cond) == 1 {
			if side := s.dispatchSide(x.Cond[0], sub); side != 0 {
				if out == nil {
					out = map[*syntax.IfClause]dispatchIn{}
				}
				out[x] = side
			}
		}
		return true
	})
	return out
}

// dispatchSide reads a condition `event == "workflow_dispatch"` (or !=,
// or negated with !).
func (s *script) dispatchSide(st *syntax.Stmt, sub subject) dispatchIn {
	var l, r *syntax.Word
	var eq bool
	switch c := st.Cmd.(type) {
	case *syntax.TestClause:
		b, ok := c.X.(*syntax.BinaryTest)
		if !ok {
			return 0
		}
		switch b.Op {
		case syntax.TsMatchShort, syntax.TsMatch:
			eq = true
		case syntax.TsNoMatch:
		default:
			return 0
		}
		l, _ = b.X.(*syntax.Word)
		r, _ = b.Y.(*syntax.Word)
	case *syntax.CallExpr:
		args := c.Args
		bracket := len(args) == 5 && args[0].Lit() == "[" && args[4].Lit() == "]"
		if !bracket && (len(args) != 4 || args[0].Lit() != "test") {
			return 0
		}
		op := args[2].Lit()
		if op != "=" && op != "==" && op != "!=" {
			return 0
		}
		l, r, eq = args[1], args[3], op != "!="
	default:
		return 0
	}
	if l == nil || r == nil {
		return 0
	}
	if !s.wordReadsEvent(l, sub) {
		l, r = r, l
	}
	if lit, ok := literal(r); !ok || lit != "workflow_dispatch" || !s.wordReadsEvent(l, sub) {
		return 0
	}
	if eq != st.Negated {
		return dispatchInThen
	}
	return dispatchInElse
}

// wordReadsEvent reports whether w reads the triggering event.
func (s *script) wordReadsEvent(w *syntax.Word, sub subject) bool {
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		found = found || s.isEventRead(n, sub)
		return !found
	})
	return found
}

// isEventRead reports a node that reads the triggering event:
// $GITHUB_EVENT_NAME, a variable holding github.event_name, or a
// placeholder that reads it.
func (s *script) isEventRead(n syntax.Node, sub subject) bool {
	switch x := n.(type) {
	case *syntax.ParamExp:
		return x.Param != nil && (x.Param.Value == "GITHUB_EVENT_NAME" || sub.eventVars[x.Param.Value])
	case *syntax.Lit:
		for _, i := range runscript.Placeholders(x.Value) {
			if i < len(s.exprs) && sub.eventCheck != nil && sub.eventCheck(s.exprs[i]) {
				return true
			}
		}
	}
	return false
}

// visitBranch walks the branch of a followed if clause that runs on the
// other triggers; the dispatch branch needs nothing.
func (a *analysis) visitBranch(x *syntax.IfClause, side dispatchIn) {
	for _, st := range otherBranch(x, side) {
		syntax.Walk(st, a.visit)
	}
}

// otherBranch is the body of a followed if clause that runs on the other
// triggers: its else (a plain else; an elif is left alone) or its then.
func otherBranch(x *syntax.IfClause, side dispatchIn) []*syntax.Stmt {
	switch {
	case side == dispatchInThen && x.Else != nil && len(x.Else.Cond) == 0:
		return x.Else.Then
	case side == dispatchInElse:
		return x.Then
	}
	return nil
}

// fileTargets are redirection targets that are not files a later command
// reads as a command line.
var fileTargets = lazyre.New(`GITHUB_(OUTPUT|ENV|STEP_SUMMARY|PATH)|^/dev/`)

// flagBefore matches text that ends in a command-line flag: `--name=`,
// `--name `, `-n `.
var flagBefore = lazyre.New(`(?:^|[\s"'])--?[A-Za-z][\w.-]*[= ]$`)

// writtenArg reports an echo or printf whose output goes to a file, where
// a read of the subject follows a flag: the file is a command line
// (a Procfile, a script) and the value one of its arguments.
func (a *analysis) writtenArg(st *syntax.Stmt) {
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) < 2 || (c.Args[0].Lit() != "echo" && c.Args[0].Lit() != "printf") {
		return
	}
	toFile := false
	for _, r := range st.Redirs {
		if (r.Op == syntax.RdrOut || r.Op == syntax.AppOut) && r.Word != nil && !fileTargets().MatchString(wordText(a.s, r.Word)) {
			toFile = true
		}
	}
	if !toFile {
		return
	}
	for _, w := range c.Args[1:] {
		for _, off := range a.readOffsets(w) {
			if flagBefore().MatchString(a.s.src[max(0, off-60):off]) {
				a.need(need{offset: off, what: "written as an argument into the file " + wordText(a.s, st.Redirs[0].Word)})
				return
			}
		}
	}
}

// readOffsets are the script offsets where w reads the subject plainly.
func (a *analysis) readOffsets(w *syntax.Word) []int {
	var out []int
	syntax.Walk(w, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.ParamExp:
			if x.Param != nil && a.sub.names[x.Param.Value] && !handles(x) {
				out = append(out, int(x.Pos().Offset()))
			}
			return false
		case *syntax.Lit:
			for _, i := range runscript.Placeholders(x.Value) {
				if a.sub.exprs[i] {
					out = append(out, a.s.exprs[i].Start)
				}
			}
		}
		return true
	})
	return out
}

// wordText is the source text of a word.
func wordText(s *script, w *syntax.Word) string {
	if w == nil {
		return ""
	}
	return strings.TrimSpace(s.src[w.Pos().Offset():w.End().Offset()])
}
