package cli

import (
	"io"

	"github.com/releasegate/releasegate/cmd/internal/gatecli"
)

// runMain runs the command line with every command, as the gate binary
// does (the lint binary hands gate and demo to it).
func runMain(args []string, stdin io.Reader, stdout, stderr io.Writer, opts ...Option) int {
	return Main(args, stdin, stdout, stderr, append(opts, WithCommands(gatecli.Commands))...)
}
