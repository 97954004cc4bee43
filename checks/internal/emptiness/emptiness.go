// Package emptiness is an abstract evaluator for GitHub Actions expressions
// that answers one question: can this expression evaluate to the empty
// string, and if so, because of which sub-expression?
//
// Each sub-expression is evaluated to a Value: the set of run-time shapes it
// can take (empty string, non-empty string, true, false, zero, non-zero,
// null, object), an exact constant when one is known, and the Reason it may
// be empty. The reasons come from a Resolver, which knows what contexts such
// as inputs.X or steps.S.outputs.O hold in a given workflow, job and event;
// the evaluator only knows the operators and functions of the expression
// language, following the runner's semantics (`a || b` yields a when a is
// truthy, loose equality converts to numbers, string comparisons ignore
// case).
//
// The evaluator is linear in the size of the expression and allocates only
// for constants produced by format() and for reasons.
package emptiness

import (
	"math"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/expr"
)

// Mask is the set of shapes a value can take at run time.
type Mask uint16

// The shapes.
const (
	EmptyStr Mask = 1 << iota // ''
	Str                       // a non-empty string
	True
	False
	Zero    // the number 0 (and NaN)
	NonZero // any other number
	Null
	Object // objects and arrays

	Any    = EmptyStr | Str | True | False | Zero | NonZero | Null | Object
	Truthy = Str | True | NonZero | Object
	Falsy  = EmptyStr | False | Zero | Null
	// Empty is what renders as '' in a template: the empty string and null.
	Empty = EmptyStr | Null
	Bool  = True | False
)

// Reason explains why a sub-expression may be empty.
type Reason struct {
	Expr string // the sub-expression as written, e.g. "inputs.allow_unsigned"
	Why  string // a clause: "is empty when this workflow runs on push"
}

func (r *Reason) String() string { return r.Expr + " " + r.Why }

// Value is the abstract value of an expression.
type Value struct {
	Mask  Mask
	Known bool  // Const holds the exact value
	Const Const // valid when Known
	// Why says why Mask may contain Empty. It is nil when the emptiness (if
	// any) has no known cause, such as an unmodelled context: those are
	// never reported.
	Why *Reason
	// Err is set when evaluating the expression can fail, as fromJSON('')
	// does.
	Err *Reason
}

// ConstKind is the type of a constant.
type ConstKind uint8

// Constant kinds.
const (
	KNull ConstKind = iota
	KString
	KBool
	KNumber
)

// Const is an exact value.
type Const struct {
	Kind ConstKind
	S    string
	B    bool
	F    float64
}

// MaybeEmpty reports whether v may render as the empty string for a known reason.
func (v Value) MaybeEmpty() bool { return v.Mask&Empty != 0 && v.Why != nil }

// Unknown is a value about which nothing is known.
func Unknown() Value { return Value{Mask: Any} }

// String returns a known string constant. A reason may be attached for
// the empty string.
func String(s string, why *Reason) Value { return constant(Const{Kind: KString, S: s}, why) }

// Boolean returns a known boolean.
func Boolean(b bool) Value { return constant(Const{Kind: KBool, B: b}, nil) }

// Number returns a known number.
func Number(f float64) Value { return constant(Const{Kind: KNumber, F: f}, nil) }

// NullValue returns null, with the reason it is null.
func NullValue(why *Reason) Value { return constant(Const{Kind: KNull}, why) }

// Shapes returns a value that can take the shapes m, for the reason why.
func Shapes(m Mask, why *Reason) Value { return Value{Mask: m, Why: why} }

func constant(c Const, why *Reason) Value {
	v := Value{Known: true, Const: c, Mask: c.mask()}
	if v.Mask&Empty != 0 {
		v.Why = why
	}
	return v
}

func (c Const) mask() Mask {
	switch c.Kind {
	case KString:
		if c.S == "" {
			return EmptyStr
		}
		return Str
	case KBool:
		if c.B {
			return True
		}
		return False
	case KNumber:
		if c.F == 0 || math.IsNaN(c.F) {
			return Zero
		}
		return NonZero
	}
	return Null
}

// Truthy reports whether a constant is truthy.
func (c Const) Truthy() bool { return c.mask()&Truthy != 0 }

// Render is the constant as it appears when interpolated into a string.
func (c Const) Render() string {
	switch c.Kind {
	case KString:
		return c.S
	case KBool:
		return strconv.FormatBool(c.B)
	case KNumber:
		return strconv.FormatFloat(c.F, 'f', -1, 64)
	}
	return ""
}

