package command

import (
	"runtime/debug"
	"strings"
	"testing"
)

func vcs(rev, modified, at string) []debug.BuildSetting {
	return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
}

func TestResolveBuild(t *testing.T) {
	const rev = "97ff42c1a2b3c4d5e6f708192a3b4c5d6e7f8091"
	for _, tc := range []struct {
		name    string
		stamped Build
		info    *debug.BuildInfo
		want    Build // GoVersion and Platform are not compared
	}{{
		name:    "release build: the stamped values win over the build information",
		stamped: Build{Version: "1.2.3", Commit: rev, Date: "2026-11-28T10:00:00Z"},
		info:    &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0000000000000000000000000000000000000000", "true", "2020-01-01T00:00:00Z")},
		want:    Build{Version: "1.2.3", Commit: rev, Date: "2026-11-28T10:00:00Z"},
	}, {
		name: "go install …@v1.2.3: the module version, no VCS",
		info: &debug.BuildInfo{Main: debug.Module{Path: "github.com/releasegate/releasegate", Version: "v1.2.3"}},
		want: Build{Version: "v1.2.3"},
	}, {
		name: "checkout build: pseudo-version, revision, dirty flag and commit time",
		info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261128085900-97ff42c1a2b3+dirty"}, Settings: vcs(rev, "true", "2026-11-28T08:59:00Z")},
		want: Build{Version: "v0.0.0-20261128085900-97ff42c1a2b3+dirty", Commit: rev, Modified: true, Date: "2026-11-28T08:59:00Z"},
	}, {
		name: "checkout build with an older toolchain: (devel) is no version",
		info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false", "2026-11-28T08:59:00Z")},
		want: Build{Version: "devel", Commit: rev, Date: "2026-11-28T08:59:00Z"},
	}, {
		name:    "stamped version only: the commit still comes from VCS",
		stamped: Build{Version: "1.2.3"},
		info:    &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false", "2026-11-28T08:59:00Z")},
		want:    Build{Version: "1.2.3", Commit: rev, Date: "2026-11-28T08:59:00Z"},
	}, {
		name:    "GoReleaser placeholders (a snapshot without git state) yield to VCS",
		stamped: Build{Version: "0.0.1-snapshot", Commit: "none", Date: "0001-01-01T00:00:00Z"},
		info:    &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false", "2026-11-28T08:59:00Z")},
		want:    Build{Version: "0.0.1-snapshot", Commit: rev, Date: "2026-11-28T08:59:00Z"},
	}, {
		name: "no build information at all",
		want: Build{Version: "devel"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := ResolveBuild(tc.stamped, tc.info)
			if got.GoVersion == "" || got.Platform == "" {
				t.Errorf("toolchain not named: %+v", got)
			}
			got.GoVersion, got.Platform = "", ""
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestBuildString(t *testing.T) {
	b := Build{Version: "1.2.3", Commit: "abc", Modified: true, Date: "2026-11-28T10:00:00Z", GoVersion: "go1.26.8", Platform: "linux/amd64"}
	want := "releasegate 1.2.3\ncommit:  abc (with uncommitted changes)\ndate:    2026-11-28T10:00:00Z\ngo:      go1.26.8 linux/amd64\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := (Build{Version: "devel"}).String(); !strings.Contains(got, "commit:  unknown") {
		t.Errorf("a build without VCS information does not say so:\n%s", got)
	}
	if got := b.Tool().Commit; got != "abc-dirty" {
		t.Errorf("Tool().Commit = %q, want abc-dirty", got)
	}
}
