// Package gatecli implements the gate half of the releasegate command
// line: `gate preflight|verify|record|cleanup|probe` and `demo` (SPEC §3).
// The gate binary (cmd/releasegate-gate) adds these commands to the lint
// binary's; the lint binary hands them to it (see cli.HandOffGate), so
// running `releasegate lint` never starts the policy engine, the
// signature verifier or the registry client.
package gatecli

import (
	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/cmd/internal/command"
)

// common is what the gate commands see of the command line.
type common struct{ *command.Env }

// Commands returns the gate half's commands, bound to env.
func Commands(env *command.Env) []*cobra.Command {
	c := &common{env}
	return []*cobra.Command{newGateCmd(c), newDemoCmd(c)}
}

func undecided(err error) error { return command.Undecided(err) }