// number converts a constant the way the runner does for loose equality.
func (c Const) number() float64 {
	switch c.Kind {
	case KBool:
		if c.B {
			return 1
		}
		return 0
	case KNumber:
		return c.F
	case KString:
		s := strings.TrimSpace(c.S)
		if s == "" {
			return 0
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		if strings.HasPrefix(s, "0x") {
			if n, err := strconv.ParseInt(s[2:], 16, 64); err == nil {
				return float64(n)
			}
		}
		return math.NaN()
	}
	return 0
}

// Path is a context property chain such as inputs.x, github.event.inputs.x
// or steps.build.outputs.tag, with lower-cased parts.
type Path struct {
	Parts [5]string
	N     int
	// Text is the chain as written in the expression, for messages.
	Text string
}

// Is reports whether the path is exactly parts (lower case; "*" matches
// any one part).
func (p *Path) Is(parts ...string) bool {
	if p.N != len(parts) {
		return false
	}
	for i, s := range parts {
		if s != "*" && p.Parts[i] != s {
			return false
		}
	}
	return true
}

// Resolver knows the values of contexts where an expression is evaluated.
type Resolver interface {
	// Resolve returns the value of a property chain; ok is false when the
	// resolver knows nothing about it.
	Resolve(p *Path) (v Value, ok bool)
}

// Eval evaluates the parsed expression n whose source text is src (the
// text the token offsets refer to).
func Eval(n actionlint.ExprNode, src string, r Resolver) Value {
	e := evaluator{src: src, r: r}
	return e.eval(n)
}

type evaluator struct {
	src string
	r   Resolver
}

func (e *evaluator) eval(n actionlint.ExprNode) Value {
	switch x := n.(type) {
	case *actionlint.StringNode:
		return String(x.Value, &Reason{Expr: "''", Why: "is an empty string literal"})
	case *actionlint.BoolNode:
		return Boolean(x.Value)
	case *actionlint.IntNode:
		return Number(float64(x.Value))
	case *actionlint.FloatNode:
		return Number(x.Value)
	case *actionlint.NullNode:
		return NullValue(&Reason{Expr: "null", Why: "renders as an empty string"})
	case *actionlint.NotOpNode:
		return not(e.eval(x.Operand))
	case *actionlint.LogicalOpNode:
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			return e.and(x)
		}
		return e.or(x)
	case *actionlint.CompareOpNode:
		return compare(x.Kind, e.eval(x.Left), e.eval(x.Right))
	case *actionlint.FuncCallNode:
		return e.call(x)
	case *actionlint.VariableNode, *actionlint.ObjectDerefNode, *actionlint.IndexAccessNode:
		return e.ref(n)
	case *actionlint.ArrayDerefNode:
		return Value{Mask: Object}
	}
	return Unknown()
}

func firstErr(vs ...Value) *Reason {
	for _, v := range vs {
		if v.Err != nil {
			return v.Err
		}
	}
	return nil
}

func not(v Value) Value {
	if v.Known {
		r := Boolean(!v.Const.Truthy())
		r.Err = v.Err
		return r
	}
	var m Mask
	if v.Mask&Falsy != 0 {
		m |= True
	}
	if v.Mask&Truthy != 0 {
		m |= False
	}
	return Value{Mask: m, Err: v.Err}
}

// or: `a || b` is a when a is truthy, else b.
func (e *evaluator) or(x *actionlint.LogicalOpNode) Value {
	l := e.eval(x.Left)
	if l.Mask&Falsy == 0 {
		return l
	}
	r := e.eval(x.Right)
	r.Err = firstErr(l, r)
	if l.Known || l.Mask&Truthy == 0 {
		return r // a is falsy: the result is b
	}
	return Value{Mask: l.Mask&Truthy | r.Mask, Why: r.Why, Err: r.Err}
}

// and: `a && b` is a when a is falsy, else b.
func (e *evaluator) and(x *actionlint.LogicalOpNode) Value {
	l := e.eval(x.Left)
	if l.Mask&Truthy == 0 {
		return l
	}
	r := e.eval(x.Right)
	r.Err = firstErr(l, r)
	if l.Known || l.Mask&Falsy == 0 {
		return r // a is truthy: the result is b
	}
	v := Value{Mask: l.Mask&Falsy | r.Mask, Err: r.Err}
	if l.Mask&Empty != 0 && l.Why != nil {
		v.Why = l.Why
	} else {
		v.Why = r.Why
	}
	return v
}

func compare(k actionlint.CompareOpNodeKind, l, r Value) Value {
	err := firstErr(l, r)
	if !l.Known || !r.Known {
		return Value{Mask: Bool, Err: err}
	}
	v := Boolean(compareConst(k, l.Const, r.Const))
	v.Err = err
	return v
}

