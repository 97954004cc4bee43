package alerts_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/releasegate/releasegate/gate/probemetrics"
)

const rulesFile = "releasegate-probe.rules.yml"

// The seeds' three alerts, and the stale probe's twin for a probe that
// never decided, each with the page of docs/probe.md its runbook_url
// points at.
var wantAlerts = []string{"RegistryCatalogInaccessible", "RegistryIntegrityProbeNeverDecided", "RegistryIntegrityProbeStale", "RegistryManifestIntegrityFailure"}

// interval is the probe's schedule (deploy/kubernetes): "*/15 * * * *".
const interval = 15 * time.Minute

func loadRules(t *testing.T) []rulefmt.Rule {
	t.Helper()
	groups, errs := rulefmt.ParseFile(rulesFile, false, model.UTF8Validation, parser.NewParser(parser.Options{}), nil)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", rulesFile, errs)
	}
	var rules []rulefmt.Rule
	for _, g := range groups.Groups {
		rules = append(rules, g.Rules...)
	}
	return rules
}

// metricNames lists every metric an expression selects.
func metricNames(t *testing.T, expr string) []string {
	t.Helper()
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	var names []string
	for _, sel := range parser.ExtractSelectors(e) {
		named := false
		for _, m := range sel {
			if m.Name == model.MetricNameLabel {
				names, named = append(names, m.Value), true
			}
		}
		if !named {
			t.Errorf("a selector in %q names no metric", expr)
		}
	}
	return names
}

// TestAlertsUseEmittedMetrics fails when the probe renames a metric the
// alerts rely on, or an alert names one the probe never emits.
func TestAlertsUseEmittedMetrics(t *testing.T) {
	var alerts []string
	for _, r := range loadRules(t) {
		alerts = append(alerts, r.Alert)
		names := metricNames(t, r.Expr)
		if len(names) == 0 {
			t.Errorf("%s: the expression names no metric", r.Alert)
		}
		for _, n := range names {
			if !slices.Contains(probemetrics.Names(), n) {
				t.Errorf("%s uses %s, which `gate probe` does not emit (it emits %v)", r.Alert, n, probemetrics.Names())
			}
		}
	}
	slices.Sort(alerts)
	if !slices.Equal(alerts, wantAlerts) {
		t.Errorf("alerts %v, want %v", alerts, wantAlerts)
	}
}

// TestAlertTiming: failures must persist over two runs before they page,
// and "stale" means older than two intervals.
func TestAlertTiming(t *testing.T) {
	for _, r := range loadRules(t) {
		switch r.Alert {
		case "RegistryManifestIntegrityFailure", "RegistryCatalogInaccessible":
			if d := time.Duration(r.For); d <= interval || d >= 2*interval {
				t.Errorf("%s: for %s; want more than one interval (%s) so one run cannot page, less than two", r.Alert, d, interval)
			}
		case "RegistryIntegrityProbeStale":
			if !strings.Contains(r.Expr, "> 1800") {
				t.Errorf("%s: want the last success older than two intervals (1800s): %s", r.Alert, r.Expr)
			}
		case "RegistryIntegrityProbeNeverDecided":
			if d := time.Duration(r.For); d != 2*interval {
				t.Errorf("%s: for %s; want two intervals (%s)", r.Alert, d, 2*interval)
			}
		}
	}
}

// TestRunbooksExist: each alert's runbook_url points at a heading of
// docs/probe.md.
func TestRunbooksExist(t *testing.T) {
	const prefix = "https://github.com/releasegate/releasegate/blob/main/"
	for _, r := range loadRules(t) {
		url := r.Annotations["runbook_url"]
		file, anchor, ok := strings.Cut(strings.TrimPrefix(url, prefix), "#")
		if !strings.HasPrefix(url, prefix) || !ok {
			t.Errorf("%s: runbook_url %q is not a link into the repository's docs", r.Alert, url)
			continue
		}
		if !slices.Contains(anchors(t, "../../"+file), anchor) {
			t.Errorf("%s: %s has no heading #%s", r.Alert, file, anchor)
		}
		if r.Annotations["summary"] == "" || r.Labels["severity"] == "" {
			t.Errorf("%s: no summary or severity", r.Alert)
		}
	}
}

// anchors lists the GitHub anchors of a Markdown file's headings.
func anchors(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if h, ok := strings.CutPrefix(s.Text(), "#"); ok {
			out = append(out, slug(strings.TrimLeft(h, "# ")))
		}
	}
	return out
}

func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}
