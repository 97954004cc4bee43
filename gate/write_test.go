package gate

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/gate/probereport"
	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/report/reporttest"
	"github.com/releasegate/releasegate/rule"
)

// hostileResult is a probe's result in which every name a registry (or a
// repository's configuration and policies) chose is s: repository, tags,
// platforms, digests, targets and the messages quoting them.
func hostileResult(s string) *Result {
	image := "registry.example/" + s
	tag := func(t string) registry.TagFact {
		return registry.TagFact{Tag: t, Ref: image + ":" + t, Platform: s, State: registry.Present, Digest: "sha256:" + s, Index: true,
			Platforms: map[string]string{s: "sha256:" + s, "linux/amd64": "sha256:" + s + "x"}}
	}
	version := tag(s)
	moving := tag("latest" + s)
	moving.Digest = "sha256:other"
	return &Result{
		Phase: Probe{}.Name(), Decision: Fail,
		Facts: &Facts{Version: s, Images: []*ImageFacts{{
			Image: image, Version: version, Moving: []registry.TagFact{moving},
			Integrity: []registry.Object{{Kind: "manifest", Digest: "sha256:" + s, Platform: s, State: registry.Missing, Ref: image + "@sha256:" + s}},
		}}},
		Violations: []policies.Violation{
			{Rule: "integrity-missing", Severity: rule.Error, Target: version.Ref, Message: "tag " + s + " points at a missing manifest"},
			{Rule: s, Severity: rule.Warning, Target: s, Message: s},
		},
		Probe: &probereport.Summary{Registries: []probereport.Registry{{Registry: s, Catalog: true, CatalogAccessible: true, Repositories: 1}}},
	}
}

// TestTextForgesNoCommand: a tag or repository name with a line break,
// or with "::" or "##[" in it, does not become a workflow command in the
// text format GitHub's runner reads from stdout.
func TestTextForgesNoCommand(t *testing.T) {
	for _, s := range []string{
		"n\n::error file=README.md::forged",
		"::add-mask::ghs_token",
		"x\r\n  ::stop-commands::tok",
		"v ##[warning]from a registry",
		"\x1b]8;;https://evil.example\x07link",
	} {
		var b bytes.Buffer
		if err := Write(&b, "text", hostileResult(s), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if cmds := reporttest.Commands(out); len(cmds) > 0 {
			t.Errorf("%q: the text output has workflow commands %q:\n%s", s, cmds, out)
		}
		if strings.Contains(out, "\x1b") {
			t.Errorf("%q: the text output has a terminal escape:\n%s", s, out)
		}
		if !strings.Contains(out, "decision: fail") {
			t.Errorf("%q: no decision line:\n%s", s, out)
		}
	}
}

// TestStepSummaryRendersNoMarkup: names from a registry render as text in
// the gate's step summary; the only HTML is the <br> between platforms.
func TestStepSummaryRendersNoMarkup(t *testing.T) {
	for _, s := range []string{
		"a`b<img src=https://tracker.example/p.png>",
		"[approve](https://evil.example)",
		"https://evil.example|www.evil.example",
	} {
		var b bytes.Buffer
		if err := WriteStepSummary(&b, hostileResult(s)); err != nil {
			t.Fatal(err)
		}
		r := reporttest.Render(b.String())
		for _, m := range r.Markup {
			if m != "RawHTML: <br>" {
				t.Errorf("%q: the summary renders %q:\n%s", s, m, b.String())
			}
		}
		if !slices.Contains(r.Code, "sha256:"+s[:min(len(s), 12)]) {
			t.Errorf("%q: the digest is not one code span: %q", s, r.Code)
		}
		if !strings.Contains(r.Text, "registry.example/"+s) {
			t.Errorf("%q: the summary does not read the repository as text:\n%s", s, r.Text)
		}
	}
}
