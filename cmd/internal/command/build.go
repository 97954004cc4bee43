package command

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/releasegate/releasegate/report"
)

// Build identifies the running binary. A release build stamps Version,
// Commit and Date with -ldflags -X (GoReleaser's main.version,
// main.commit, main.date); whatever it left empty comes from the build
// information Go records itself (ResolveBuild).
type Build struct {
	// Version is "1.2.3" from a release build, "v1.2.3" from
	// `go install …@v1.2.3`, a pseudo-version from a checkout build, or
	// "devel" when nothing recorded one.
	Version string
	// Commit is the VCS revision the binary was built from; Modified says
	// the checkout had uncommitted changes.
	Commit   string
	Modified bool
	// Date is when the release was built (RFC 3339); for a checkout build,
	// the time of its commit.
	Date string
	// GoVersion and Platform describe the toolchain and target.
	GoVersion, Platform string
}

// ResolveBuild completes what the release build stamped with what the Go
// toolchain recorded in info (nil when the binary carries none). A
// module version ("v1.2.3" for `go install …@v1.2.3`, a pseudo-version for
// a checkout build) stands in for a missing version, and the VCS revision,
// dirty flag and commit time for a missing commit and date.
func ResolveBuild(stamped Build, info *debug.BuildInfo) Build {
	b := stamped
	// GoReleaser stamps placeholders when it could not read the git state
	// (a snapshot without a remote): they are no information.
	if b.Commit == "none" || b.Commit == "unknown" {
		b.Commit = ""
	}
	if strings.HasPrefix(b.Date, "0001-01-01") {
		b.Date = ""
	}
	b.GoVersion, b.Platform = runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH
	if info == nil {
		return withDefaults(b)
	}
	if info.GoVersion != "" {
		b.GoVersion = info.GoVersion
	}
	if b.Version == "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	if b.Commit != "" {
		return withDefaults(b)
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		}
	}
	return withDefaults(b)
}

func withDefaults(b Build) Build {
	if b.Version == "" {
		b.Version = "devel"
	}
	return b
}

// Tool is how reports name the binary (JSON "tool", SARIF driver).
func (b Build) Tool() report.Tool {
	commit := b.Commit
	if commit != "" && b.Modified {
		commit += "-dirty"
	}
	return report.Tool{Name: "releasegate", Version: b.Version, Commit: commit}
}

// String is the text of `releasegate version` and `--version`.
func (b Build) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "releasegate %s\n", b.Version)
	switch {
	case b.Commit == "":
		s.WriteString("commit:  unknown (built without version control information)\n")
	case b.Modified:
		fmt.Fprintf(&s, "commit:  %s (with uncommitted changes)\n", b.Commit)
	default:
		fmt.Fprintf(&s, "commit:  %s\n", b.Commit)
	}
	if b.Date != "" {
		fmt.Fprintf(&s, "date:    %s\n", b.Date)
	}
	fmt.Fprintf(&s, "go:      %s %s\n", b.GoVersion, b.Platform)
	return s.String()
}
