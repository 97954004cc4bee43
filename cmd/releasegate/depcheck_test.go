package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// forbidden are packages the shipped binary must never link: test
// doubles, test harnesses and fixture programs of this module, the
// registry server that only the tests use (with what it drags in), and
// what the deploy/ module's tests use (Prometheus server packages,
// Kubernetes API types).
var forbidden = regexp.MustCompile(strings.Join([]string{
	`^github\.com/releasegate/releasegate/internal/(faultproxy|sigstoretest|localregistry|benchcorpus|pushgateway)(/|$)`,
	`^github\.com/releasegate/releasegate/lint/linttest(/|$)`,
	`^github\.com/releasegate/releasegate/.*/(testdata|fixtures)(/|$)`,
	`^github\.com/releasegate/releasegate/fixtures(/|$)`,
	`^github\.com/distribution/distribution/`,
	`^github\.com/redis/`,
	`^go\.opentelemetry\.io/otel/exporters/`,
	// The alert and manifest tests' dependencies (the deploy/ module).
	`^github\.com/prometheus/prometheus/`,
	`^k8s\.io/(api|apimachinery|client-go)(/|$)`, // klog reaches it through certificate-transparency-go
	`^sigs\.k8s\.io/`,
	`/(analysistest|testing)(/|$)`,
}, "|"))

// TestShippedDependencies guards what `releasegate` links, the way
// go-containerregistry's depcheck tests guard crane: a test double or
// harness that sneaks into an import of the CLI fails here.
func TestShippedDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 100 {
		t.Fatalf("go list -deps listed only %d packages; the check would be empty", len(deps))
	}
	for _, d := range deps {
		if forbidden.MatchString(d) {
			t.Errorf("the shipped binary links %s", d)
		}
	}
}
