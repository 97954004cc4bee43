package probemetrics_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"

	"github.com/releasegate/releasegate/gate/probemetrics"
	"github.com/releasegate/releasegate/gate/probereport"
	"github.com/releasegate/releasegate/internal/pushgateway"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// run is a probe of one catalog that found acme/app:1.1.0 broken (or,
// undecided, could not list the catalog at all).
func run(decided bool, at time.Time) probemetrics.Run {
	requests := []probereport.Requests{{Method: "GET", Code: "200", Count: 7}, {Method: "HEAD", Code: "404", Count: 1}}
	s := &probereport.Summary{Decided: true, Requests: requests,
		Registries: []probereport.Registry{{Registry: "reg.example:5000", Catalog: true, CatalogAccessible: true,
			Repositories: 2, Tags: 10, Objects: 46, BrokenTags: 1}},
		Broken: []probereport.BrokenTag{{Registry: "reg.example:5000", Repository: "acme/app", Tag: "1.1.0", Rules: []string{"integrity-missing"}}},
	}
	if !decided {
		s = &probereport.Summary{Requests: requests,
			Registries: []probereport.Registry{{Registry: "reg.example:5000", Catalog: true, Unverifiable: 1}},
			Broken:     []probereport.BrokenTag{},
		}
	}
	return probemetrics.Run{Summary: s, Started: at.Add(-90 * time.Second), Finished: at}
}

// series renders families as sorted "name{labels} value" lines.
func series(fams map[string]*dto.MetricFamily) []string {
	var out []string
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			out = append(out, name+"{"+strings.Join(ls, ",")+"} "+model.SampleValue(m.GetGauge().GetValue()).String())
		}
	}
	slices.Sort(out)
	return out
}

func byName(fams []*dto.MetricFamily) map[string]*dto.MetricFamily {
	m := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		m[f.GetName()] = f
	}
	return m
}

var decidedSeries = []string{
	"releasegate_probe_broken_tags{registry=reg.example:5000} 1",
	"releasegate_probe_catalog_accessible{registry=reg.example:5000} 1",
	"releasegate_probe_duration_seconds{} 90",
	"releasegate_probe_last_success_timestamp_seconds{} " + model.SampleValue(t0.Unix()).String(),
	"releasegate_probe_objects_checked{registry=reg.example:5000} 46",
	"releasegate_probe_repositories{registry=reg.example:5000} 2",
	"releasegate_probe_requests{code=200,method=GET} 7",
	"releasegate_probe_requests{code=404,method=HEAD} 1",
	"releasegate_probe_tag_broken{registry=reg.example:5000,repository=acme/app,tag=1.1.0} 1",
	"releasegate_probe_tags{registry=reg.example:5000} 10",
	"releasegate_probe_unverifiable{registry=reg.example:5000} 0",
}

func TestFamilies(t *testing.T) {
	fams, err := probemetrics.Families(run(true, t0), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := series(byName(fams)); !slices.Equal(got, decidedSeries) {
		t.Errorf("decided run:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(decidedSeries, "\n"))
	}
	// Every name the package exports is emitted, and nothing else.
	var names []string
	for _, f := range fams {
		names = append(names, f.GetName())
	}
	if want := slices.Sorted(slices.Values(probemetrics.Names())); !slices.Equal(names, want) {
		t.Errorf("emitted %v, Names() says %v", names, want)
	}
	fams, _ = probemetrics.Families(run(false, t0), "2")
	want := []string{
		"releasegate_probe_catalog_accessible{registry=reg.example:5000,shard=2} 0",
		"releasegate_probe_duration_seconds{shard=2} 90",
		"releasegate_probe_requests{code=200,method=GET,shard=2} 7",
		"releasegate_probe_requests{code=404,method=HEAD,shard=2} 1",
		"releasegate_probe_unverifiable{registry=reg.example:5000,shard=2} 1",
	}
	if got := series(byName(fams)); !slices.Equal(got, want) {
		t.Errorf("undecided run:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func readFile(t *testing.T, path string) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := pushgateway.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// TestWriteFile: decided runs replace the file; an undecided run keeps the
// last findings and last success, and replaces how the run went.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "releasegate.prom")
	if err := probemetrics.WriteFile(path, run(true, t0), ""); err != nil {
		t.Fatal(err)
	}
	if got := series(readFile(t, path)); !slices.Equal(got, decidedSeries) {
		t.Errorf("after a decided run:\n%s", strings.Join(got, "\n"))
	}
	if err := probemetrics.WriteFile(path, run(false, t0.Add(15*time.Minute)), ""); err != nil {
		t.Fatal(err)
	}
	got := series(readFile(t, path))
	for _, want := range []string{
		"releasegate_probe_last_success_timestamp_seconds{} " + model.SampleValue(t0.Unix()).String(), // the decided run's
		"releasegate_probe_tag_broken{registry=reg.example:5000,repository=acme/app,tag=1.1.0} 1",
		"releasegate_probe_catalog_accessible{registry=reg.example:5000} 0", // this run's
		"releasegate_probe_unverifiable{registry=reg.example:5000} 1",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("after an undecided run, lacks %s:\n%s", want, strings.Join(got, "\n"))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := probemetrics.WriteFile(filepath.Join(dir, "missing", "x.prom"), run(true, t0), ""); err == nil ||
		!strings.Contains(err.Error(), "--metrics-file") {
		t.Errorf("unwritable directory: %v", err)
	}
}

func TestPush(t *testing.T) {
	pg := pushgateway.Start()
	defer pg.Close()
	ctx := context.Background()
	if err := probemetrics.Push(ctx, pg.URL, run(true, t0), "1"); err != nil {
		t.Fatal(err)
	}
	key := "job/releasegate-probe/shard/1"
	if got := series(pg.Group(key)); !slices.Equal(got, decidedSeries) {
		t.Errorf("pushed:\n%s", strings.Join(got, "\n"))
	}
	if err := probemetrics.Push(ctx, pg.URL, run(false, t0.Add(15*time.Minute)), "1"); err != nil {
		t.Fatal(err)
	}
	got := series(pg.Group(key))
	if !slices.Contains(got, "releasegate_probe_last_success_timestamp_seconds{} "+model.SampleValue(t0.Unix()).String()) ||
		!slices.Contains(got, "releasegate_probe_catalog_accessible{registry=reg.example:5000} 0") {
		t.Errorf("after an undecided push:\n%s", strings.Join(got, "\n"))
	}
	if p := pg.Pushes(); !slices.Equal(p, []string{"PUT " + key, "POST " + key}) {
		t.Errorf("pushes: %v", p)
	}
	if err := probemetrics.Push(ctx, pg.URL+"/nowhere", run(true, t0), ""); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a refused push: %v", err)
	}
}
