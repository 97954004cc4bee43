package config

// The rules for one value of a setting, shared by the configuration file
// and the flags that override it, so a value means the same and is
// refused in the same words wherever it came from. Each rule returns nil
// or an error saying what is wrong with the value, quoting at most a
// short excerpt of it; the file adds the position (and, for some keys,
// the key), a flag its name.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/releasegate/releasegate/internal/lazyre"
)

var (
	platformRe  = lazyre.New(`^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$`)
	tagRe       = lazyre.New(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	placeholder = lazyre.New(`\{[^{}]*\}`)
	hostRe      = lazyre.New(`^[A-Za-z0-9.-]+(:[0-9]+)?$`)
)

// OnExistingValues are what gate.on-existing and --on-existing take.
var OnExistingValues = []string{"fail", "skip", "warn"}

// complaint formats a rule's error; string arguments are clipped as
// errf clips them.
func complaint(format string, args ...any) error {
	return fmt.Errorf(format, clipArgs(args)...)
}

func clipArgs(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = clip(s)
		}
	}
	return args
}

// CheckPlatform refuses what is not a platform: os/arch[/variant], lower case.
func CheckPlatform(s string) error {
	if !platformRe().MatchString(s) {
		return complaint("platform %q is not os/arch[/variant]", s)
	}
	return nil
}

// CheckOnExisting refuses what an existing version tag cannot mean: it
// means fail, skip or warn.
func CheckOnExisting(s string) error { return checkEnum(s, OnExistingValues...) }

func checkEnum(s string, allowed ...string) error {
	if !slices.Contains(allowed, s) {
		return complaint("unknown value %q (want %s)", s, strings.Join(allowed, ", "))
	}
	return nil
}

// CheckTag refuses a tag registries do not take (kind names the tag in
// the error, e.g. "moving tag").
func CheckTag(kind, s string) error {
	if !tagRe().MatchString(s) {
		return complaint("%s %q is not a valid tag", kind, s)
	}
	return nil
}

func checkMovingTag(s string) error { return CheckTag("moving tag", s) }

// CheckArchTag refuses a per-arch tag template without {arch} or with a
// placeholder other than {version}, {arch}, {os} and {variant}.
func CheckArchTag(s string) error {
	for _, ph := range placeholder().FindAllString(s, -1) {
		switch ph {
		case "{version}", "{arch}", "{os}", "{variant}":
		default:
			return complaint("arch-tag: unknown placeholder %s (use {version}, {arch}, {os}, {variant})", ph)
		}
	}
	if s != "" && !strings.Contains(s, "{arch}") {
		return complaint("arch-tag %q must contain {arch}", s)
	}
	return nil
}

// CheckImage refuses an image that is not a repository reference (a URL,
// blanks, nothing).
func CheckImage(s string) error {
	if strings.ContainsAny(s, " \t") || s == "" || strings.Contains(s, "://") {
		return complaint("image %q is not a repository reference like docker.io/org/app", s)
	}
	return nil
}

// CheckCatalog refuses a registry to walk that is not HOST[:PORT].
func CheckCatalog(s string) error {
	if !hostRe().MatchString(s) {
		return complaint("%q is not HOST[:PORT]", s)
	}
	return nil
}

// CheckProbeGlob refuses what is not a probe's repository or tag glob
// (with a leading ! to exclude) or is past the bounds on globs.
func CheckProbeGlob(s string) error {
	if err := probeGlobSyntax(s); err != nil {
		return err
	}
	return probeGlobBound(s)
}

func probeGlobSyntax(s string) error {
	if pat := strings.TrimPrefix(s, "!"); pat == "" || !doublestar.ValidatePattern(pat) {
		return complaint("%q is not a glob (a leading ! excludes)", s)
	}
	return nil
}

func probeGlobBound(s string) error { return globBound(strings.TrimPrefix(s, "!")) }

// relativeGlob: a relative path or glob (runbooks, exclude), within the
// bounds on globs.
func relativeGlob(s string) error {
	if s == "" || strings.HasPrefix(s, "/") || !doublestar.ValidatePattern(s) {
		return complaint("%q is not a relative path or glob", s)
	}
	return globBound(s)
}

// checkHost: a family's host is a bare host name.
func checkHost(s string) error {
	if !hostRe().MatchString(s) {
		return complaint("host %q must be a bare host name (no scheme or path)", s)
	}
	return nil
}
