package cli

import "github.com/releasegate/releasegate/cmd/internal/command"

// Option configures Main.
type Option func(*common)

// WithBuild passes what the release build stamped into the binary (see
// cmd/releasegate/main.go). Fields left empty are completed from Go's
// build information.
func WithBuild(stamped Build) Option {
	return func(c *common) { c.Build = stamped }
}

// Build identifies the running binary (see command.Build).
type Build = command.Build
