package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/releasegate/releasegate/checks/catalog"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// The JSON Schemas of the two halves' outputs, kept in the repository.
const (
	LintSchema = "../../../report/lint.schema.json"
	GateSchema = "../../../gate/gate.schema.json"
	// CleanupSchema is gate cleanup's JSON output.
	CleanupSchema = "../../../gate/cleanup.schema.json"
	sarifSchema   = "testdata/sarif-schema-2.1.0.json"
)

// schemas caches compiled schemas across the tests of the package.
var schemas sync.Map

// packageDir is where the tests start; they change directory (t.Chdir)
// into the repositories they lint.
var packageDir, _ = os.Getwd()

// compileSchema compiles a JSON Schema file of the repository.
func compileSchema(t testing.TB, file string) *jsonschema.Schema {
	t.Helper()
	if sch, ok := schemas.Load(file); ok {
		return sch.(*jsonschema.Schema)
	}
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join(packageDir, file))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	schemas.Store(file, sch)
	return sch
}

// ValidateJSON fails the test unless out, a command's JSON output, is
// valid against the schema file. External tests of the package use it.
func ValidateJSON(t testing.TB, schemaFile, out string) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if err := compileSchema(t, schemaFile).Validate(doc); err != nil {
		t.Fatalf("output does not validate against %s: %v\n%s", filepath.Base(schemaFile), err, out)
	}
}

// fixtures lists every fixture repository.
func fixtures(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("../../../fixtures/testdata/*/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var out []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			abs, _ := filepath.Abs(d)
			out = append(out, abs)
		}
	}
	return out
}

// sarifLog is the part of a SARIF log GitHub code scanning requires or
// reads, decoded to check it.
type sarifLog struct {
	Runs []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID               string `json:"id"`
					HelpURI          string `json:"helpUri"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					Properties struct {
						Tags             []string `json:"tags"`
						Precision        string   `json:"precision"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			ExitCode            int  `json:"exitCode"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
						EndLine     int `json:"endLine"`
						EndColumn   int `json:"endColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// tokenRule reports whether a rule is about credentials, which code
// scanning must show as security alerts.
func tokenRule(id string) bool {
	return strings.HasPrefix(id, "secret-") || id == "delete-scope" || id == "go-secret-variant" || id == "go-delete-scope"
}

// TestSARIFEveryFixture validates the SARIF of every fixture against the
// official SARIF 2.1.0 schema (testdata, from OASIS) and checks what
// GitHub code scanning needs beyond it: a fingerprint per result, help
// and a help URI per rule, security severities on the token rules, end
// positions, the exit code.
func TestSARIFEveryFixture(t *testing.T) {
	results := 0
	for _, dir := range fixtures(t) {
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			code, out, stderr := run(t, dir, "lint", "--format", "sarif")
			if code == 2 {
				t.Fatalf("exit 2: %s", stderr)
			}
			ValidateJSON(t, sarifSchema, out)
			var log sarifLog
			if err := json.Unmarshal([]byte(out), &log); err != nil {
				t.Fatal(err)
			}
			checkGitHubSARIF(t, log, code)
			results += len(log.Runs[0].Results)
		})
	}
	if results == 0 {
		t.Fatal("no fixture produced a result: the checks above ran on nothing")
	}
}

func checkGitHubSARIF(t *testing.T, log sarifLog, code int) {
	t.Helper()
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs", len(log.Runs))
	}
	r := log.Runs[0]
	if r.Tool.Driver.Name != "releasegate" || r.ColumnKind != "unicodeCodePoints" || len(r.Invocations) != 1 || r.Invocations[0].ExitCode != code {
		t.Errorf("driver %q, columnKind %q, invocations %+v; want releasegate and the exit code %d", r.Tool.Driver.Name, r.ColumnKind, r.Invocations, code)
	}
	rules := r.Tool.Driver.Rules
	for _, ru := range rules {
		p := ru.Properties
		switch {
		case ru.HelpURI != rule.DocURL(ru.ID):
			t.Errorf("rule %s: helpUri %q", ru.ID, ru.HelpURI)
		case ru.ShortDescription.Text == "" || ru.Help.Text == "" || !strings.Contains(ru.Help.Markdown, "Rule `"+ru.ID+"`"):
			t.Errorf("rule %s: help %+v", ru.ID, ru.Help)
		case !slices.Contains([]string{"very-high", "high", "medium", "low"}, p.Precision):
			t.Errorf("rule %s: precision %q", ru.ID, p.Precision)
		case tokenRule(ru.ID) != slices.Contains(p.Tags, "security"):
			t.Errorf("rule %s: tags %v", ru.ID, p.Tags)
		case tokenRule(ru.ID) != (p.SecuritySeverity != ""):
			t.Errorf("rule %s: security-severity %q", ru.ID, p.SecuritySeverity)
		}
		if s, err := strconv.ParseFloat(p.SecuritySeverity, 64); p.SecuritySeverity != "" && (err != nil || s <= 0 || s > 10) {
			t.Errorf("rule %s: security-severity %q is not a score in (0, 10]", ru.ID, p.SecuritySeverity)
		}
	}
	for _, res := range r.Results {
		fp := res.PartialFingerprints["primaryLocationLineHash"]
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID || res.Message.Text == "" || fp == "" {
			t.Errorf("result %s: rule index %d, message %q, fingerprint %q", res.RuleID, res.RuleIndex, res.Message.Text, fp)
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %s: %d locations", res.RuleID, len(res.Locations))
		}
		loc := res.Locations[0].PhysicalLocation
		reg := loc.Region
		if filepath.IsAbs(loc.ArtifactLocation.URI) || strings.HasPrefix(loc.ArtifactLocation.URI, "..") || reg.StartLine < 1 || reg.StartColumn < 1 {
			t.Errorf("result %s: location %+v is not a relative file position", res.RuleID, loc)
		}
		if reg.EndLine < reg.StartLine || (reg.EndLine == reg.StartLine && reg.EndColumn <= reg.StartColumn) {
			t.Errorf("result %s: region %+v has no end after its start", res.RuleID, reg)
		}
	}
}

