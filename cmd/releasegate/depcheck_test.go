package main

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// forbidden are packages the shipped binary must never link: test
// doubles, test harnesses and fixture programs of this module, the
// registry server that only the tests use (with what it drags in), and
// what the deploy/ module's tests use (Prometheus server packages,
// Kubernetes API types).
var forbidden = regexp.MustCompile(strings.Join([]string{
	`^github\.com/releasegate/releasegate/internal/(faultproxy|sigstoretest|localregistry|benchcorpus|pushgateway|hubapi|ghcrapi)(/|$)`,
	`^github\.com/releasegate/releasegate/lint/linttest(/|$)`,
	`^github\.com/releasegate/releasegate/scenario/scenariotest(/|$)`,
	`^github\.com/releasegate/releasegate/.*/(testdata|fixtures)(/|$)`,
	`^github\.com/releasegate/releasegate/fixtures(/|$)`,
	`^github\.com/distribution/distribution/`,
	`^github\.com/redis/`,
	`^go\.opentelemetry\.io/otel/(exporters|sdk)(/|$)`,
	// The alert and manifest tests' dependencies (the deploy/ module).
	`^github\.com/prometheus/prometheus/`,
	`^k8s\.io/(api|apimachinery|client-go)(/|$)`, // klog reaches it through certificate-transparency-go
	`^sigs\.k8s\.io/`,
	`/(analysistest|testing)(/|$)`,
}, "|"))

// gateOnly are what the gate half needs and the lint binary must not
// link: their package initialisers run at every start-up (the policy
// engine's alone cost more than actionlint's whole start-up), and a
// pre-commit lint needs none of them.
var gateOnly = regexp.MustCompile(strings.Join([]string{
	`^github\.com/open-policy-agent/`,
	`^github\.com/sigstore/`,
	`^github\.com/google/go-containerregistry/`,
	`^github\.com/prometheus/`,
	`^google\.golang\.org/(grpc|protobuf)(/|$)`,
	`^go\.opentelemetry\.io/`,
	`^github\.com/releasegate/releasegate/((gate|registry)(/|$)|policies$)`, // not policies/gaterule: rule documentation only
	`^github\.com/releasegate/releasegate/cmd/internal/gatecli(/|$)`,
}, "|"))

// binaries are the two shipped mains, as go list names them from here.
var binaries = []string{".", "../releasegate-gate"}

// TestShippedDependencies guards what `releasegate` and
// `releasegate-gate` link, the way go-containerregistry's depcheck tests
// guard crane: a test double or harness that sneaks into an import of
// the CLI fails here.
func TestShippedDependencies(t *testing.T) {
	for _, bin := range binaries {
		for d := range shippedImports(t, bin) {
			if forbidden.MatchString(d) {
				t.Errorf("%s links %s", bin, d)
			}
		}
	}
}

// TestLintBinaryLinksNoGate: the lint binary links nothing only the gate
// needs (the policy engine is one import away from any lint package).
func TestLintBinaryLinksNoGate(t *testing.T) {
	deps := shippedImports(t, ".")
	for d := range deps {
		if gateOnly.MatchString(d) {
			var via []string
			for p, imps := range deps {
				if slices.Contains(imps, d) && !gateOnly.MatchString(p) {
					via = append(via, p)
				}
			}
			t.Errorf("releasegate links %s (imported by %s)", d, strings.Join(via, ", "))
		}
	}
}

// heavyFamilies are libraries the binary links only because a library it
// needs imports them, each through one known package. Their init code
// runs at every start-up, so a new route in is a new cost for every
// lint:
//
//   - gRPC and grpc-gateway: sigstore-go's verifier (pkg/verify) imports
//     rekor-tiles' generated protobuf package for Rekor v2 entries, and
//     that one Go package also holds the Rekor service's gRPC client,
//     server and gateway stubs. Verifying attestations with sigstore-go
//     means linking them; releasegate never speaks gRPC.
//   - the OpenTelemetry API (no SDK, no exporter): go-openapi's HTTP client
//     runtime, which Rekor v1's generated client uses, imports it for
//     optional tracing; sigstore-go reaches it through its tlog package.
var heavyFamilies = []struct {
	name     string
	family   *regexp.Regexp
	throughs []string // the only packages outside the family that may import it
}{
	{"gRPC", regexp.MustCompile(`^(google\.golang\.org/grpc|github\.com/grpc-ecosystem/)`),
		[]string{"github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf"}},
	{"OpenTelemetry", regexp.MustCompile(`^go\.opentelemetry\.io/`),
		[]string{"github.com/go-openapi/runtime/client"}},
}

// TestHeavyDependenciesHaveOneWayIn fails when a package other than the
// known one starts importing gRPC or OpenTelemetry into the binary.
func TestHeavyDependenciesHaveOneWayIn(t *testing.T) {
	for pkg, imports := range shippedImports(t, "../releasegate-gate") {
		for _, f := range heavyFamilies {
			if f.family.MatchString(pkg) || slices.Contains(f.throughs, pkg) {
				continue
			}
			for _, imp := range imports {
				if f.family.MatchString(imp) {
					t.Errorf("%s imports %s: a new route for %s into the binary (known: %s)", pkg, imp, f.name, strings.Join(f.throughs, ", "))
				}
			}
		}
	}
}

// shippedImports lists every package the binary of the main package at
// dir links, with its imports.
func shippedImports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", dir).Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		deps[f[0]] = f[1:]
	}
	if len(deps) < 100 {
		t.Fatalf("go list -deps listed only %d packages; the check would be empty", len(deps))
	}
	return deps
}
