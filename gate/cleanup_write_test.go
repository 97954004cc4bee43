package gate

import (
	"bytes"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/registry/tagdelete"
	"github.com/releasegate/releasegate/report/reporttest"
)

// TestCleanupOutputForgesNoCommand: a registry's error text, a tag from a
// hand-edited ledger and the finish command reach every cleanup format;
// none of them may start a workflow command line or carry "##[".
func TestCleanupOutputForgesNoCommand(t *testing.T) {
	forged := "denied\n::error file=README.md::forged ##[add-mask]secret"
	res := &CleanupResult{
		Version: 1, Phase: "cleanup", Release: "1.1.0\n::stop-commands::x", Decision: Fail, Source: "ledger.json",
		Items: []CleanupItem{{
			Image: "registry.test/acme/app", Tag: "1.1.0-amd64", Ref: "registry.test/acme/app:1.1.0-amd64\n::warning::x",
			Kind: "arch", Action: "delete", Why: "orphan-arch-tag", Reasons: []string{forged},
			Outcome: string(tagdelete.Refused), Message: forged, Manual: forged,
		}},
		Finish: forged, Errors: []string{forged},
	}
	for _, format := range []string{"text", "json", "github"} {
		var out bytes.Buffer
		if err := WriteCleanup(&out, format, res, WriteOptions{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		// In the github format the message stays inside releasegate's own
		// "::warning" line, which the runner reads as that command alone.
		if format != "github" && strings.Contains(out.String(), "##[") {
			t.Errorf("%s: output carries ##[:\n%s", format, out.String())
		}
		for _, cmd := range reporttest.Commands(out.String()) {
			if format == "github" && (strings.HasPrefix(cmd, "::error ") || strings.HasPrefix(cmd, "::warning ") || strings.HasPrefix(cmd, "::notice ")) {
				continue // the annotations releasegate writes itself
			}
			t.Errorf("%s: a line forges a workflow command: %q\n%s", format, cmd, out.String())
		}
	}
}
