// Package catalog assembles every lint check and every rule description,
// so the CLI, SARIF output and `releasegate explain` share one list.
package catalog

import (
	"github.com/releasegate/releasegate/checks/actionlintrules"
	"github.com/releasegate/releasegate/checks/deletescope"
	"github.com/releasegate/releasegate/checks/lint"
	"github.com/releasegate/releasegate/checks/secretscope"
	"github.com/releasegate/releasegate/internal/rule"
)

// Checks returns the lint checks in the order they are listed.
func Checks() []lint.Check {
	return []lint.Check{
		actionlintrules.Check,
		secretscope.Check,
		deletescope.Check,
	}
}

// Rules returns every rule: lint checks' rules, then Go analyzers, then
// gate policies.
func Rules() *rule.Set {
	var groups [][]rule.Rule
	for _, c := range Checks() {
		groups = append(groups, c.Rules)
	}
	return rule.NewSet(groups...)
}
