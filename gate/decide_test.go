package gate

import (
	"slices"
	"testing"

	"github.com/releasegate/releasegate/policies"
	"github.com/releasegate/releasegate/policies/gaterule"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/rule"
)

// TestFailClosedBackstop: whatever the policies said, a fact that could
// not be established ends in decision error with an unverifiable
// violation naming it. Policies are extensible and rules configurable;
// this backstop is what keeps a forgotten case from becoming a pass.
func TestFailClosedBackstop(t *testing.T) {
	unknownTag := registry.TagFact{Tag: "1.1.0", Ref: "r/a:1.1.0", State: registry.Unknown,
		Error: "GET http://r/v2/a/manifests/1.1.0: 503 Service Unavailable (after 5 attempts)"}
	present := registry.TagFact{Tag: "1.1.0", Ref: "r/a:1.1.0", State: registry.Present, Digest: "sha256:x", Platforms: map[string]string{}}
	tagMissing := policies.Violation{Rule: gaterule.TagMissing, Severity: rule.Error, Target: "r/b:1.1.0", Message: "missing"}
	tests := []struct {
		name     string
		img      func(*ImageFacts)
		given    []policies.Violation // what the policies returned
		decision string
		targets  []string // of the unverifiable violations, in order
	}{
		{"unknown tag, policies silent", func(i *ImageFacts) { i.Version = unknownTag }, nil, Error, []string{"r/a:1.1.0"}},
		{"unknown tag next to a real failure", func(i *ImageFacts) { i.Version = unknownTag }, []policies.Violation{tagMissing}, Error, []string{"r/a:1.1.0"}},
		{"unknown integrity object", func(i *ImageFacts) {
			i.Version = present
			i.Integrity = []registry.Object{{Kind: "layer", Digest: "sha256:l", Ref: "r/a@sha256:l", State: registry.Unknown, Error: "HEAD ...: stalled"}}
		}, nil, Error, []string{"r/a@sha256:l"}},
		{"image error", func(i *ImageFacts) { i.Version = present; i.Errors = []string{"attestations: list referrers: 500"} }, nil, Error, []string{"r/a"}},
		{"everything known", func(i *ImageFacts) { i.Version = present }, nil, Pass, nil},
		{"everything known, a failure", func(i *ImageFacts) { i.Version = present }, []policies.Violation{tagMissing}, Fail, nil},
		// The policies could not be evaluated: the report keeps why, and
		// still names each fact that was not established.
		{"policies not evaluated, unknown tag", func(i *ImageFacts) { i.Version = unknownTag },
			[]policies.Violation{{Rule: gaterule.Unverifiable, Severity: rule.Error, Target: "policies", Message: "could not evaluate the policies: conflict"}},
			Error, []string{"policies", "r/a:1.1.0"}},
		{"policies named the unknown tag themselves", func(i *ImageFacts) { i.Version = unknownTag },
			[]policies.Violation{{Rule: gaterule.Unverifiable, Severity: rule.Error, Target: "r/a:1.1.0", Message: "could not be established: 503"}},
			Error, []string{"r/a:1.1.0"}},
		{"policies named another target only", func(i *ImageFacts) { i.Version = unknownTag },
			[]policies.Violation{{Rule: gaterule.Unverifiable, Severity: rule.Error, Target: "r/a:1.1.0-arm64", Message: "could not be established: 503"}},
			Error, []string{"r/a:1.1.0", "r/a:1.1.0-arm64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := newImage("r/a")
			tt.img(img)
			f := &Facts{Phase: Verify{}.Name(), Images: []*ImageFacts{img}}
			r := &runner{opts: Options{Phase: Verify{}, FailOn: rule.Error}}
			vs := failClosed(append([]policies.Violation(nil), tt.given...), f)
			if got := r.decide(vs, f); got != tt.decision {
				t.Fatalf("decision %s, want %s (%+v)", got, tt.decision, vs)
			}
			var targets []string
			for _, v := range vs {
				if v.Rule == gaterule.Unverifiable {
					targets = append(targets, v.Target)
					if v.Message == "" || v.Severity != rule.Error {
						t.Errorf("unverifiable %+v: want a message and severity error", v)
					}
				}
			}
			if !slices.Equal(targets, tt.targets) {
				t.Errorf("unverifiable targets %q, want %q", targets, tt.targets)
			}
		})
	}
}
