package failurestep

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/emptiness"
	"github.com/releasegate/releasegate/checks/internal/expr"
)

// kind is what a failure test is waiting for.
type kind int

const (
	failed     kind = iota // a step or needed job failed or was cancelled
	skipped                // a needed job was skipped
	notSuccess             // a step or needed job did anything but succeed
)

// test is one failure test found in a condition.
type test struct {
	text  string // as written
	start int    // offset of text in the condition's source
	id    string // the step or job it names; "" for job.status, "*" for needs.*
	kind  kind
	// only: the test waits for 'failure' and nothing else (not for
	// 'cancelled', which continue-on-error does not change).
	only bool
	// conclusion: it reads steps.ID.conclusion, which is 'success' after
	// a failure the step continued on.
	conclusion bool
}

func (t test) consequence(at level, g string) string {
	write := "; write `" + g + " && ...`"
	switch {
	case at == stepLevel && t.kind == notSuccess:
		return "can only hold after a failure, but without a status function the implicit success() skips this step " +
			"exactly then" + write
	case at == stepLevel:
		return "tests for a failure but has no status function, so the implicit success() skips this step exactly when " +
			"that failure happens" + write
	case t.kind == skipped:
		return "tests for a skipped job but has no status function, so the implicit success() skips this job whenever " +
			"a job it needs was skipped" + write
	case t.kind == notSuccess:
		return "can only hold when a needed job did not succeed, but without a status function the implicit success() " +
			"skips this job in exactly that case" + write
	}
	return "tests for a failure but has no status function, so the implicit success() skips this job as soon as a " +
		"job it needs fails" + write
}

// failureTest recognises, at a step, `X == 'failure'` (or 'cancelled')
// and `X != 'success'` where X is steps.ID.outcome, steps.ID.conclusion or
// job.status (a step that its own if: can skip is 'skipped', which is not
// 'success': see check); at a
// job, needs.ID.result compared with 'failure', 'cancelled', 'skipped'
// (==) or 'success' (!=), and contains() of needs results with one of
// those words, in either argument order.
func failureTest(n actionlint.ExprNode, src string, at level) (test, bool) {
	switch x := n.(type) {
	case *actionlint.CompareOpNode:
		return compareTest(x, src, at)
	case *actionlint.FuncCallNode:
		if at == jobLevel {
			return containsTest(x, src)
		}
	}
	return test{}, false
}

func compareTest(x *actionlint.CompareOpNode, src string, at level) (test, bool) {
	l, r := x.Left, x.Right
	if _, isStr := l.(*actionlint.StringNode); isStr {
		l, r = r, l
	}
	s, isStr := r.(*actionlint.StringNode)
	if !isStr {
		return test{}, false
	}
	k, ok := wordKind(s.Value, x.Kind, at)
	if !ok {
		return test{}, false
	}
	ref := emptiness.RefText(src, l.Token().Offset)
	id, ok := statusRef(ref, at)
	if !ok {
		return test{}, false
	}
	text, start := slice(src, x.Left, x.Right)
	return test{text: text, start: start, id: id, kind: k, only: k == failed && strings.EqualFold(s.Value, "failure"),
		conclusion: at == stepLevel && strings.HasSuffix(strings.ToLower(ref), ".conclusion")}, true
}

// wordKind maps the outcome a comparison tests for to a kind.
func wordKind(word string, op actionlint.CompareOpNodeKind, at level) (kind, bool) {
	w := strings.ToLower(word)
	switch op {
	case actionlint.CompareOpNodeKindEq:
		switch {
		case w == "failure" || w == "cancelled":
			return failed, true
		case w == "skipped" && at == jobLevel:
			return skipped, true
		}
	case actionlint.CompareOpNodeKindNotEq:
		if w == "success" {
			return notSuccess, true
		}
	}
	return 0, false
}

// containsTest matches contains(needs.*.result, 'failure'),
// contains(join(needs.*.result, ','), 'failure') and
// contains(fromJSON('["failure","cancelled"]'), needs.build.result).
func containsTest(x *actionlint.FuncCallNode, src string) (test, bool) {
	if !strings.EqualFold(x.Callee, "contains") || len(x.Args) != 2 {
		return test{}, false
	}
	hay, needle := x.Args[0], x.Args[1]
	var words string
	var ref actionlint.ExprNode
	if s, ok := needle.(*actionlint.StringNode); ok {
		words, ref = s.Value, unjoin(hay)
	} else if c, ok := constText(hay); ok {
		words, ref = c, needle
	} else {
		return test{}, false
	}
	id, ok := statusRef(emptiness.RefText(src, ref.Token().Offset), jobLevel)
	if !ok {
		return test{}, false
	}
	k, ok := wordsKind(words)
	if !ok {
		return test{}, false
	}
	only := k == failed && !strings.Contains(strings.ToLower(words), "cancelled")
	return test{text: callText(src, x.Token().Offset), start: x.Token().Offset, id: id, kind: k, only: only}, true
}

// unjoin returns the first argument of join(a, sep), else n.
func unjoin(n actionlint.ExprNode) actionlint.ExprNode {
	if f, ok := n.(*actionlint.FuncCallNode); ok && strings.EqualFold(f.Callee, "join") && len(f.Args) >= 1 {
		return f.Args[0]
	}
	return n
}

// constText is the text of a string literal, or of the literal inside
// fromJSON('...').
func constText(n actionlint.ExprNode) (string, bool) {
	switch x := n.(type) {
	case *actionlint.StringNode:
		return x.Value, true
	case *actionlint.FuncCallNode:
		if strings.EqualFold(x.Callee, "fromjson") && len(x.Args) == 1 {
			if s, ok := x.Args[0].(*actionlint.StringNode); ok {
				return s.Value, true
			}
		}
	}
	return "", false
}

// wordsKind: a list naming failure or cancelled waits for a failure; one
// naming only skipped waits for a skip.
func wordsKind(s string) (kind, bool) {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "failure") || strings.Contains(l, "cancelled"):
		return failed, true
	case strings.Contains(l, "skipped"):
		return skipped, true
	}
	return 0, false
}

// statusRef recognises the references whose value is an outcome at the
// given level.
func statusRef(ref string, at level) (id string, ok bool) {
	ref = strings.ToLower(ref)
	if ref == "job.status" {
		return "", at == stepLevel
	}
	parts := strings.Split(ref, ".")
	if len(parts) != 3 {
		return "", false
	}
	switch {
	case at == stepLevel && parts[0] == "steps" && (parts[2] == "outcome" || parts[2] == "conclusion"):
		return parts[1], true
	case at == jobLevel && parts[0] == "needs" && parts[2] == "result":
		return parts[1], true
	}
	return "", false
}

// slice returns the source text from the start of a to the end of the
// string literal b (or a's chain when b comes first), and its offset.
func slice(src string, a, b actionlint.ExprNode) (string, int) {
	start, end := a.Token().Offset, b.Token().Offset
	if start > end {
		start, end = end, start
	}
	if end < len(src) && src[end] == '\'' {
		if k := strings.IndexByte(src[end+1:], '\''); k >= 0 {
			return src[start : end+k+2], start
		}
	}
	return strings.TrimSpace(src[start:min(len(src), end+len(emptiness.RefText(src, end)))]), start
}

// callText is the call that starts at off, up to its closing parenthesis.
func callText(src string, off int) string {
	if i := strings.IndexByte(src[off:], '('); i >= 0 {
		if end := expr.Closing(src, off+i+1, '(', ')'); end >= 0 {
			return src[off : end+1]
		}
	}
	return strings.TrimSpace(src[off:])
}
