// Command releasegate stops broken container releases before they ship.
// See `releasegate --help` and README.md.
package main

import (
	"os"

	"github.com/releasegate/releasegate/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
