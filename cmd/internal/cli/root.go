// Package cli implements the releasegate command line (SPEC §2, §3).
package cli

import (
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/checks/catalog"
	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/report"
)

// common is what every command of this package sees: the shared
// environment, and the commands another binary adds (the gate half).
type common struct {
	*command.Env
	extra   func(*command.Env) []*cobra.Command // WithCommands
	handOff bool                                // HandOffGate
}

// undecided is the error of a run that could not run or decide (exit 2).
func undecided(err error) error { return command.Undecided(err) }

// withOutcome returns an error that makes Main exit with the outcome's
// code. A nil err means "exit quietly".
func withOutcome(o report.Outcome, err error) error { return command.WithOutcome(o, err) }

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, opts ...Option) int {
	c := &common{Env: &command.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Rules: catalog.Rules()}}
	for _, o := range opts {
		o(c)
	}
	info, _ := debug.ReadBuildInfo()
	c.Build = command.ResolveBuild(c.Build, info)
	if c.extra == nil && c.handOff && forGate(args, globalFlags()) {
		return handOff(args, c.Build, stderr)
	}
	if err := checkHandOff(c); err != nil {
		return command.ExitCode(undecided(err), stderr)
	}
	root := newRoot(c)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return command.ExitCode(root.Execute(), stderr)
}

func newRoot(c *common) *cobra.Command {
	root := &cobra.Command{
		Use:   "releasegate",
		Short: "Stop broken container releases before they ship",
		Long: "releasegate lints release workflows, composite actions, runbooks and Go release tools " +
			"(lint), and checks registries at release time (gate).\n\n" +
			"Exit codes: 0 everything checked holds, 1 findings at or above --fail-on, 2 could not run or decide.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       c.Build.Version,
	}
	// --version prints what `releasegate version` prints. The text is a
	// template: keep any "{{" in it literal.
	root.SetVersionTemplate(strings.ReplaceAll(c.Build.String(), "{{", `{{"{{"}}`))
	c.GlobalFlags(root)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return undecided(err) })
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return c.CheckGlobalFlags() }

	root.AddCommand(newLintCmd(c), newRulesCmd(c), newExplainCmd(c), newVersionCmd(c))
	if c.extra != nil {
		root.AddCommand(c.extra(c.Env)...)
	} else {
		root.AddCommand(gateStubs()...)
	}
	return root
}
