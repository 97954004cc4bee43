package report

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/releasegate/releasegate/rule"
)

// The SARIF 2.1.0 subset that GitHub code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	// ColumnKind says columns count characters, as findings' do.
	ColumnKind string `json:"columnKind"`
	// OriginalURIBaseIDs leaves %SRCROOT% to the consumer (the checkout).
	OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifText         `json:"help"`
	HelpURI              string            `json:"helpUri,omitempty"`
	DefaultConfiguration map[string]string `json:"defaultConfiguration"`
	Properties           sarifRuleProps    `json:"properties"`
}

// sarifRuleProps are the rule properties GitHub code scanning reads: tags
// (security marks a security alert), its precision and, for security
// rules, the severity it ranks them by.
type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	ExitCode            int                 `json:"exitCode"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	// PartialFingerprints let code scanning keep an alert as the same
	// alert across runs while lines move (see Fingerprint).
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Fixes               []sarifFix         `json:"fixes,omitempty"`
}

// sarifFix is a finding's fix as SARIF says it: per file, regions to
// delete and the text to put in their place.
type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifact      `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifContent `json:"insertedContent,omitempty"`
}

type sarifContent struct {
	Text string `json:"text"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

func writeSARIF(w io.Writer, res *Result, opt Options) error {
	rules, index := sarifRules(res, opt.Rules)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "releasegate",
			Version:        opt.Tool.Version,
			InformationURI: "https://github.com/releasegate/releasegate",
			Rules:          rules,
		}},
		Invocations: []sarifInvocation{{
			ExecutionSuccessful: len(res.Errors) == 0 && res.Scanned.Total() > 0,
			ExitCode:            res.Outcome(cmp.Or(opt.FailOn, rule.Error)).ExitCode(),
		}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	notify := func(level string, e InputError) {
		n := sarifNotification{Level: level, Message: sarifText{Text: e.Message}}
		if e.File != "" {
			n.Locations = []sarifLocation{location(Finding{File: e.File, Line: e.Line, Column: e.Column})}
		}
		run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, n)
	}
	for _, e := range res.Errors {
		notify("error", e)
	}
	for _, e := range res.Warnings {
		notify("warning", e)
	}
	for _, f := range fingerprinted(res.Findings) {
		r := sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           index[f.Rule],
			Level:               string(f.Severity),
			Message:             sarifText{Text: f.Message},
			Locations:           []sarifLocation{location(f)},
			PartialFingerprints: map[string]string{fingerprintKey: f.Fingerprint},
		}
		if f.Suppressed {
			r.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.SuppressReason}}
		}
		if f.Fix != nil {
			r.Fixes = []sarifFix{fixOf(f.Fix)}
		}
		run.Results = append(run.Results, r)
	}
	return WriteJSON(w, sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifRules lists every known rule (so code scanning can show help for
// rules with no results yet) plus any rule id only seen in results.
func sarifRules(res *Result, set *rule.Set) ([]sarifRule, map[string]int) {
	var out []sarifRule
	index := map[string]int{}
	add := func(r rule.Rule) {
		if _, ok := index[r.ID]; ok {
			return
		}
		index[r.ID] = len(out)
		out = append(out, sarifRule{
			ID:                   r.ID,
			Name:                 r.ID,
			ShortDescription:     sarifText{Text: r.Summary},
			FullDescription:      sarifText{Text: firstNonEmpty(r.Why, r.Summary)},
			Help:                 sarifText{Text: helpText(r), Markdown: RuleMarkdown(r)},
			HelpURI:              rule.DocURL(r.ID),
			DefaultConfiguration: map[string]string{"level": string(r.Severity)},
			Properties:           ruleProps(r),
		})
	}
	if set != nil {
		for _, r := range set.All() {
			if r.Half != rule.Gate {
				add(r)
			}
		}
	}
	for _, f := range res.Findings {
		if _, ok := index[f.Rule]; !ok {
			add(rule.Rule{ID: f.Rule, Summary: f.Rule, Severity: f.Severity, Half: rule.Lint})
		}
	}
	return out, index
}

// ruleProps are a rule's tags, precision and security severity.
func ruleProps(r rule.Rule) sarifRuleProps {
	p := sarifRuleProps{Tags: []string{"releasegate", string(r.Half)}, Precision: cmp.Or(r.Precision, "high")}
	if r.SecuritySeverity != "" {
		p.Tags = append(p.Tags, "security")
		p.SecuritySeverity = r.SecuritySeverity
	}
	return p
}

// fingerprintKey names our fingerprint in partialFingerprints. GitHub's
// upload action computes primaryLocationLineHash only when it is absent.
const fingerprintKey = "primaryLocationLineHash"

// fingerprinted returns the findings, each with a fingerprint: lint sets
// them from the source text; findings made elsewhere get one from their
// message.
func fingerprinted(fs []Finding) []Finding {
	for _, f := range fs {
		if f.Fingerprint == "" {
			fs = slices.Clone(fs)
			Fingerprint(fs, nil)
			break
		}
	}
	return fs
}

// fixOf renders a fix: one artifact change per file, in edit order. An
// insertion deletes the empty region at its position.
func fixOf(fx *Fix) sarifFix {
	out := sarifFix{Description: sarifText{Text: fx.Description}, ArtifactChanges: []sarifArtifactChange{}}
	for _, e := range fx.Edits {
		n := len(out.ArtifactChanges)
		uri := strings.TrimPrefix(e.File, "./")
		if n == 0 || out.ArtifactChanges[n-1].ArtifactLocation.URI != uri {
			out.ArtifactChanges = append(out.ArtifactChanges, sarifArtifactChange{ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: "%SRCROOT%"}})
			n++
		}
		r := sarifReplacement{DeletedRegion: sarifRegion{StartLine: e.Line, StartColumn: e.Column, EndLine: e.EndLine, EndColumn: e.EndColumn}}
		if e.Text != "" {
			r.InsertedContent = &sarifContent{Text: e.Text}
		}
		out.ArtifactChanges[n-1].Replacements = append(out.ArtifactChanges[n-1].Replacements, r)
	}
	return out
}

func location(f Finding) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: strings.TrimPrefix(f.File, "./"), URIBaseID: "%SRCROOT%"},
	}}
	if f.Line > 0 {
		r := &sarifRegion{StartLine: f.Line, StartColumn: f.Column}
		if f.EndLine > f.Line || (f.EndLine == f.Line && f.EndColumn > f.Column) {
			r.EndLine, r.EndColumn = f.EndLine, f.EndColumn
		}
		loc.PhysicalLocation.Region = r
	}
	return loc
}

func helpText(r rule.Rule) string {
	var parts []string
	for _, p := range []string{r.Why, r.Fix} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return firstNonEmpty(strings.Join(parts, "\n\n"), r.Summary)
}

// RuleMarkdown documents a rule in Markdown: its summary, why it
// matters, a reported and a fixed example, and how to fix it. SARIF help
// and docs/rules.md use it.
func RuleMarkdown(r rule.Rule) string {
	var b strings.Builder
	b.WriteString(r.Summary + "\n\n")
	if r.Why != "" {
		b.WriteString(r.Why + "\n\n")
	}
	if r.Bad != "" {
		b.WriteString("Reported:\n\n" + codeBlock(r.Bad) + "\n")
	}
	if r.Good != "" {
		b.WriteString("Not reported:\n\n" + codeBlock(r.Good) + "\n")
	}
	if r.Fix != "" {
		b.WriteString("How to fix: " + r.Fix + "\n\n")
	}
	if r.AutoFix != "" {
		b.WriteString("Automatic fix (`releasegate lint --fix`): " + r.AutoFix + "\n\n")
	}
	b.WriteString("Rule `" + r.ID + "`, default severity " + string(r.Severity) + ", " + string(r.Half))
	if r.SecuritySeverity != "" {
		b.WriteString("; a security rule for code scanning, security-severity " + r.SecuritySeverity)
	}
	b.WriteString(".\n")
	return b.String()
}

// codeBlock fences text with a backtick run longer than any inside it.
func codeBlock(text string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fence + "\n" + strings.TrimRight(text, "\n") + "\n" + fence + "\n"
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
