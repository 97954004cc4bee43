package deletescope

import (
	"sort"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/runscript"
	"github.com/releasegate/releasegate/config"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// origin is where a credential ultimately comes from.
type origin struct {
	secret   string // a secret or secret-like name ("" for an input)
	input    string // a composite action input, resolved through callers
	declared bool
	scopes   []string
}

// resolver traces the variables a DELETE command uses back to secrets:
// through shell assignments anywhere in the script (a token assigned many
// lines above, or returned by a login call that was given the secret),
// through env: mappings of the step, job and workflow, and through ${{ }}
// expressions. A secret name written in an assignment's literal text
// ("<paste REGISTRY_TOKEN_DELETE here>") counts: runbooks name the
// credential that way.
type resolver struct {
	cfg    *config.Config
	script *script
	env    func(name string) (string, bool) // the env: value in scope, if any
	seen   map[string]bool
	found  map[string]origin
}

func newResolver(cfg *config.Config, s *script, env func(string) (string, bool)) *resolver {
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	return &resolver{cfg: cfg, script: s, env: env, seen: map[string]bool{}, found: map[string]origin{}}
}

// credentials returns the origins of everything the call (and, for tools
// that keep a login, every login command of the script) references.
func (r *resolver) credentials(d deleteCall) []origin {
	words := append([]*syntax.Word{}, d.call.Args...)
	for _, a := range d.call.Assigns {
		if a.Value != nil {
			words = append(words, a.Value)
		}
	}
	if usesStoredLogin(d.tool) {
		for _, l := range r.script.logins {
			words = append(words, l.Args...)
		}
	}
	for _, w := range words {
		r.word(w)
	}
	out := make([]origin, 0, len(r.found))
	for _, o := range r.found {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].secret+out[i].input < out[j].secret+out[j].input })
	return out
}

func usesStoredLogin(tool string) bool {
	return !strings.HasPrefix(tool, "curl") && !strings.HasPrefix(tool, "wget") && !strings.HasPrefix(tool, "http")
}

// word follows every variable, placeholder and literal of a shell word,
// including inside command substitutions.
func (r *resolver) word(w *syntax.Word) {
	syntax.Walk(w, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.ParamExp:
			if x.Param != nil {
				r.variable(x.Param.Value)
			}
		case *syntax.Lit:
			r.literal(x.Value)
		case *syntax.SglQuoted:
			r.literal(x.Value)
		}
		return true
	})
}

// variable resolves a shell variable: its assignments, its env: entry, and
// its own name when that names a secret.
func (r *resolver) variable(name string) {
	if r.seen[name] {
		return
	}
	r.seen[name] = true
	assigned := false
	for _, v := range r.script.assigns[name] {
		assigned = true
		r.word(v)
	}
	if v, ok := r.env(name); ok {
		assigned = true
		r.text(v)
	}
	if s, ok := declaredSecret(r.cfg, name); ok {
		r.add(origin{secret: s.Name, declared: true, scopes: s.Scopes})
		return
	}
	if _, inFamily := r.cfg.FamilyOf(name); inFamily && !assigned {
		// An undeclared family name with no value in sight: a legacy token.
		r.add(origin{secret: name})
	}
}

// literal records secret names mentioned in literal text and follows the
// placeholders that stand for ${{ }} expressions.
func (r *resolver) literal(s string) {
	for _, i := range runscript.Placeholders(s) {
		if i < len(r.script.exprs) {
			r.expression(r.script.exprs[i])
		}
	}
	for _, sec := range r.cfg.Secrets {
		if mentions(s, sec.Name) {
			r.add(origin{secret: sec.Name, declared: true, scopes: sec.Scopes})
		}
	}
}

// text resolves a YAML value (an env: entry): its expressions and the
// secret names it mentions.
func (r *resolver) text(s string) {
	for _, e := range expr.Find(s) {
		r.expression(e)
	}
	r.literal(s)
}

func (r *resolver) expression(e expr.Expr) {
	for _, ref := range expr.Refs(e.Node) {
		switch ref.Context {
		case "secrets":
			if ref.Name == "" {
				continue
			}
			if s, ok := declaredSecret(r.cfg, ref.Name); ok {
				r.add(origin{secret: s.Name, declared: true, scopes: s.Scopes})
			} else {
				r.add(origin{secret: strings.ToUpper(ref.Name)})
			}
		case "env":
			if ref.Name != "" {
				r.variable(strings.ToUpper(ref.Name))
			}
		case "inputs":
			if ref.Name != "" {
				r.add(origin{input: ref.Name})
			}
		}
	}
}

func (r *resolver) add(o origin) { r.found[o.secret+"\x00"+o.input] = o }

func declaredSecret(cfg *config.Config, name string) (config.Secret, bool) {
	for _, s := range cfg.Secrets {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return config.Secret{}, false
}

// mentions reports whether text names the secret as a whole word.
func mentions(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		i = end
	}
}

var wordByte = lazyre.New(`[A-Za-z0-9_]`)

func isWordByte(b byte) bool { return wordByte().Match([]byte{b}) }
