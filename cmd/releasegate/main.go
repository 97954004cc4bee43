// Command releasegate stops broken container releases before they ship.
// See `releasegate --help` and README.md.
package main

import (
	"os"
	"runtime/debug"

	"github.com/releasegate/releasegate/cmd/releasegate/internal/cli"
	_ "github.com/releasegate/releasegate/cmd/releasegate/internal/startup" // no collection during package initialisation
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
	// releasegate is a short-lived batch process that keeps every parsed
	// workflow alive until all checks have run; collecting less often
	// trades a little memory for a lot of time. GOGC still wins if set.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
	stamped := cli.Build{Version: version, Commit: commit, Date: date}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, cli.WithBuild(stamped)))
}