func compareConst(k actionlint.CompareOpNodeKind, a, b Const) bool {
	var c int // -2: incomparable (NaN)
	switch {
	case a.Kind == KString && b.Kind == KString:
		c = strings.Compare(strings.ToUpper(a.S), strings.ToUpper(b.S))
	case a.Kind == KNull && b.Kind == KNull:
		c = 0
	default:
		x, y := a.number(), b.number()
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			c = -2
		case x < y:
			c = -1
		case x > y:
			c = 1
		}
	}
	switch k {
	case actionlint.CompareOpNodeKindEq:
		return c == 0
	case actionlint.CompareOpNodeKindNotEq:
		return c != 0
	case actionlint.CompareOpNodeKindLess:
		return c == -1
	case actionlint.CompareOpNodeKindLessEq:
		return c == -1 || c == 0
	case actionlint.CompareOpNodeKindGreater:
		return c == 1
	case actionlint.CompareOpNodeKindGreaterEq:
		return c == 1 || c == 0
	}
	return false
}

func (e *evaluator) call(x *actionlint.FuncCallNode) Value {
	args := make([]Value, len(x.Args))
	for i, a := range x.Args {
		args[i] = e.eval(a)
	}
	err := firstErr(args...)
	var v Value
	switch strings.ToLower(x.Callee) {
	case "contains", "startswith", "endswith":
		v = stringPredicate(strings.ToLower(x.Callee), args)
	case "success", "always", "failure", "cancelled":
		v = Value{Mask: Bool}
	case "format":
		v = format(args)
	case "join":
		v = join(args)
	case "tojson":
		v = Value{Mask: Str}
	case "fromjson":
		v, err = e.fromJSON(x, args, err)
	case "hashfiles":
		v = Value{Mask: Str | EmptyStr}
	default:
		v = Unknown()
	}
	if v.Err == nil {
		v.Err = err
	}
	return v
}

func stringPredicate(fn string, args []Value) Value {
	if len(args) != 2 || !args[0].Known || !args[1].Known || args[0].Const.Kind == KNull && fn == "contains" {
		return Value{Mask: Bool}
	}
	a, b := strings.ToUpper(args[0].Const.Render()), strings.ToUpper(args[1].Const.Render())
	switch fn {
	case "contains":
		return Boolean(strings.Contains(a, b))
	case "startswith":
		return Boolean(strings.HasPrefix(a, b))
	}
	return Boolean(strings.HasSuffix(a, b))
}

// format is non-empty when its template has text of its own; otherwise it
// is empty only if every argument it interpolates can be.
func format(args []Value) Value {
	if len(args) == 0 || !args[0].Known || args[0].Const.Kind != KString {
		return Unknown()
	}
	tmpl := args[0].Const.S
	var b strings.Builder
	literal := false
	allKnown := true
	var emptyWhy *Reason
	used := 0
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if (c == '{' || c == '}') && i+1 < len(tmpl) && tmpl[i+1] == c {
			b.WriteByte(c)
			literal = true
			i++
			continue
		}
		if c == '{' {
			j := strings.IndexByte(tmpl[i:], '}')
			if j > 0 {
				if n, err := strconv.Atoi(tmpl[i+1 : i+j]); err == nil && n+1 < len(args) {
					a := args[n+1]
					used++
					if a.Known {
						b.WriteString(a.Const.Render())
					} else {
						allKnown = false
					}
					if a.Mask&Empty != 0 && emptyWhy == nil {
						emptyWhy = a.Why
					}
					if a.Mask&Empty == 0 {
						literal = true // this argument is never empty
					}
					i += j
					continue
				}
			}
		}
		b.WriteByte(c)
		literal = true
	}
	if allKnown {
		return String(b.String(), emptyWhy)
	}
	if literal || used == 0 {
		return Value{Mask: Str}
	}
	return Value{Mask: Str | EmptyStr, Why: emptyWhy}
}

func join(args []Value) Value {
	if len(args) == 0 {
		return Unknown()
	}
	a := args[0]
	if a.Mask&Object == 0 {
		a.Err = nil
		return a // join of a string (or scalar) is that value
	}
	return Value{Mask: Str | EmptyStr}
}

// fromJSON of an empty string fails: it is not JSON.
func (e *evaluator) fromJSON(x *actionlint.FuncCallNode, args []Value, err *Reason) (Value, *Reason) {
	if len(args) != 1 {
		return Unknown(), err
	}
	a := args[0]
	if a.MaybeEmpty() && err == nil {
		err = a.Why
	}
	if !a.Known || a.Const.Kind != KString {
		return Unknown(), err
	}
	s := strings.TrimSpace(a.Const.S)
	switch {
	case s == "true" || s == "false":
		return Boolean(s == "true"), err
	case s == "null":
		return NullValue(nil), err
	case strings.HasPrefix(s, `"`):
		if u, uerr := strconv.Unquote(s); uerr == nil {
			return String(u, nil), err
		}
	case s != "" && (s[0] == '{' || s[0] == '['):
		return Value{Mask: Object}, err
	}
	if f, perr := strconv.ParseFloat(s, 64); perr == nil {
		return Number(f), err
	}
	return Unknown(), err
}

