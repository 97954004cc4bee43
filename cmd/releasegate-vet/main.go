// Command releasegate-vet runs releasegate's Go analyzers under go vet:
//
//	go build -o releasegate-vet github.com/releasegate/releasegate/cmd/releasegate-vet
//	go vet -vettool=$PWD/releasegate-vet ./...
//
// Each package reads the .releasegate.yaml found upward from its
// directory; -go_secret_variant.config=FILE and -go_delete_scope.config=FILE
// name one explicitly.
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/releasegate/releasegate/checks/goanalysis/suite"
)

func main() { unitchecker.Main(suite.Analyzers()...) }
