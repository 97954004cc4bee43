// Package goanalysis runs releasegate's Go analyzers (go-secret-variant,
// go-delete-scope, go-json-interpolation) as part of `releasegate lint`.
// The analyzers themselves are listed in ./suite, which the other drivers
// use: cmd/releasegate-vet (go vet -vettool) and the golangci-lint module
// plugin in ./plugin.
//
// The lint check never compiles the scanned code. It reads the packages
// under the scanned paths itself (go/build: file names and build
// constraints), parses and type-checks them, and asks the go command only
// for export data of the packages they import from outside the scanned
// tree — offline, with CGO_ENABLED=0 and a deadline. The analyzers run
// with go/analysis/checker over the scanned packages only: facts flow
// between them, dependencies are never analysed, which is what keeps lint
// fast. A Go file that does not parse makes the run exit 2; a package
// that does not fully type-check (a dependency missing from the module
// cache, a cgo file) is analysed with the types that could be
// established and reported once as a warning on one of its files; a
// module the go command cannot load at all is read with the standard
// library's types, with one warning on its go.mod; a tree without Go
// code is not an error.
package goanalysis

import (
	"github.com/releasegate/releasegate/checks/goanalysis/suite"
)

// Rules documents the three Go rules.
var Rules = suite.Rules

// Check runs the analyzers from `releasegate lint`.
var Check = NewCheck(Options{})
