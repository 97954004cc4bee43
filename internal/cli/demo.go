package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newDemoCmd is a placeholder until the gate lands.
func newDemoCmd(c *common) *cobra.Command {
	return &cobra.Command{Use: "demo", Short: "Run the gate against an embedded registry with a broken fixture release",
		RunE: func(*cobra.Command, []string) error {
			return withCode(ExitError, errors.New("demo is not implemented yet"))
		}}
}
