package report

import (
	"encoding/json"
	"io"
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
	DefaultConfiguration map[string]string `json:"defaultConfiguration"`
	Properties           map[string]any    `json:"properties,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
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
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(res.Errors) == 0 && res.Scanned.Total() > 0}},
		Results:     []sarifResult{},
	}
	notify := func(level string, e InputError) {
		n := sarifNotification{Level: level, Message: sarifText{Text: e.Message}}
		if e.File != "" {
			n.Locations = []sarifLocation{location(e.File, e.Line, e.Column)}
		}
		run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, n)
	}
	for _, e := range res.Errors {
		notify("error", e)
	}
	for _, e := range res.Warnings {
		notify("warning", e)
	}
	for _, f := range res.Findings {
		r := sarifResult{
			RuleID:    f.Rule,
			RuleIndex: index[f.Rule],
			Level:     string(f.Severity),
			Message:   sarifText{Text: f.Message},
			Locations: []sarifLocation{location(f.File, f.Line, f.Column)},
		}
		if f.Suppressed {
			r.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.SuppressReason}}
		}
		run.Results = append(run.Results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
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
			Help:                 sarifText{Text: helpText(r), Markdown: helpMarkdown(r)},
			DefaultConfiguration: map[string]string{"level": string(r.Severity)},
			Properties:           map[string]any{"tags": []string{"releasegate", string(r.Half)}},
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

func location(file string, line, col int) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: strings.TrimPrefix(file, "./"), URIBaseID: "%SRCROOT%"},
	}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
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

func helpMarkdown(r rule.Rule) string {
	var b strings.Builder
	b.WriteString("**" + r.ID + "**: " + r.Summary + "\n\n")
	if r.Why != "" {
		b.WriteString(r.Why + "\n\n")
	}
	if r.Bad != "" {
		b.WriteString("Reported:\n\n```\n" + r.Bad + "\n```\n\n")
	}
	if r.Good != "" {
		b.WriteString("Fixed:\n\n```\n" + r.Good + "\n```\n\n")
	}
	if r.Fix != "" {
		b.WriteString(r.Fix + "\n")
	}
	return b.String()
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
