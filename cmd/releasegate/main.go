// Command releasegate stops broken container releases before they ship.
// See `releasegate --help` and README.md.
//
// This binary is the lint half, with the commands every run needs (lint,
// rules, explain, version). `releasegate gate …` and `releasegate demo`
// run the gate half, cmd/releasegate-gate, installed beside it: the
// policy engine, signature verifier and registry client it links would
// triple the start-up of every lint.
package main

import (
	"os"

	"github.com/releasegate/releasegate/cmd/internal/cli"
	"github.com/releasegate/releasegate/cmd/internal/startup" // no collection during package initialisation
)

// Set by the release build (.goreleaser.yaml) with
// -ldflags "-X main.version=1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>".
// Left empty, `releasegate version` reads Go's build information instead:
// the module version of `go install …@v1.2.3`, or the VCS revision of a
// checkout build.
var (
	version string
	commit  string
	date    string
)

func main() {
	// releasegate is a short-lived batch process: no collection below a
	// 40 MiB heap (a pre-commit run never collects), and 200% over what
	// stays live above it trade a little memory for a lot of time.
	startup.Collect(40<<20, 200)
	stamped := cli.Build{Version: version, Commit: commit, Date: date}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, cli.WithBuild(stamped), cli.HandOffGate()))
}
