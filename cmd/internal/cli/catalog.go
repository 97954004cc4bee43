package cli

// The catalogue assembles every lint check and every rule description,
// so the CLI, SARIF output, `releasegate explain` and docs/rules.md share
// one list.

import (
	"slices"

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
	groups = append(groups, gaterule.Rules)
	groups = append(groups, gaterule.AttestationRules)
	for i, g := range groups {
		g = slices.Clone(g) // the packages' own descriptions stay as they are
		for j := range g {
			g[j].SecuritySeverity = securitySeverity[g[j].ID]
			g[j].Precision = precision[g[j].ID]
		}
		groups[i] = g
	}
	return rule.NewSet(groups...)
}

// securitySeverity marks the token rules as security rules for code
// scanning, scored as GitHub ranks them (9.0+ critical, 7.0+ high, 4.0+
// medium). A token reaching code that should not hold it, or a delete that
// can only fail halfway through a recovery, is high; a name that escapes
// the declared scopes or a lost reference is medium.
var securitySeverity = map[string]string{
	"secret-scope":      "8.0",
	"secret-bulk":       "8.0",
	"delete-scope":      "7.5",
	"go-delete-scope":   "7.5",
	"secret-variant":    "6.5",
	"go-secret-variant": "6.5",
	"secret-required":   "5.0",
}

// precision is code scanning's precision for rules whose findings are
// less certain than "high" (the default): comparisons of prose.
var precision = map[string]string{
	"parity-drift": "medium",
}
