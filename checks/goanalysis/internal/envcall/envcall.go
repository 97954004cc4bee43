// Package envcall recognises the standard library's environment lookups,
// which the secret analyzers treat as the places a token enters a program.
package envcall

import (
	"go/types"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// Kind says how a lookup's first argument names variables.
type Kind int

// Kinds of lookup.
const (
	None   Kind = iota
	Name        // the argument is a variable name: os.Getenv, os.LookupEnv, syscall.Getenv
	Expand      // the argument is a template with $NAME or ${NAME}: os.ExpandEnv
)

// Of classifies a called function.
func Of(fn *types.Func) Kind {
	if fn == nil || fn.Pkg() == nil {
		return None
	}
	if sig, ok := fn.Type().(*types.Signature); !ok || sig.Recv() != nil {
		return None
	}
	switch fn.Pkg().Path() + "." + fn.Name() {
	case "os.Getenv", "os.LookupEnv", "syscall.Getenv":
		return Name
	case "os.ExpandEnv":
		return Expand
	}
	return None
}

var varRe = lazyre.New(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// Names lists the variables a template passed to os.ExpandEnv reads.
func Names(template string) []string {
	var out []string
	for _, m := range varRe().FindAllStringSubmatch(template, -1) {
		if m[1] != "" {
			out = append(out, m[1])
		} else {
			out = append(out, m[2])
		}
	}
	return out
}
