// Package probemetrics exports the result of `releasegate gate probe` as
// Prometheus metrics, built with the Prometheus client library: a file for
// node_exporter's textfile collector (written atomically) or a push to a
// Pushgateway, grouped by job and shard.
//
// A run that decided (pass or fail) replaces everything. A run that could
// not decide (exit 2) only replaces the metrics that describe the run
// itself (duration, requests, catalog access, what was unverifiable); the
// findings of the last decided run and its timestamp stay, so a broken
// tag does not vanish from the alerts because one run hit a 500, and
// releasegate_probe_last_success_timestamp_seconds ages until the probe
// stale alert fires.
package probemetrics

import (
	"cmp"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/releasegate/releasegate/gate/probereport"
)

// The metrics a probe emits. deploy/prometheus alerts on them; its test
// checks every name an alert uses against Names.
const (
	// BrokenTags counts, per registry, the tags a pull of which fails
	// (the seed's registry_manifest_integrity_failures{instance}).
	BrokenTags = "releasegate_probe_broken_tags"
	// TagBroken is 1 for each broken tag, labelled registry, repository
	// and tag; healthy tags have no series, so cardinality follows the
	// damage, not the catalog.
	TagBroken = "releasegate_probe_tag_broken"
	// CatalogAccessible is 1 when a registry's catalog was listed to the
	// end, 0 when it could not be (401, 500, …); only for --catalog.
	CatalogAccessible = "releasegate_probe_catalog_accessible"
	// Repositories, Tags and ObjectsChecked say how much was walked per
	// registry (objects: distinct per repository).
	Repositories   = "releasegate_probe_repositories"
	Tags           = "releasegate_probe_tags"
	ObjectsChecked = "releasegate_probe_objects_checked"
	// Unverifiable counts, per registry, the facts that could not be
	// established (they make the run exit 2).
	Unverifiable = "releasegate_probe_unverifiable"
	// Requests counts the run's HTTP requests by method and code: the
	// status, registry.HTTPFallback ("http_fallback") for an HTTPS request
	// answered in plain HTTP, or "error" when no answer came.
	Requests = "releasegate_probe_requests"
	// Duration is how long the run took.
	Duration = "releasegate_probe_duration_seconds"
	// LastSuccess is when the last run that decided finished (Unix time).
	LastSuccess = "releasegate_probe_last_success_timestamp_seconds"
)

// Names lists every metric the probe emits.
func Names() []string {
	return []string{BrokenTags, TagBroken, CatalogAccessible, Repositories, Tags, ObjectsChecked,
		Unverifiable, Requests, Duration, LastSuccess}
}

// finding reports whether a metric states what the registry holds (kept
// from the last decided run) rather than how this run went.
func finding(name string) bool {
	switch name {
	case BrokenTags, TagBroken, Repositories, Tags, ObjectsChecked, LastSuccess:
		return true
	}
	return false
}

// Run is one finished probe.
type Run struct {
	Summary           *probereport.Summary
	Started, Finished time.Time
}

// Decided reports whether the run established everything it set out to
// check (decision pass or fail).
func (r Run) Decided() bool { return r.Summary.Decided }

// Families builds the run's metric families, with a shard label on every
// series when shard (the shard's index) is set. An undecided run has no
// findings.
func Families(run Run, shard string) ([]*dto.MetricFamily, error) {
	var labels prometheus.Labels
	if shard != "" {
		labels = prometheus.Labels{"shard": shard}
	}
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, vars ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, vars)
		if run.Decided() || !finding(name) {
			reg.MustRegister(g)
		}
		return g
	}
	broken := gauge(BrokenTags, "Tags a pull of which fails, per registry.", "registry")
	tagBroken := gauge(TagBroken, "1 for each tag a pull of which fails.", "registry", "repository", "tag")
	accessible := gauge(CatalogAccessible, "1 when the registry's catalog could be listed to the end, else 0.", "registry")
	repos := gauge(Repositories, "Repositories walked, per registry.", "registry")
	tags := gauge(Tags, "Tags walked, per registry.", "registry")
	objects := gauge(ObjectsChecked, "Distinct objects (manifests, configs, layers) checked per repository, summed per registry.", "registry")
	unverifiable := gauge(Unverifiable, "Facts about the registry the run could not establish.", "registry")
	requests := gauge(Requests, "HTTP requests the run sent, by method and status code (error: no answer).", "method", "code")
	duration := gauge(Duration, "How long the run took.")
	last := gauge(LastSuccess, "When the last run that decided (pass or fail) finished, in Unix time.")

	s := run.Summary
	for _, r := range s.Registries {
		broken.WithLabelValues(r.Registry).Set(float64(r.BrokenTags))
		repos.WithLabelValues(r.Registry).Set(float64(r.Repositories))
		tags.WithLabelValues(r.Registry).Set(float64(r.Tags))
		objects.WithLabelValues(r.Registry).Set(float64(r.Objects))
		unverifiable.WithLabelValues(r.Registry).Set(float64(r.Unverifiable))
		if r.Catalog {
			accessible.WithLabelValues(r.Registry).Set(b2f(r.CatalogAccessible))
		}
	}
	for _, b := range s.Broken {
		tagBroken.WithLabelValues(b.Registry, b.Repository, b.Tag).Set(1)
	}
	for _, r := range s.Requests {
		requests.WithLabelValues(r.Method, r.Code).Set(float64(r.Count))
	}
	duration.WithLabelValues().Set(run.Finished.Sub(run.Started).Seconds())
	last.WithLabelValues().Set(float64(run.Finished.UnixMilli()) / 1000)
	return reg.Gather()
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// merge adds to fams the findings of previous that fams lacks, sorted by
// name as the encoders expect.
func merge(fams, previous []*dto.MetricFamily) []*dto.MetricFamily {
	for _, p := range previous {
		if finding(p.GetName()) && !slices.ContainsFunc(fams, func(f *dto.MetricFamily) bool { return f.GetName() == p.GetName() }) {
			fams = append(fams, p)
		}
	}
	slices.SortFunc(fams, func(a, b *dto.MetricFamily) int { return cmp.Compare(a.GetName(), b.GetName()) })
	return fams
}
