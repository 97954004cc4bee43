package emptyexpr

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/runscript"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// What a run: step writes to $GITHUB_OUTPUT decides whether
// steps.S.outputs.O can ever hold a value. The names are read from the
// script text when every write has a literal name: `echo "name=..." >>
// "$GITHUB_OUTPUT"` (or printf, or `name<<EOF`), PowerShell's
// `Write-Output "name=..." | Out-File ... $env:GITHUB_OUTPUT`, and the
// retired `::set-output name=X::`. A script that writes nothing at all is
// known to write nothing only when every command it runs is one that
// cannot write outputs (printf, env, git, ...): any other program, a
// repository script above all, may append to $GITHUB_OUTPUT itself.

// stepWrites is what is known of the outputs a step writes.
type stepWrites struct {
	known bool
	names []string // lower-cased
}

func (w stepWrites) describe(id string) string {
	if len(w.names) == 0 {
		return fmt.Sprintf("step %q writes no outputs", id)
	}
	return fmt.Sprintf("step %q writes only these outputs: %s", id, strings.Join(w.names, ", "))
}

// writes returns (once per step) what a step of job j writes.
func (m *model) writes(j *actionlint.Job, s *actionlint.Step) stepWrites {
	if w, ok := m.stepWrites[s]; ok {
		return w
	}
	var w stepWrites
	if run, ok := s.Exec.(*actionlint.ExecRun); ok && run.Run != nil {
		names, ok := writtenOutputs(run.Run.Value)
		switch {
		case !ok:
		case len(names) > 0:
			w = stepWrites{known: true, names: names}
		case runscript.IsShell(run.Shell, j, m.wf.AST) && onlyQuietCommands(m.script(run.Run)):
			w = stepWrites{known: true}
		}
	}
	m.stepWrites[s] = w
	return w
}

var (
	// outputWrite is a write whose name can be read, on a line that
	// appends to $GITHUB_OUTPUT.
	outputWrite = lazyre.New(`^\s*(?:echo|printf|Write-Output|Write-Host|Add-Content\s+\S+\s+(?:-Value\s+)?)\s*(?:-[a-zA-Z]+\s+)*["']?([A-Za-z0-9_-]+)(?:=|<<)`)
	// setOutput is the retired workflow command.
	setOutput = lazyre.New(`::set-output\s+name=([A-Za-z0-9_-]+)::`)
)

// writtenOutputs lists the (lower-cased) outputs a script writes. ok is
// false when any line touching $GITHUB_OUTPUT has another shape (a loop
// variable, a script redirected into it, a { ...; } group), because then
// the names cannot be known.
func writtenOutputs(script string) (names []string, ok bool) {
	for line := range strings.SplitSeq(script, "\n") {
		if m := setOutput().FindAllStringSubmatch(line, -1); m != nil {
			for _, x := range m {
				names = append(names, strings.ToLower(x[1]))
			}
			continue
		}
		if strings.Contains(line, "set-output") {
			return nil, false
		}
		if !strings.Contains(line, "GITHUB_OUTPUT") {
			continue
		}
		m := outputWrite().FindStringSubmatch(line)
		if m == nil {
			return nil, false
		}
		names = append(names, strings.ToLower(m[1]))
	}
	return names, true
}

// quietCommands cannot write step outputs: they neither run repository
// code nor know of $GITHUB_OUTPUT.
var quietCommands = map[string]bool{
	"echo": true, "printf": true, "env": true, "printenv": true, "cat": true, "ls": true, "pwd": true,
	"which": true, "uname": true, "date": true, "cd": true, "mkdir": true, "cp": true, "mv": true, "rm": true,
	"touch": true, "chmod": true, "ln": true, "test": true, "[": true, "true": true, "false": true, "sleep": true,
	"git": true, "curl": true, "wget": true, "tar": true, "unzip": true, "grep": true, "sed": true, "awk": true,
	"sort": true, "head": true, "tail": true, "wc": true, "tr": true, "cut": true, "df": true, "du": true,
	"id": true, "whoami": true, "hostname": true, "nproc": true, "export": true, "set": true,
}

// onlyQuietCommands reports whether every command of a parsed script is
// quiet (go counts for `go env` and `go version`).
func onlyQuietCommands(sc *script) bool {
	if sc == nil {
		return false
	}
	quiet := true
	syntax.Walk(sc.file, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 || !quiet {
			return quiet
		}
		name := c.Args[0].Lit()
		switch {
		case quietCommands[name]:
		case name == "go" && len(c.Args) > 1 && (c.Args[1].Lit() == "env" || c.Args[1].Lit() == "version"):
		default:
			quiet = false
		}
		return quiet
	})
	return quiet
}
