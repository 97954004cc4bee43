package gate

import (
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
		target   string // of the unverifiable violation, "" for none
	}{
		{"unknown tag, policies silent", func(i *ImageFacts) { i.Version = unknownTag }, nil, Error, "r/a:1.1.0"},
		{"unknown tag next to a real failure", func(i *ImageFacts) { i.Version = unknownTag }, []policies.Violation{tagMissing}, Error, "r/a:1.1.0"},
		{"unknown integrity object", func(i *ImageFacts) {
			i.Version = present
			i.Integrity = []registry.Object{{Kind: "layer", Digest: "sha256:l", Ref: "r/a@sha256:l", State: registry.Unknown, Error: "HEAD ...: stalled"}}
		}, nil, Error, "r/a@sha256:l"},
		{"image error", func(i *ImageFacts) { i.Version = present; i.Errors = []string{"attestations: list referrers: 500"} }, nil, Error, "r/a"},
		{"everything known", func(i *ImageFacts) { i.Version = present }, nil, Pass, ""},
		{"everything known, a failure", func(i *ImageFacts) { i.Version = present }, []policies.Violation{tagMissing}, Fail, ""},
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
			n := 0
			for _, v := range vs {
				if v.Rule == gaterule.Unverifiable {
					n++
					if v.Target != tt.target || v.Message == "" || v.Severity != rule.Error {
						t.Errorf("unverifiable %+v, want target %s", v, tt.target)
					}
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.target != ""]; n != want {
				t.Errorf("%d unverifiable violations, want %d: %+v", n, want, vs)
			}
		})
	}
}
