package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/releasegate/releasegate/cmd/internal/command"
)

// The gate half ships as a second binary, releasegate-gate: the policy
// engine, the signature verifier and the registry client it links cost
// every process that links them about 10 ms of start-up, which a
// pre-commit lint should not pay. `releasegate gate …` and
// `releasegate demo` run it with the same arguments.

// GateBinary is the name of the gate half's binary (without .exe).
const GateBinary = "releasegate-gate"

// handOffEnv carries the lint binary's version to the gate binary, which
// refuses to run for a different one: the two halves of one release
// read the same configuration and must agree on it.
const handOffEnv = "RELEASEGATE_HANDOFF_VERSION"

// gateCommands are the commands the gate half adds.
var gateCommands = []string{"gate", "demo"}

// WithCommands adds commands to the root: the gate binary adds the gate
// half's.
func WithCommands(add func(*command.Env) []*cobra.Command) Option {
	return func(c *common) { c.extra = add }
}

// HandOffGate makes `gate` and `demo` run the gate binary: the one beside
// this executable, else the first on PATH. Only a real process should
// ask for it: on Unix the gate binary replaces this process.
func HandOffGate() Option {
	return func(c *common) { c.handOff = true }
}

// gateStubs stand for the gate half's commands in help and completion of
// a binary without them. They run only where Main does not hand off.
func gateStubs() []*cobra.Command {
	stub := func(use, short string) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, DisableFlagParsing: true,
			RunE: func(*cobra.Command, []string) error {
				return undecided(fmt.Errorf("%s: the gate half is not linked into this binary; run %s %s", use, GateBinary, use))
			},
		}
	}
	return []*cobra.Command{
		stub("gate", "Check registries at release time (runs "+GateBinary+")"),
		stub("demo", "Run the gate against an embedded registry with a broken fixture release (runs "+GateBinary+")"),
	}
}

// checkHandOff refuses a gate binary started by a lint binary of another
// version.
func checkHandOff(c *common) error {
	from, ok := os.LookupEnv(handOffEnv)
	if !ok || c.extra == nil || from == c.Build.Version {
		return nil
	}
	return fmt.Errorf("%s %s was started by releasegate %s: install both binaries from the same release", GateBinary, c.Build.Version, from)
}

// forGate reports whether args run a command of the gate half, directly
// or through help or shell completion. global are the flags every command
// takes, as the root declares them.
func forGate(args []string, global *pflag.FlagSet) bool {
	words := commandWords(args, global)
	if len(words) > 1 && (words[0] == "help" || strings.HasPrefix(words[0], "__complete")) {
		words = words[1:]
	}
	return len(words) > 0 && (words[0] == gateCommands[0] || words[0] == gateCommands[1])
}

// commandWords are the arguments that are not global flags or their
// values, up to a "--".
func commandWords(args []string, global *pflag.FlagSet) []string {
	var words []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return words
		case strings.HasPrefix(a, "-"):
			if name := strings.TrimLeft(a, "-"); !strings.Contains(name, "=") && takesValue(global, name) {
				i++ // its value
			}
		default:
			words = append(words, a)
		}
	}
	return words
}

// takesValue reports whether the global flag name (or shorthand) is
// followed by a value: it is declared and is not a boolean-like flag
// (one with a value it takes when given alone).
func takesValue(global *pflag.FlagSet, name string) bool {
	f := global.Lookup(name)
	if f == nil && len(name) == 1 {
		f = global.ShorthandLookup(name)
	}
	return f != nil && f.NoOptDefVal == ""
}

// globalFlags are the flags the root declares for every command, read
// from their declaration (command.Env.GlobalFlags).
func globalFlags() *pflag.FlagSet {
	root := &cobra.Command{}
	(&command.Env{}).GlobalFlags(root)
	return root.PersistentFlags()
}

// handOff runs the gate binary with args and returns the exit code; on
// Unix it returns only when the binary could not be started.
func handOff(args []string, build command.Build, stderr io.Writer) int {
	version := build.Version
	bin, err := gateBinary(build)
	if err != nil {
		return command.ExitCode(command.Undecided(err), stderr)
	}
	env := append(os.Environ(), handOffEnv+"="+version)
	return command.ExitCode(command.Undecided(replaceWith(bin, args, env)), stderr)
}

// gateBinary finds the gate binary beside the running executable (after
// symbolic links, as an install into a tool cache leaves them), else on
// PATH. When it is neither, the error says how to install the gate
// binary that matches this one.
func gateBinary(build command.Build) (string, error) {
	name := GateBinary
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		if self, err = filepath.EvalSymlinks(self); err == nil {
			beside := filepath.Join(filepath.Dir(self), name)
			if fi, err := os.Stat(beside); err == nil && fi.Mode().IsRegular() {
				return beside, nil
			}
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", errors.New("the gate half, " + name + ", is neither beside this releasegate nor on PATH: " + installHint(build))
}

// installHint says how to install the gate binary of this releasegate's
// version: `go install …@VERSION` for a release or a module version (a
// plain `go install …/cmd/...` without a version fails outside a module),
// and the checkout's own package for a build with no version to name.
func installHint(build command.Build) string {
	v := build.Version
	if semver.IsValid("v"+v) && !strings.HasPrefix(v, "v") {
		v = "v" + v // a release build is stamped without the tag's "v"
	}
	fromCheckout := "in the checkout it was built from, run `go install ./cmd/" + GateBinary + "` (both binaries: " +
		"`go install ./cmd/releasegate ./cmd/" + GateBinary + "`), or `go run ./cmd/" + GateBinary + "`, which runs every command"
	switch {
	case !semver.IsValid(v) || semver.Build(v) != "" || build.Modified:
		return "this releasegate (" + build.Version + ") was built from a checkout: " + fromCheckout
	case module.IsPseudoVersion(v):
		// A commit: installable by version once it is pushed.
		return "run `go install github.com/releasegate/releasegate/cmd/" + GateBinary + "@" + v + "`, or " + fromCheckout
	}
	return "put the " + GateBinary + " of the same release beside it (both binaries are in the release archive), or run " +
		"`go install github.com/releasegate/releasegate/cmd/" + GateBinary + "@" + v + "`"
}