// TestSARIFFingerprintsSurviveLineShifts: lines added above findings move
// them, but their fingerprints stay, so code scanning keeps each alert.
func TestSARIFFingerprintsSurviveLineShifts(t *testing.T) {
	src, _ := filepath.Abs("../../../fixtures/testdata/tokens/violations")
	fingerprints := func(dir string) (map[string]int, []int) {
		_, out, _ := run(t, dir, "lint", "--format", "sarif")
		var log sarifLog
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		fps := map[string]int{}
		var lines []int
		for _, r := range log.Runs[0].Results {
			fps[r.RuleID+" "+r.PartialFingerprints["primaryLocationLineHash"]]++
			lines = append(lines, r.Locations[0].PhysicalLocation.Region.StartLine)
		}
		return fps, lines
	}
	before, linesBefore := fingerprints(src)
	shifted := t.TempDir()
	if err := os.CopyFS(shifted, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(shifted, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".yml") && !strings.HasSuffix(p, ".md")) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		prefix := "# moved down\n# by a comment\n\n"
		if strings.HasSuffix(p, ".md") {
			prefix = "Intro.\n\nMore intro.\n\n"
		}
		return os.WriteFile(p, append([]byte(prefix), b...), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	after, linesAfter := fingerprints(shifted)
	if len(before) == 0 || slices.Equal(linesBefore, linesAfter) {
		t.Fatalf("the lines did not move: %v", linesBefore)
	}
	for fp, n := range before {
		if strings.HasPrefix(fp, "secret-required") {
			continue // reported on the first line, which the shift replaced
		}
		if after[fp] != n {
			t.Errorf("fingerprint %s: %d before, %d after the shift", fp, n, after[fp])
		}
	}
}

// TestRulesDoc keeps docs/rules.md, the page SARIF helpUri points into,
// in step with the catalogue: it is generated (run the test with
// RELEASEGATE_UPDATE_DOCS=1 to rewrite it), and every rule id is a
// heading whose GitHub anchor is the id.
func TestRulesDoc(t *testing.T) {
	file := filepath.Join(packageDir, "../../../docs/rules.md")
	want := rulesDoc(catalog.Rules())
	if os.Getenv("RELEASEGATE_UPDATE_DOCS") != "" {
		if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Errorf("docs/rules.md is not what the catalogue says; run RELEASEGATE_UPDATE_DOCS=1 go test ./cmd/internal/cli -run TestRulesDoc")
	}
	for _, id := range catalog.Rules().IDs() {
		if strings.Trim(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || !strings.Contains(string(got), "\n## "+id+"\n") {
			t.Errorf("rule %s: no heading %q whose anchor is the id", id, "## "+id)
		}
	}
}

// rulesDoc renders docs/rules.md: a table of every rule, then a section
// per rule (the same text as SARIF help).
func rulesDoc(set *rule.Set) string {
	var b strings.Builder
	b.WriteString("# Rules\n\n" +
		"<!-- Generated from the rule catalogue by TestRulesDoc in cmd/internal/cli; do not edit by hand. -->\n\n" +
		"Every rule releasegate reports: why it matters, an example it reports, the same example fixed, and how to fix it. " +
		"`releasegate rules` lists them and `releasegate explain RULE` prints one; SARIF output links each rule here " +
		"(`helpUri`), so code scanning alerts open the rule's section.\n\n" +
		"| rule | half | default severity | summary |\n| --- | --- | --- | --- |\n")
	for _, r := range set.All() {
		b.WriteString("| [`" + r.ID + "`](#" + r.ID + ") | " + string(r.Half) + " | " + string(r.Severity) + " | " + strings.ReplaceAll(r.Summary, "|", `\|`) + " |\n") // our own words: only the table's "|" needs escaping
	}
	for _, r := range set.All() {
		b.WriteString("\n## " + r.ID + "\n\n" + report.RuleMarkdown(r))
	}
	return b.String()
}

// TestLintJSONSchema validates lint's JSON against report/lint.schema.json:
// every fixture, a run with input errors and one with warnings.
func TestLintJSONSchema(t *testing.T) {
	for _, dir := range fixtures(t) {
		_, out, _ := run(t, dir, "lint", "--format", "json")
		ValidateJSON(t, LintSchema, out)
	}
	broken := writeTree(t, map[string]string{
		".github/workflows/x.yml": "on: push\njobs:\n  a: [\n",
		"README.md":               "# x\n",
		".releasegate.yaml":       "version: 1\nexclude: [nowhere/**]\n",
	})
	code, out, _ := run(t, broken, "lint", "--format", "json")
	if code != 2 || !strings.Contains(out, `"errors": [`) || !strings.Contains(out, "nowhere/**") {
		t.Fatalf("exit %d, want 2 with an error and a warning:\n%s", code, out)
	}
	ValidateJSON(t, LintSchema, out)
}