func (e *evaluator) ref(n actionlint.ExprNode) Value {
	var p Path
	if !buildPath(n, &p) {
		// A dynamic index, a deep chain or a property of a call result:
		// the value is unknown, but evaluating the parts can fail.
		v := Unknown()
		v.Err = e.partsErr(n)
		return v
	}
	p.Text = RefText(e.src, n.Token().Offset)
	if v, ok := e.r.Resolve(&p); ok {
		return v
	}
	return Unknown()
}

func (e *evaluator) partsErr(n actionlint.ExprNode) *Reason {
	switch x := n.(type) {
	case *actionlint.ObjectDerefNode:
		return e.partsErr(x.Receiver)
	case *actionlint.ArrayDerefNode:
		return e.partsErr(x.Receiver)
	case *actionlint.IndexAccessNode:
		if err := e.partsErr(x.Operand); err != nil {
			return err
		}
		return e.eval(x.Index).Err
	case *actionlint.VariableNode:
		return nil
	}
	return e.eval(n).Err
}

// buildPath flattens a property chain into p, reversing as it goes.
func buildPath(n actionlint.ExprNode, p *Path) bool {
	var rev [len(p.Parts)]string
	k := 0
	for {
		if k == len(rev) {
			return false
		}
		switch x := n.(type) {
		case *actionlint.VariableNode:
			rev[k] = x.Name
			k++
			for i := range k {
				p.Parts[i] = rev[k-1-i]
			}
			p.N = k
			return true
		case *actionlint.ObjectDerefNode:
			rev[k] = x.Property
			k++
			n = x.Receiver
		case *actionlint.IndexAccessNode:
			s, ok := x.Index.(*actionlint.StringNode)
			if !ok {
				return false
			}
			rev[k] = strings.ToLower(s.Value)
			k++
			n = x.Operand
		default:
			return false
		}
	}
}

// RefText returns the property chain that starts at offset off of src, as
// written: identifiers, dots, `*` and bracketed indexes.
func RefText(src string, off int) string {
	if off < 0 || off >= len(src) {
		return ""
	}
	i := off
	depth := 0
	var quote byte
	for i < len(src) {
		c := src[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' && depth > 0:
			quote = c
		case c == '[':
			depth++
		case c == ']':
			if depth == 0 {
				return src[off:i]
			}
			depth--
		case depth > 0:
		case c == '_' || c == '-' || c == '.' || c == '*' ||
			c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		default:
			return src[off:i]
		}
		i++
	}
	return src[off:i]
}

// Template evaluates a string value holding ${{ }} placeholders (found by
// expr.Find): a value that is exactly one placeholder is that expression's
// value; text around placeholders makes the string non-empty; otherwise it
// is empty only when every placeholder can be.
func Template(s string, exprs []expr.Expr, r Resolver) Value {
	if len(exprs) == 0 {
		return String(s, nil)
	}
	if len(exprs) == 1 && strings.TrimSpace(s[:exprs[0].Start]) == "" && strings.TrimSpace(s[exprs[0].End:]) == "" {
		return evalExpr(exprs[0], r)
	}
	literal := false
	prev := 0
	var b strings.Builder
	out := Value{Known: true}
	for _, x := range exprs {
		if x.Start > prev {
			literal = true
			b.WriteString(s[prev:x.Start])
		}
		prev = x.End
		v := evalExpr(x, r)
		if out.Err == nil {
			out.Err = v.Err
		}
		if v.Known {
			b.WriteString(v.Const.Render())
		} else {
			out.Known = false
		}
		if v.Mask&Empty == 0 {
			literal = true
		} else if out.Why == nil {
			out.Why = v.Why
		}
	}
	if prev < len(s) {
		literal = true
		b.WriteString(s[prev:])
	}
	if out.Known {
		c := String(b.String(), out.Why)
		c.Err = out.Err
		return c
	}
	if literal {
		return Value{Mask: Str, Err: out.Err}
	}
	out.Mask = Str | EmptyStr
	return out
}

func evalExpr(x expr.Expr, r Resolver) Value {
	if x.Node == nil {
		return Unknown()
	}
	return Eval(x.Node, x.Src, r)
}
