// Package suite lists releasegate's Go analyzers for every driver:
// `releasegate lint` (checks/goanalysis), go vet (cmd/releasegate-vet) and
// golangci-lint (checks/goanalysis/plugin). It imports nothing of the lint
// engine, so the vet tool and the golangci-lint plugin stay small.
package suite

import (
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/releasegate/releasegate/checks/goanalysis/deletecall"
	"github.com/releasegate/releasegate/checks/goanalysis/internal/rgconfig"
	"github.com/releasegate/releasegate/checks/goanalysis/jsoninterp"
	"github.com/releasegate/releasegate/checks/goanalysis/secretvariant"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/rule"
)

// Rules documents the three Go rules, in analyzer order.
var Rules = []rule.Rule{secretvariant.Rule, deletecall.Rule, jsoninterp.Rule}

// Analyzers returns analyzers that discover .releasegate.yaml upward from
// each package, or read the file named by their -config flags.
func Analyzers() []*analysis.Analyzer { return build(&rgconfig.Source{}) }

// WithConfigFile returns analyzers that read path ("" = discover).
func WithConfigFile(path string) []*analysis.Analyzer { return build(rgconfig.File(path)) }

// WithConfig returns analyzers bound to an already loaded configuration,
// for `releasegate lint`, which applies inline suppressions itself.
func WithConfig(cfg *config.Config) []*analysis.Analyzer { return build(rgconfig.Fixed(cfg)) }

func build(src *rgconfig.Source) []*analysis.Analyzer {
	return []*analysis.Analyzer{secretvariant.New(src), deletecall.New(src), jsoninterp.New(src)}
}

// RuleID maps an analyzer name (go_delete_scope) to its rule id
// (go-delete-scope); analyzer names must be Go identifiers.
func RuleID(analyzer string) string { return strings.ReplaceAll(analyzer, "_", "-") }
