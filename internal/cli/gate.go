package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newGateCmd is a placeholder until the gate lands.
func newGateCmd(c *common) *cobra.Command {
	cmd := &cobra.Command{Use: "gate", Short: "Check registries at release time (preflight, verify, record, probe)"}
	for _, name := range []string{"preflight", "verify", "record", "probe"} {
		cmd.AddCommand(&cobra.Command{Use: name, RunE: func(*cobra.Command, []string) error {
			return withCode(ExitError, errors.New("gate "+name+" is not implemented yet"))
		}})
	}
	return cmd
}
