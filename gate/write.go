package gate

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/releasegate/releasegate/gate/probereport"
	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Formats are the output formats the gate writes. SARIF is for files;
// gate findings are about registries, not lines.
var Formats = []string{"text", "json", "github"}

// CheckFormat validates --format for gate commands.
func CheckFormat(f string) error {
	if f == "sarif" {
		return fmt.Errorf("--format sarif: gate results are about registries, not files; use text, json or github")
	}
	return report.CheckFormat(f, Formats)
}

// WriteOptions tune the writers.
type WriteOptions struct {
	Color bool
	Quiet bool
	Tool  report.Tool // the binary that decided, for the JSON "tool"
}

// Write renders a result.
func Write(w io.Writer, format string, res *Result, opt WriteOptions) error {
	switch format {
	case "json":
		report.EmptyCollections(res) // [] and {}, never null, in violations and facts alike
		// "version" is the document format; "tool" the binary that wrote it.
		doc := struct {
			Version int         `json:"version"`
			Tool    report.Tool `json:"tool"`
			*Result
		}{res.Version, opt.Tool, res}
		return report.WriteJSON(w, doc)
	case "github":
		return writeGitHub(w, res)
	case "text":
		return writeText(w, res, opt)
	}
	return CheckFormat(format)
}

// marks maps targets to the violations reported on them.
func marks(vs []policies.Violation) map[string][]policies.Violation {
	m := map[string][]policies.Violation{}
	for _, v := range vs {
		m[v.Target] = append(m[v.Target], v)
	}
	return m
}

// mark is the symbol for the worst violation in vs.
func mark(vs []policies.Violation) string {
	worst := 0
	for _, v := range vs {
		worst = max(worst, v.Severity.Rank())
		if v.Rule == gaterule.Unverifiable {
			return "?"
		}
	}
	switch worst {
	case 3:
		return "✗"
	case 2:
		return "!"
	case 1:
		return "·"
	}
	return "✓"
}

func ruleIDs(vs []policies.Violation) string {
	if len(vs) == 0 {
		return ""
	}
	var ids []string
	for _, v := range vs {
		if id := report.Text(v.Rule); !slices.Contains(ids, id) {
			ids = append(ids, id) // a policy of the repository's may name its rule
		}
	}
	return " [" + strings.Join(ids, ", ") + "]"
}

// Short abbreviates a digest to 12 hex characters.
func Short(d string) string {
	if strings.HasPrefix(d, "sha256:") && len(d) > 19 {
		return d[:19]
	}
	return d
}

// paintMark colours a mark from mark().
func paintMark(p report.Painter, m string) string {
	switch m {
	case "✗", "?":
		return p.Alarm(m)
	case "!":
		return p.Caution(m)
	case "✓":
		return p.OK(m)
	}
	return m
}

