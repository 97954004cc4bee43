// Package catalog assembles every lint check and every rule description,
// so the CLI, SARIF output, `releasegate explain` and docs/rules.md share
// one list. Each fact of a rule (severity, security severity, precision,
// documentation) lives in its rule.Rule literal next to the check that
// reports it; this package only puts them in order.
package catalog

import (
	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/checks/deletescope"
	"github.com/releasegate/releasegate/checks/emptyexpr"
	"github.com/releasegate/releasegate/checks/failurestep"
	"github.com/releasegate/releasegate/checks/goanalysis"
	"github.com/releasegate/releasegate/checks/localuses"
	"github.com/releasegate/releasegate/checks/parity"
	"github.com/releasegate/releasegate/checks/runbooklink"
	"github.com/releasegate/releasegate/checks/secretscope"
	"github.com/releasegate/releasegate/checks/unevaluateddefault"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/rule"
)

// Checks returns the lint checks in the order they are listed.
func Checks() []lint.Check {
	return []lint.Check{
		actionlintrules.Check,
		secretscope.Check,
		deletescope.Check,
		emptyexpr.Check, unevaluateddefault.Check, failurestep.Check,
		localuses.Check,
		parity.Check,
		runbooklink.Check,
		goanalysis.Check,
	}
}

// Rules returns every rule: lint checks' rules, then Go analyzers, then
// gate policies.
func Rules() *rule.Set {
	var groups [][]rule.Rule
	for _, c := range Checks() {
		groups = append(groups, c.Rules)
	}
	groups = append(groups, gaterule.Rules, gaterule.AttestationRules)
	return rule.NewSet(groups...)
}
