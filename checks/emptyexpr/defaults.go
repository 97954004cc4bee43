package emptyexpr

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/rule"
)

// emptyMeansDefault lists optional inputs of well-known actions that take
// the empty string as "not set, use the default": an empty value there
// changes nothing the author would notice, so a finding about it is
// advice (a note), not an error. Each entry has a case in
// TestEmptyMeansDefault. Inputs where the empty string is an error (actions/checkout's
// token, for one) do not belong here.
var emptyMeansDefault = map[string][]string{
	"actions/checkout":           {"ref", "repository", "path"}, // the triggering commit, this repository, the workspace
	"actions/setup-go":           {"go-version"},                // go-version-file or the Go on the runner
	"actions/setup-node":         {"node-version"},              // node-version-file or the Node on the runner
	"actions/setup-python":       {"python-version"},            // python-version-file or the Python on the runner
	"actions/upload-artifact":    {"name"},                      // "artifact"
	"actions/download-artifact":  {"name", "path"},              // every artifact, into the workspace
	"docker/setup-buildx-action": {"version"},                   // the buildx on the runner
	"azure/setup-helm":           {"version"},                   // the latest release
}

// defaultWhenEmpty is rule.Note when value, given to input key of the
// action uses, is one expression alone and the action takes the empty string as its
// default; "" otherwise.
func defaultWhenEmpty(uses *actionlint.String, key string, value *actionlint.String, xs []expr.Expr) rule.Severity {
	if uses == nil || value == nil || !onlyExpr(value.Value, xs) {
		return ""
	}
	name, _, _ := strings.Cut(strings.ToLower(uses.Value), "@")
	for _, in := range emptyMeansDefault[name] {
		if in == strings.ToLower(key) {
			return rule.Note
		}
	}
	return ""
}
