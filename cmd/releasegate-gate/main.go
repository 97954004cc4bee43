// Command releasegate-gate is the gate half of releasegate: the whole
// command line, lint included, plus `gate preflight|verify|record|cleanup|probe`
// and `demo`, which need the policy engine, the signature verifier and
// the registry client. `releasegate gate …` runs it; it can also be run
// on its own (the container image's entrypoint). See README.md.
package main

import (
	"os"

	"github.com/releasegate/releasegate/cmd/internal/cli"
	"github.com/releasegate/releasegate/cmd/internal/gatecli"
	"github.com/releasegate/releasegate/cmd/internal/startup" // no collection during package initialisation
)

// Set by the release build, as for cmd/releasegate (.goreleaser.yaml).
var (
	version string
	commit  string
	date    string
)

func main() {
	startup.Collect(40<<20, 200) // see cmd/releasegate/main.go
	stamped := cli.Build{Version: version, Commit: commit, Date: date}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, cli.WithBuild(stamped), cli.WithCommands(gatecli.Commands)))
}
