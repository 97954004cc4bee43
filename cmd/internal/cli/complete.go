package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/rule"
)

// Shell completion (cobra's `releasegate completion bash|zsh|fish|powershell`)
// of flag values: formats, severities, colour modes and rule ids.

// completeRuleList completes a comma-separated list of rule ids (--disable
// a,b): the ids not yet in the list, after what was typed before the last
// comma.
func (c *common) completeRuleList(cmd *cobra.Command, flag string, halves ...rule.Half) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		done, typed := cutLast(toComplete, ",")
		var out []string
		for _, id := range c.ruleIDs(halves...) {
			if strings.HasPrefix(id, typed) && !strings.Contains(","+done+",", ","+id+",") {
				out = append(out, strings.TrimPrefix(done+","+id, ","))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// completeRuleArg completes a command's one argument with rule ids.
func (c *common) completeRuleArg(_ *cobra.Command, args []string, typed string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, r := range c.Rules.All() {
		if strings.HasPrefix(r.ID, typed) {
			out = append(out, r.ID+"\t"+r.Summary)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// ruleIDs lists the ids of rules of the given halves (all when none).
func (c *common) ruleIDs(halves ...rule.Half) []string {
	var out []string
	for _, r := range c.Rules.All() {
		if len(halves) == 0 || containsHalf(halves, r.Half) {
			out = append(out, r.ID)
		}
	}
	return out
}

func containsHalf(hs []rule.Half, h rule.Half) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// cutLast splits s at the last sep: what comes before, and after.
func cutLast(s, sep string) (before, after string) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):]
	}
	return "", s
}
