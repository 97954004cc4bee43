// Package goanalysis runs releasegate's Go analyzers (go-secret-variant,
// go-delete-scope, go-json-interpolation) as part of `releasegate lint`.
// The analyzers themselves are listed in ./suite, which the other drivers
// use: cmd/releasegate-vet (go vet -vettool) and the golangci-lint module
// plugin in ./plugin.
//
// The lint check loads the Go packages under the scanned paths with
// go/packages and drives the analyzers with go/analysis/checker. Only the
// scanned packages are analysed: facts flow between them, while
// dependencies outside the scanned tree (the standard library,
// go-containerregistry) are read from export data and never analysed,
// which is what keeps lint fast. A Go file that does not parse makes the
// run exit 2; a package that does not fully type-check (a dependency
// missing from the module cache: lint never downloads) is analysed with
// the types that could be established and reported once as a warning; a
// tree without Go code is not an error.
package goanalysis

import (
	"github.com/releasegate/releasegate/checks/goanalysis/suite"
)

// Rules documents the three Go rules.
var Rules = suite.Rules

// Check runs the analyzers from `releasegate lint`.
var Check = NewCheck(Options{})