// writeText prints a tree per image: each tag with its digest and
// per-platform digests and a mark per check, then the violations and the
// decision.
func writeText(w io.Writer, res *Result, opt WriteOptions) error {
	p := report.NewPainter(opt.Color)
	f := res.Facts
	var b strings.Builder
	if opt.Quiet && res.Decision == Pass && len(res.Violations) == 0 {
		return nil
	}
	title := "releasegate gate " + res.Phase
	if f.Version != "" {
		title += " " + report.Text(f.Version)
	}
	if res.Probe != nil && res.Probe.Shard != "" {
		title += " (shard " + res.Probe.Shard + ")"
	}
	b.WriteString(title + "\n")
	writeCatalogs(&b, p, res.Probe)
	byTarget := marks(res.Violations)
	for _, img := range f.Images {
		if img.Listed {
			continue // a catalog's broken tags: the summary and the violations say it all
		}
		fmt.Fprintf(&b, "\n%s%s\n", report.Text(img.Image), ruleIDs(byTarget[img.Image]))
		writeTag(&b, p, img.Version, nil, byTarget)
		for _, t := range img.Moving {
			writeTag(&b, p, t, &img.Version, byTarget)
		}
		for _, t := range img.Arch {
			writeTag(&b, p, t, &img.Version, byTarget)
		}
		writeIntegrity(&b, p, img, byTarget)
		writeAttestations(&b, p, img, byTarget)
	}
	if len(res.Violations) > 0 {
		b.WriteString("\n")
		for _, v := range res.Violations {
			fmt.Fprintf(&b, "%s: %s: %s %s\n", report.Text(v.Target), p.Severity(v.Severity), report.Text(v.Message), p.Dim("["+report.Text(v.Rule)+"]"))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", summaryLine(res))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCatalogs prints one line per registry a probe walked through its
// catalog; the tags with problems follow as trees of their own.
func writeCatalogs(b *strings.Builder, p report.Painter, s *probereport.Summary) {
	if s == nil {
		return
	}
	for _, r := range s.Registries {
		if !r.Catalog {
			continue
		}
		m := "✓"
		switch {
		case !r.CatalogAccessible || r.Unverifiable > 0:
			m = "?"
		case r.BrokenTags > 0:
			m = "✗"
		}
		fmt.Fprintf(b, "\n%s %s catalog: %s, %s, %s checked, %s",
			paintMark(p, m), report.Text(r.Registry), report.Count(r.Repositories, "repository", "repositories"),
			report.Plural(r.Tags, "tag"), report.Plural(r.Objects, "object"), report.Plural(r.BrokenTags, "broken tag"))
		if !r.CatalogAccessible {
			b.WriteString("; the catalog could not be listed to the end")
		}
		b.WriteString("\n")
	}
}

func writeTag(b *strings.Builder, p report.Painter, t registry.TagFact, version *registry.TagFact, byTarget map[string][]policies.Violation) {
	if t.Tag == "" {
		return
	}
	vs := byTarget[t.Ref]
	head := fmt.Sprintf("  %s %-14s", paintMark(p, mark(vs)), report.Text(t.Tag))
	switch t.State {
	case registry.Absent:
		fmt.Fprintf(b, "%s absent%s\n", head, ruleIDs(vs))
		return
	case registry.Unknown:
		fmt.Fprintf(b, "%s unknown%s\n", head, ruleIDs(vs))
		return
	}
	kind := "image"
	if t.Index {
		kind = "index"
	}
	extra := ""
	if t.Platform != "" {
		extra = " for " + report.Text(t.Platform)
	}
	if version != nil && version.State == registry.Present && t.Digest == version.Digest {
		extra += " (= " + report.Text(version.Tag) + ")"
	}
	fmt.Fprintf(b, "%s %s %s%s%s\n", head, report.Text(Short(t.Digest)), kind, extra, ruleIDs(vs))
	if !t.Index || (version != nil && t.Digest == version.Digest) {
		return
	}
	plats := make([]string, 0, len(t.Platforms))
	for pl := range t.Platforms {
		plats = append(plats, pl)
	}
	slices.Sort(plats)
	for _, pl := range plats {
		note := ""
		if version != nil && version.Platforms[pl] != "" && version.Platforms[pl] != t.Platforms[pl] {
			note = "  ≠ " + report.Text(version.Tag) + " " + report.Text(Short(version.Platforms[pl]))
		}
		fmt.Fprintf(b, "      %-14s %s%s\n", report.Text(pl), report.Text(Short(t.Platforms[pl])), note)
	}
}

func writeIntegrity(b *strings.Builder, p report.Painter, img *ImageFacts, byTarget map[string][]policies.Violation) {
	if len(img.Integrity) == 0 {
		return
	}
	var bad []policies.Violation
	counts := map[string]int{}
	for _, o := range img.Integrity {
		counts[o.State]++
		bad = append(bad, notAttestation(byTarget[o.Ref])...)
	}
	// A probe reports integrity on the tag it walked.
	for _, v := range byTarget[img.Version.Ref] {
		if v.Rule == gaterule.IntegrityMissing {
			bad = append(bad, v)
		}
	}
	line := report.Plural(len(img.Integrity), "object") + " walked"
	for _, s := range []string{registry.Missing, registry.Mismatch, registry.Unknown} {
		if counts[s] > 0 {
			line += fmt.Sprintf(", %d %s", counts[s], s)
		}
	}
	fmt.Fprintf(b, "  %s %-14s %s%s\n", paintMark(p, mark(bad)), "integrity", line, ruleIDs(bad))
	for _, o := range img.Integrity {
		if o.State != registry.Present {
			fmt.Fprintf(b, "      %s %s %s %s\n", o.Kind, report.Text(Short(o.Digest)), report.Text(o.Platform), o.State)
		}
	}
}

// notAttestation drops attestation-* violations, which target the same
// digest references as integrity objects but get their own row.
func notAttestation(vs []policies.Violation) []policies.Violation {
	var out []policies.Violation
	for _, v := range vs {
		if !strings.HasPrefix(v.Rule, gaterule.AttestationRulePrefix) {
			out = append(out, v)
		}
	}
	return out
}

// writeAttestations summarises the attestation checks of one image. The
// per-digest facts come from registry/attest (Verify.Attestations);
// each names the digest reference its violations target.
func writeAttestations(b *strings.Builder, p report.Painter, img *ImageFacts, byTarget map[string][]policies.Violation) {
	if len(img.Attestations) == 0 {
		return
	}
	var bad []policies.Violation
	for _, a := range img.Attestations {
		for _, v := range byTarget[a.TargetRef()] {
			if strings.HasPrefix(v.Rule, gaterule.AttestationRulePrefix) {
				bad = append(bad, v)
			}
		}
	}
	fmt.Fprintf(b, "  %s %-14s %s checked%s\n", paintMark(p, mark(bad)), "attestations", report.Plural(len(img.Attestations), "digest"), ruleIDs(bad))
}

func summaryLine(res *Result) string {
	counts := map[rule.Severity]int{}
	for _, v := range res.Violations {
		counts[v.Severity]++
	}
	return fmt.Sprintf("decision: %s (%s); requests: %s",
		res.Decision, report.Severities(counts[rule.Error], counts[rule.Warning], counts[rule.Note]), res.Requests)
}

// writeGitHub emits one workflow command per violation. Gate violations
// have no file, so they annotate the run rather than a line.
func writeGitHub(w io.Writer, res *Result) error {
	var b strings.Builder
	for _, v := range res.Violations {
		fmt.Fprintf(&b, "::%s title=%s::%s\n", report.GitHubLevel(v.Severity), report.EscapeProperty(v.Rule), report.EscapeData(v.Target+": "+v.Message))
	}
	fmt.Fprintf(&b, "::notice title=releasegate gate %s::%s\n", report.EscapeProperty(res.Phase), report.EscapeData(summaryLine(res)))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteStepSummary appends the Markdown summary for $GITHUB_STEP_SUMMARY.
func WriteStepSummary(w io.Writer, res *Result) error {
	var b strings.Builder
	icon := map[string]string{Pass: "✅", Skip: "⏭️", Fail: "❌", Error: "⚠️"}[res.Decision]
	fmt.Fprintf(&b, "### releasegate gate %s %s: %s %s\n\n", res.Phase, report.MarkdownCell(res.Facts.Version), icon, res.Decision)
	writeCatalogTable(&b, res.Probe)
	b.WriteString("| image | tag | digest | platforms | checks |\n| --- | --- | --- | --- | --- |\n")
	byTarget := marks(res.Violations)
	for _, img := range res.Facts.Images {
		for _, t := range append(append([]registry.TagFact{img.Version}, img.Moving...), img.Arch...) {
			if t.Tag == "" {
				continue
			}
			digest := t.State
			if t.State == registry.Present {
				digest = report.MarkdownCode(Short(t.Digest))
			}
			var plats []string
			for pl, d := range t.Platforms {
				plats = append(plats, report.MarkdownCell(pl)+" "+report.MarkdownCode(Short(d)))
			}
			slices.Sort(plats)
			checks := "✅"
			if vs := byTarget[t.Ref]; len(vs) > 0 {
				checks = mark(vs) + strings.TrimPrefix(ruleIDs(vs), " ")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", report.MarkdownCell(img.Image), report.MarkdownCell(t.Tag), digest, strings.Join(plats, "<br>"), report.MarkdownCell(checks))
		}
	}
	if len(res.Violations) > 0 {
		b.WriteString("\n| rule | severity | target | message |\n| --- | --- | --- | --- |\n")
		for _, v := range res.Violations {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", report.MarkdownCode(v.Rule), report.MarkdownCell(string(v.Severity)), report.MarkdownCell(v.Target), report.MarkdownCell(v.Message))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", report.MarkdownCell(summaryLine(res)))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteOutputs appends decision= and skip= for $GITHUB_OUTPUT.
func WriteOutputs(w io.Writer, res *Result) error {
	_, err := fmt.Fprintf(w, "decision=%s\nskip=%t\n", res.Decision, res.Decision == Skip)
	return err
}

// writeCatalogTable is the step summary's line per catalog walked.
func writeCatalogTable(b *strings.Builder, s *probereport.Summary) {
	if s == nil || !slices.ContainsFunc(s.Registries, func(r probereport.Registry) bool { return r.Catalog }) {
		return
	}
	b.WriteString("| registry | catalog | repositories | tags | objects | broken tags |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range s.Registries {
		if !r.Catalog {
			continue
		}
		listed := "✅ listed"
		if !r.CatalogAccessible {
			listed = "⚠️ not listed to the end"
		}
		fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d |\n", report.MarkdownCell(r.Registry), listed, r.Repositories, r.Tags, r.Objects, r.BrokenTags)
	}
	b.WriteString("\n")
}
