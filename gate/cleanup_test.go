package gate

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/internal/hubapi"
	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/registry/tagdelete"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

// cleanupEnv is the seeds' half-published release in two registry:2
// instances: the first holds per-arch tags of 1.1.0 (amd64, and arm64
// when both), the second nothing of it; both hold 1.0.0 with latest.
type cleanupEnv struct {
	env *scenario.Env
	rel *scenario.Release
}

func archTagOf(p string) string {
	return registry.ArchTag(scenario.DefaultLayout.ArchTag, scenario.Version, p)
}

func startHalfPublished(t *testing.T, bothArches bool, mw func(http.Handler) http.Handler) *cleanupEnv {
	t.Helper()
	if mw == nil {
		mw = func(h http.Handler) http.Handler { return h }
	}
	env, err := scenariotest.StartEnv(2, localregistry.WithMiddleware(mw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	var half scenario.Scenario
	for _, s := range scenario.Scenarios {
		if s.Name == "half-published" {
			half = s
		}
	}
	rel, err := half.Setup(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if bothArches {
		p := env.Layout.Platforms[1]
		if err := env.Publisher.PushArch(env.Images[0], rel, p, archTagOf(p)); err != nil {
			t.Fatal(err)
		}
	}
	return &cleanupEnv{env: env, rel: rel}
}

func (e *cleanupEnv) hosts() []string {
	return []string{e.env.Registries[0].Host, e.env.Registries[1].Host}
}

func (e *cleanupEnv) options(apply bool) CleanupOptions {
	c := registry.New(registry.WithInsecureRegistry(e.hosts()...), registry.WithDeleteScope(), registry.WithRetry(2, time.Millisecond, time.Millisecond))
	l := e.env.Layout
	return CleanupOptions{
		Version: scenario.Version, Images: e.env.Images, Platforms: l.Platforms, ArchTag: l.ArchTag,
		Apply: apply, Client: c, Deleter: tagdelete.New(c),
	}
}

func (e *cleanupEnv) cleanup(t *testing.T, o CleanupOptions) *CleanupResult {
	t.Helper()
	res, err := RunCleanup(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	validateCleanupJSON(t, res) // every outcome these tests reach has the documented shape
	return res
}

// cleanupSchema is gate cleanup's JSON Schema, compiled once per test
// binary run.
var cleanupSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	return jsonschema.NewCompiler().Compile("cleanup.schema.json")
})

// validateCleanupJSON fails the test unless res, written as JSON, is
// valid against cleanup.schema.json.
func validateCleanupJSON(t *testing.T, res *CleanupResult) {
	t.Helper()
	sch, err := cleanupSchema()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteCleanup(&out, "json", res, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(&out)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("cleanup JSON does not validate against cleanup.schema.json: %v", err)
	}
}

// preflight is the retry's gate: does it let the release go ahead now?
func (e *cleanupEnv) preflight(t *testing.T) *Result {
	t.Helper()
	l := e.env.Layout
	res, err := Run(context.Background(), Options{Phase: Preflight{}, Version: scenario.Version, Images: e.env.Images,
		Platforms: l.Platforms, ArchTag: l.ArchTag, OnExisting: "fail", Client: registry.New(registry.WithInsecureRegistry(e.hosts()...))})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (e *cleanupEnv) digest(t *testing.T, image, tag string) string {
	t.Helper()
	c := registry.New(registry.WithInsecureRegistry(e.hosts()...))
	repo, err := c.ParseRepository(image)
	if err != nil {
		t.Fatal(err)
	}
	return c.ResolveNow(context.Background(), repo, tag).Digest
}

func outcomes(res *CleanupResult) map[string]string {
	out := map[string]string{}
	for _, it := range res.Items {
		if it.State != registry.Absent {
			out[it.Ref[strings.LastIndexByte(it.Ref, ':')+1:]] = it.Outcome
		}
	}
	return out
}

func TestCleanupOrphanThenRetryPasses(t *testing.T) {
	t.Parallel()
	e := startHalfPublished(t, false, nil)
	if d := e.preflight(t).Decision; d != Fail {
		t.Fatalf("before cleanup preflight says %s, want fail (orphan-arch-tag)", d)
	}
	amd64 := archTagOf("linux/amd64")
	res := e.cleanup(t, e.options(true))
	if got := outcomes(res); got[amd64] != string(tagdelete.Deleted) || len(got) != 1 {
		t.Fatalf("outcomes %v, want only %s deleted", got, amd64)
	}
	if res.Decision != Pass || res.Outcome().ExitCode() != 0 || res.Counts.Deleted != 1 {
		t.Errorf("decision %s, counts %+v", res.Decision, res.Counts)
	}
	if e.digest(t, e.env.Images[0], amd64) != "" {
		t.Error("the orphan tag is still there")
	}
	if e.digest(t, e.env.Images[0], "latest") != e.digest(t, e.env.Images[0], scenario.Previous) {
		t.Error("latest no longer follows the previous release")
	}
	if pf := e.preflight(t); pf.Decision != Pass {
		t.Errorf("after cleanup the retry's preflight says %s: %+v", pf.Decision, pf.Violations)
	}
}

func TestCleanupWithoutApplyDeletesNothing(t *testing.T) {
	t.Parallel()
	e := startHalfPublished(t, true, nil)
	res := e.cleanup(t, e.options(false))
	var text bytes.Buffer
	if err := WriteCleanup(&text, "text", res, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range e.env.Layout.Platforms {
		if e.digest(t, e.env.Images[0], archTagOf(p)) != e.rel.PlatformDigest(p) {
			t.Errorf("%s was touched without --apply", archTagOf(p))
		}
		if !strings.Contains(text.String(), archTagOf(p)) {
			t.Errorf("the plan does not name %s:\n%s", archTagOf(p), text.String())
		}
	}
	if res.Applied || res.Decision != Fail || res.Counts.Remaining != 2 || !strings.Contains(text.String(), "planned") {
		t.Errorf("applied %v, decision %s, counts %+v; want a plan of 2 with exit 1:\n%s", res.Applied, res.Decision, res.Counts, text.String())
	}
	if !strings.HasSuffix(res.Finish, "--apply") {
		t.Errorf("finish = %q", res.Finish)
	}
}

// TestCleanupTagMovedBetweenPlanAndApply re-pushes the orphan tag with
// other content after the plan resolved it and before the apply resolves
// it again: compare-and-delete keeps it.
func TestCleanupTagMovedBetweenPlanAndApply(t *testing.T) {
	t.Parallel()
	amd64 := archTagOf("linux/amd64")
	var heads atomic.Int32
	var started atomic.Pointer[cleanupEnv] // set once the release is published
	var once sync.Once
	mw := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Count the first registry's HEADs of the tag only: the plan's,
			// then the one just before the delete.
			e := started.Load()
			if e != nil && r.Method == http.MethodHead && strings.HasSuffix(r.URL.Path, "/manifests/"+amd64) &&
				r.Host == e.env.Registries[0].Host && heads.Add(1) == 2 {
				once.Do(func() { repush(t, e, amd64) })
			}
			h.ServeHTTP(w, r)
		})
	}
	e := startHalfPublished(t, false, mw)
	started.Store(e)
	res := e.cleanup(t, e.options(true))
	if got := outcomes(res)[amd64]; got != string(tagdelete.Moved) {
		t.Fatalf("outcome %s, want moved (%+v)", got, res.Items)
	}
	if d := e.digest(t, e.env.Images[0], amd64); d == e.rel.PlatformDigest("linux/amd64") || d == "" {
		t.Error("the re-pushed tag was deleted or never moved")
	}
	if len(res.Warnings()) != 1 || res.Counts.Kept != 1 {
		t.Errorf("warnings %v, counts %+v", res.Warnings(), res.Counts)
	}
}

func repush(t *testing.T, e *cleanupEnv, tag string) {
	other, err := scenario.Build(9, e.env.Layout.Platforms)
	if err != nil {
		t.Error(err)
		return
	}
	if err := e.env.Publisher.PushArch(e.env.Images[0], other, "linux/amd64", tag); err != nil {
		t.Error(err)
	}
}

// digestOnlyDeletes answers DELETE of a tag as a registry that deletes
// only by digest does.
func digestOnlyDeletes(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/manifests/") && !strings.Contains(r.URL.Path, "/manifests/sha256:") {
			w.WriteHeader(http.StatusMethodNotAllowed)
			_, _ = w.Write([]byte(`{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}`))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func TestCleanupDigestSharedWithLatestIsKept(t *testing.T) {
	t.Parallel()
	e := startHalfPublished(t, false, digestOnlyDeletes)
	amd64 := archTagOf("linux/amd64")
	// Someone pointed latest at the new amd64 image by hand.
	if err := e.env.Publisher.PushArch(e.env.Images[0], e.rel, "linux/amd64", "latest"); err != nil {
		t.Fatal(err)
	}
	res := e.cleanup(t, e.options(true))
	it := res.Items[0]
	for _, x := range res.Items {
		if x.Image == e.env.Images[0] && x.Tag == amd64 {
			it = x
		}
	}
	if it.Outcome != string(tagdelete.Shared) || !strings.Contains(it.Message, "latest") || it.Manual == "" {
		t.Fatalf("item %+v, want shared with latest and a manual step", it)
	}
	if e.digest(t, e.env.Images[0], "latest") != e.rel.PlatformDigest("linux/amd64") || e.digest(t, e.env.Images[0], amd64) == "" {
		t.Error("latest or the tag lost its manifest")
	}
}

func TestCleanupImmutableRegistryWarns(t *testing.T) {
	t.Parallel()
	immutable := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete {
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"errors":[{"code":"DENIED","message":"tag is immutable and cannot be deleted"}]}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	e := startHalfPublished(t, false, immutable)
	res := e.cleanup(t, e.options(true))
	var gh bytes.Buffer
	if err := WriteCleanup(&gh, "github", res, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	digest := e.rel.PlatformDigest("linux/amd64")
	if res.Counts.Refused != 1 || res.Decision != Pass || res.Outcome().ExitCode() != 0 {
		t.Errorf("counts %+v, decision %s: a refusal is a warning, not a failure", res.Counts, res.Decision)
	}
	if !strings.Contains(gh.String(), "::warning") || !strings.Contains(gh.String(), digest) || !strings.Contains(gh.String(), "manual step") {
		t.Errorf("no warning with the digest and the manual step:\n%s", gh.String())
	}
	o := e.options(true)
	o.FailOn = "warning"
	if d := e.cleanup(t, o).Decision; d != Fail {
		t.Errorf("--fail-on warning: decision %s, want fail", d)
	}
}

func TestCleanupFailureHalfWayThenSecondRun(t *testing.T) {
	t.Parallel()
	arm64 := archTagOf("linux/arm64")
	var broken atomic.Bool
	broken.Store(true)
	mw := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if broken.Load() && r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/manifests/"+arm64) {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	e := startHalfPublished(t, true, mw)
	first := e.cleanup(t, e.options(true))
	got := outcomes(first)
	if got[archTagOf("linux/amd64")] != string(tagdelete.Deleted) || got[arm64] != string(tagdelete.Failed) {
		t.Fatalf("first run: %v", got)
	}
	if first.Decision != Fail || first.Counts.Remaining != 1 || !strings.Contains(first.Finish, "gate cleanup --version "+scenario.Version) {
		t.Errorf("first run: decision %s, counts %+v, finish %q", first.Decision, first.Counts, first.Finish)
	}
	broken.Store(false)
	second := e.cleanup(t, e.options(true))
	if got := outcomes(second); got[arm64] != string(tagdelete.Deleted) || len(got) != 1 {
		t.Errorf("second run: %v, want only %s deleted", got, arm64)
	}
	if second.Decision != Pass || second.Finish != "" {
		t.Errorf("second run: decision %s, finish %q", second.Decision, second.Finish)
	}
	if pf := e.preflight(t); pf.Decision != Pass {
		t.Errorf("after the second run preflight says %s", pf.Decision)
	}
}

// TestCleanupLedger: the run's ledger names the tags and digests; a tag
// the ledger does not name is not touched, and a recorded digest that
// differs from the registry's keeps the tag.
func TestCleanupLedger(t *testing.T) {
	t.Parallel()
	e := startHalfPublished(t, true, nil)
	amd64, arm64 := archTagOf("linux/amd64"), archTagOf("linux/arm64")
	l := &Ledger{Version: 1, Release: scenario.Version, Images: map[string]map[string]Expected{
		e.env.Images[0]: {
			amd64: {Digest: e.rel.PlatformDigest("linux/amd64")},
			arm64: {Digest: e.rel.PlatformDigest("linux/amd64")}, // not what arm64 points at
		},
	}}
	o := e.options(true)
	o.Ledger, o.LedgerFile, o.Version = l, "run.ledger.json", ""
	res := e.cleanup(t, o)
	got := outcomes(res)
	if got[amd64] != string(tagdelete.Deleted) || got[arm64] != Kept {
		t.Fatalf("outcomes %v", got)
	}
	if e.digest(t, e.env.Images[0], arm64) == "" {
		t.Error("a tag whose digest differs from the record was deleted")
	}
}

func TestCleanupUnknownFactsDeleteNothing(t *testing.T) {
	t.Parallel()
	e := startHalfPublished(t, false, nil)
	o := e.options(true)
	o.Images = append(o.Images, "127.0.0.1:1/acme/app") // nothing listens there
	o.Client = registry.New(registry.WithInsecureRegistry(append(e.hosts(), "127.0.0.1:1")...), registry.WithDeleteScope(), registry.WithRetry(1, time.Millisecond, time.Millisecond))
	o.Deleter = tagdelete.New(o.Client)
	res := e.cleanup(t, o)
	if res.Decision != Error || res.Applied || res.Outcome().ExitCode() != 2 {
		t.Errorf("decision %s, applied %v", res.Decision, res.Applied)
	}
	if e.digest(t, e.env.Images[0], archTagOf("linux/amd64")) == "" {
		t.Error("deleted although the plan could not decide")
	}
}

// TestCleanupFromPartialRecord is the release workflow's path: after the
// push that worked, `gate record --partial` writes what exists; the push
// to the other registry fails; the failure job cleans up from that
// ledger, and the retry's preflight passes.
func TestCleanupFromPartialRecord(t *testing.T) {
	t.Parallel()
	e := startHalfPublished(t, false, nil)
	l := e.env.Layout
	rec, err := Run(context.Background(), Options{Phase: Record{}, Version: scenario.Version, Images: e.env.Images,
		Platforms: l.Platforms, ArchTag: l.ArchTag, Client: registry.New(registry.WithInsecureRegistry(e.hosts()...))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LedgerFrom(rec.Facts, time.Now()); err == nil {
		t.Fatal("a full record of a half-published release succeeded")
	}
	partial, err := PartialLedgerFrom(rec.Facts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/run.ledger.json"
	if err := WriteLedger(path, partial); err != nil {
		t.Fatal(err)
	}
	ledger, err := ReadLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ledger.Images[e.env.Images[0]]); n != 1 || len(ledger.Images[e.env.Images[1]]) != 0 {
		t.Fatalf("partial ledger %+v", ledger.Images)
	}
	o := e.options(true)
	o.Ledger, o.LedgerFile, o.Version = ledger, path, ""
	res := e.cleanup(t, o)
	if res.Decision != Pass || res.Counts.Deleted != 1 || len(res.Items) != 1 {
		t.Fatalf("decision %s, counts %+v, items %+v", res.Decision, res.Counts, res.Items)
	}
	if pf := e.preflight(t); pf.Decision != Pass {
		t.Errorf("after cleanup preflight says %s", pf.Decision)
	}
}

// TestCleanupThroughHubAPIRetries: Docker Hub's API calls (the double,
// behind a fault proxy) are retried and counted in the run's requests; a
// delete that still fails after the attempts fails the run as an OCI
// delete does, and a second run finishes.
func TestCleanupThroughHubAPIRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		times    int // 503s the tag delete gets; 0: every attempt
		outcome  tagdelete.Outcome
		decision string
	}{
		{"503 once: deleted on the retry", 1, tagdelete.Deleted, Pass},
		{"endless 503: failed, a second run finishes", 0, tagdelete.Failed, Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := startHalfPublished(t, false, nil)
			amd64 := archTagOf("linux/amd64")
			hub := hubapi.Start(e.env.Registries[0].URL, []hubapi.Account{{User: "acme", Token: "del", Delete: true}})
			t.Cleanup(hub.Close)
			proxy, err := faultproxy.Start(hub.URL, faultproxy.WithRules(faultproxy.Rule{Fault: faultproxy.Status503, Times: tt.times,
				Match: func(r *http.Request) bool { return r.Method == http.MethodDelete }}))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = proxy.Close() })
			viaHub := func(api string) CleanupOptions {
				o := e.options(true)
				o.Deleter = tagdelete.New(o.Client, tagdelete.WithMechanism(e.env.Registries[0].Host, tagdelete.Hub), tagdelete.WithHub(api, "acme", "del"))
				return o
			}
			first := e.cleanup(t, viaHub(proxy.URL))
			if got := outcomes(first)[amd64]; got != string(tt.outcome) || first.Decision != tt.decision {
				t.Fatalf("outcome %s, decision %s; want %s, %s (%+v)", got, first.Decision, tt.outcome, tt.decision, first.Items)
			}
			// e.options retries twice: the 503 and the retry, plus the login.
			if by := first.Requests.ByMethod; by[http.MethodDelete] != 2 || by[http.MethodPost] != 1 {
				t.Errorf("requests %s: want the login and both delete attempts counted", first.Requests)
			}
			if tt.outcome != tagdelete.Failed {
				return
			}
			var msg string
			for _, it := range first.Items {
				if it.Image == e.env.Images[0] && it.Tag == amd64 {
					msg = it.Message
				}
			}
			if first.Outcome().ExitCode() != 1 || !strings.Contains(first.Finish, "gate cleanup --version "+scenario.Version) ||
				!strings.Contains(msg, "DELETE "+proxy.URL+"/v2/repositories/acme/app/tags/"+amd64+"/: 503 Service Unavailable") {
				t.Errorf("exit %d, finish %q, message %q", first.Outcome().ExitCode(), first.Finish, msg)
			}
			second := e.cleanup(t, viaHub(hub.URL))
			if got := outcomes(second); got[amd64] != string(tagdelete.Deleted) || second.Decision != Pass {
				t.Errorf("second run: %v, decision %s", got, second.Decision)
			}
		})
	}
}
