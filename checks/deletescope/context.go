package deletescope

import (
	"path/filepath"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
)

// envChain looks a variable up in step, then job, then workflow env.
func envChain(envs ...*actionlint.Env) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for _, e := range envs {
			if e == nil {
				continue
			}
			for _, v := range e.Vars {
				if v.Name != nil && v.Value != nil && v.Name.Value == name {
					return v.Value.Value, true
				}
			}
		}
		return "", false
	}
}

// consoleCommands keeps the command lines of a console transcript ("$ cmd"),
// blanking the prompts and the output lines so every command keeps its
// line and column. A block without prompts is taken as a script.
func consoleCommands(body string) string {
	lines := strings.Split(body, "\n")
	prompts := false
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		if strings.HasPrefix(t, "$ ") {
			prompts = true
			lines[i] = l[:len(l)-len(t)] + "  " + t[2:]
		} else {
			lines[i] = ""
		}
	}
	if !prompts {
		return body
	}
	return strings.Join(lines, "\n")
}

// callerInput is what one workflow step passes to a composite action input.
type callerInput struct {
	input string
	value string
}

// callersKey holds, per run, the inputs workflows pass to local actions
// (see addCallers): the workflows themselves are gone by Run.
type callersKey struct{}

// compositeCallers maps a local action directory (absolute) to the inputs
// workflows pass it with `uses: ./path`.
type compositeCallers struct {
	mu    sync.Mutex
	byDir map[string][]callerInput
}

func sharedCallers(p *lint.Pass) *compositeCallers {
	return p.Shared(callersKey{}, func() any {
		return &compositeCallers{byDir: map[string][]callerInput{}}
	}).(*compositeCallers)
}

// addCallers records what the steps of wf pass to local actions.
func addCallers(p *lint.Pass, wf *workspace.Workflow) {
	root := filepath.Dir(filepath.Dir(filepath.Dir(wf.Abs)))
	found := map[string][]callerInput{}
	for _, job := range wf.AST.Jobs {
		for _, step := range job.Steps {
			a, ok := step.Exec.(*actionlint.ExecAction)
			if !ok || a.Uses == nil || !strings.HasPrefix(a.Uses.Value, "./") {
				continue
			}
			dir := filepath.Join(root, filepath.FromSlash(a.Uses.Value))
			for _, in := range a.Inputs {
				if in.Name != nil && in.Value != nil {
					found[dir] = append(found[dir], callerInput{input: strings.ToLower(in.Name.Value), value: in.Value.Value})
				}
			}
		}
	}
	if len(found) == 0 {
		return
	}
	all := sharedCallers(p)
	all.mu.Lock()
	defer all.mu.Unlock()
	for dir, ins := range found {
		all.byDir[dir] = append(all.byDir[dir], ins...)
	}
}

// expandInputs replaces composite-action inputs by the secrets their
// callers pass.
func expandInputs(cfg *config.Config, origins []origin, callers []callerInput) []origin {
	var out []origin
	for _, o := range origins {
		if o.input == "" {
			out = append(out, o)
			continue
		}
		traced := false
		for _, c := range callers {
			if c.input != strings.ToLower(o.input) {
				continue
			}
			for _, e := range expr.Find(c.value) {
				for _, r := range expr.Refs(e.Node) {
					if r.Context != "secrets" || r.Name == "" {
						continue
					}
					traced = true
					if s, ok := declaredSecret(cfg, r.Name); ok {
						out = append(out, origin{secret: s.Name, declared: true, scopes: s.Scopes})
					} else {
						out = append(out, origin{secret: strings.ToUpper(r.Name)})
					}
				}
			}
		}
		if !traced {
			out = append(out, o)
		}
	}
	return out
}
