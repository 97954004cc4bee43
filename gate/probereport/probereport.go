// Package probereport is what a probe found, in the shape the gate's
// writers, its JSON output and its Prometheus metrics share: per registry
// how much was walked and how much is broken, the broken tags, and the
// requests by answer. It is a leaf package, so the metrics (and the alert
// tests in deploy/, a module of their own) do not pull in the gate engine.
package probereport

// Summary sums up a probe.
type Summary struct {
	Shard      string     `json:"shard,omitempty"` // "I/N" when sharded
	Registries []Registry `json:"registries"`
	// Broken lists every tag with a violation at or above --fail-on
	// other than unverifiable: a pull of it fails, or it is not what it
	// should be.
	Broken []BrokenTag `json:"broken"`
	// Requests counts the run's requests by method and answer.
	Requests []Requests `json:"requests_by_status"`
	// Decided is false when the run could not decide (exit 2).
	Decided bool `json:"-"`
}

// Registry is what a probe found in one registry.
type Registry struct {
	Registry string `json:"registry"`
	// Catalog is true when the registry was walked through its catalog;
	// CatalogAccessible then says whether the catalog could be listed.
	Catalog           bool `json:"catalog"`
	CatalogAccessible bool `json:"catalog_accessible"`
	Repositories      int  `json:"repositories"`
	Tags              int  `json:"tags"`
	Objects           int  `json:"objects"`
	BrokenTags        int  `json:"broken_tags"`
	// Unverifiable counts the facts about this registry that could not
	// be established.
	Unverifiable int `json:"unverifiable"`
}

// BrokenTag is one tag whose pull fails (or that is otherwise wrong).
type BrokenTag struct {
	Registry   string   `json:"registry"`
	Repository string   `json:"repository"` // without the registry
	Tag        string   `json:"tag"`        // or a digest, for a reference probed by digest
	Ref        string   `json:"ref"`
	Rules      []string `json:"rules"`
}

// Requests is how many requests of one method got one answer: a status
// code, "http_fallback" for an HTTPS request answered in plain HTTP, or
// "error" when none came.
type Requests struct {
	Method string `json:"method"`
	Code   string `json:"code"`
	Count  int    `json:"count"`
}
