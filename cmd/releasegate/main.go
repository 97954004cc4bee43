// Command releasegate stops broken container releases before they ship.
// See `releasegate --help` and README.md.
package main

import (
	"os"
	"runtime/debug"

	"github.com/releasegate/releasegate/cmd/releasegate/internal/cli"
)

func main() {
	// releasegate is a short-lived batch process that keeps every parsed
	// workflow alive until all checks have run; collecting less often
	// trades a little memory for a lot of time. GOGC still wins if set.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
