package cli_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/releasegate/releasegate/cmd/internal/cli"
	"github.com/releasegate/releasegate/cmd/internal/gatecli"
	"github.com/releasegate/releasegate/internal/localregistry"
	"github.com/releasegate/releasegate/internal/sigstoretest"
)

const configTmpl = `version: 1
gate:
  images: [HOST/acme/app]
  platforms: [linux/amd64, linux/arm64]
  attestations:
    required: true
    trusted-root: trusted_root.json
    identity:
      issuer: https://token.actions.githubusercontent.com
      san-regex: 'https://github\.com/acme/app/\.github/workflows/release\.yml@refs/heads/main'
      source-repository: acme/app
      source-ref: refs/heads/main
    predicate-types: [https://slsa.dev/provenance/v1]
`

var (
	releaseID   = sigstoretest.GitHubWorkflow("acme/app", "release.yml", "refs/heads/main")
	featureRef  = sigstoretest.GitHubWorkflow("acme/app", "release.yml", "refs/heads/feature")
	otherIssuer = func() sigstoretest.Identity {
		id := releaseID
		id.Issuer = "https://gitlab.example.com"
		return id
	}()
	spdx = "https://spdx.dev/Document"
)

// attestScenario is a release of acme/app 1.2.3 (linux/amd64, linux/arm64) in an
// in-process registry, a test Sigstore, and a repository directory with
// .releasegate.yaml and the Sigstore's trusted_root.json.
type attestScenario struct {
	host    string
	dir     string
	digests map[string]name.Digest // "index", "linux/amd64", "linux/arm64"
	auth    *sigstoretest.Authority
	ropts   []remote.Option
	fail    *atomic.Bool // make the registry answer 500 to referrer listings
}

func newAttestScenario(t *testing.T) *attestScenario {
	t.Helper()
	s := &attestScenario{dir: t.TempDir(), fail: &atomic.Bool{}, ropts: []remote.Option{remote.WithRetryBackoff(remote.Backoff{Steps: 1})}}
	reg, err := localregistry.Start(t.TempDir(), localregistry.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s.fail.Load() && strings.Contains(r.URL.Path, "/manifests/sha256-") {
				http.Error(w, "storage backend unavailable", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	s.host = reg.Host
	repo, err := name.NewRepository(reg.Host+"/acme/app", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	index, plats, err := sigstoretest.PushRelease(repo, "1.2.3", []string{"linux/amd64", "linux/arm64"}, s.ropts...)
	if err != nil {
		t.Fatal(err)
	}
	s.digests = map[string]name.Digest{"index": index, "linux/amd64": plats["linux/amd64"], "linux/arm64": plats["linux/arm64"]}
	if s.auth, err = sigstoretest.New(); err != nil {
		t.Fatal(err)
	}
	js, err := s.auth.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	s.write(t, "trusted_root.json", js)
	s.write(t, ".releasegate.yaml", []byte(strings.ReplaceAll(configTmpl, "HOST", s.host)))
	return s
}

func (s *attestScenario) write(t *testing.T, file string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, file), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// attach signs a statement naming subject (a platform key of digests) as
// id with auth, and pushes it as a referrer of the digest of platform.
func (s *attestScenario) attach(t *testing.T, auth *sigstoretest.Authority, platform string, id sigstoretest.Identity, pred, subject string, edit func([]byte) []byte) {
	t.Helper()
	raw, err := auth.Attest(id, sigstoretest.Statement(pred, sigstoretest.Subject{Name: "acme/app", Digest: s.digests[subject].DigestStr()}))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		raw = edit(raw)
	}
	if _, err := sigstoretest.PushBundle(s.digests[platform], raw, "", pred, s.ropts...); err != nil {
		t.Fatal(err)
	}
}

func (s *attestScenario) attachAll(t *testing.T, id sigstoretest.Identity, pred string) {
	t.Helper()
	for p := range s.digests {
		s.attach(t, s.auth, p, id, pred, p, nil)
	}
}

type gateJSON struct {
	Decision   string `json:"decision"`
	Violations []struct {
		Rule, Severity, Target, Message string
	} `json:"violations"`
	Facts struct {
		Attestations struct {
			BundlesFound    int `json:"bundles_found"`
			BundlesVerified int `json:"bundles_verified"`
		} `json:"attestations"`
	} `json:"facts"`
}

func (s *attestScenario) verify(t *testing.T, extra ...string) (int, gateJSON, string) {
	t.Helper()
	args := append([]string{"gate", "verify", "--version", "1.2.3", "--config", filepath.Join(s.dir, ".releasegate.yaml"),
		"--insecure-registry", s.host, "--format", "json", "--retry-backoff", "1ms"}, extra...)
	var out, errb bytes.Buffer
	code := cli.Main(args, strings.NewReader(""), &out, &errb, cli.WithCommands(gatecli.Commands))
	var res gateJSON
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("exit %d, output is not JSON: %v\nstdout: %s\nstderr: %s", code, err, out.String(), errb.String())
	}
	cli.ValidateJSON(t, cli.GateSchema, out.String())
	return code, res, out.String() + errb.String()
}

func tamper(raw []byte) []byte {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		panic(err)
	}
	sig := doc["dsseEnvelope"].(map[string]any)["signatures"].([]any)[0].(map[string]any)
	b, _ := base64.StdEncoding.DecodeString(sig["sig"].(string))
	b[len(b)/2] ^= 1
	sig["sig"] = base64.StdEncoding.EncodeToString(b)
	out, _ := json.Marshal(doc)
	return out
}

// TestGateVerifyAttestations runs each attestScenario of the issue through
// `releasegate gate verify` and asserts exactly its violations.
func TestGateVerifyAttestations(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *attestScenario)
		exit     int
		rules    []string // sorted, one per violation
		targets  []string // platforms the violations name (same order as rules after sorting by target)
		contains string
		verified int
	}{
		{
			name:     "all digests attested",
			setup:    func(t *testing.T, s *attestScenario) { s.attachAll(t, releaseID, sigstoretest.SLSAProvenanceV1) },
			exit:     0,
			verified: 3,
		},
		{
			name: "index attested but arm64 not",
			setup: func(t *testing.T, s *attestScenario) {
				s.attach(t, s.auth, "index", releaseID, sigstoretest.SLSAProvenanceV1, "index", nil)
				s.attach(t, s.auth, "linux/amd64", releaseID, sigstoretest.SLSAProvenanceV1, "linux/amd64", nil)
			},
			exit: 1, rules: []string{"attestation-missing"}, targets: []string{"linux/arm64"},
			contains: "no sigstore attestation", verified: 2,
		},
		{
			name:  "wrong workflow ref",
			setup: func(t *testing.T, s *attestScenario) { s.attachAll(t, featureRef, sigstoretest.SLSAProvenanceV1) },
			exit:  1, rules: []string{"attestation-identity", "attestation-identity", "attestation-identity"},
			contains: "refs/heads/feature", verified: 3,
		},
		{
			name:  "wrong issuer",
			setup: func(t *testing.T, s *attestScenario) { s.attachAll(t, otherIssuer, sigstoretest.SLSAProvenanceV1) },
			exit:  1, rules: []string{"attestation-identity", "attestation-identity", "attestation-identity"},
			contains: "gitlab.example.com", verified: 3,
		},
		{
			name: "bundle for a different digest",
			setup: func(t *testing.T, s *attestScenario) {
				s.attach(t, s.auth, "index", releaseID, sigstoretest.SLSAProvenanceV1, "index", nil)
				s.attach(t, s.auth, "linux/arm64", releaseID, sigstoretest.SLSAProvenanceV1, "linux/arm64", nil)
				s.attach(t, s.auth, "linux/amd64", releaseID, sigstoretest.SLSAProvenanceV1, "linux/arm64", nil)
			},
			exit: 1, rules: []string{"attestation-invalid"}, targets: []string{"linux/amd64"},
			contains: "does not attest", verified: 2,
		},
		{
			name: "tampered signature",
			setup: func(t *testing.T, s *attestScenario) {
				s.attach(t, s.auth, "index", releaseID, sigstoretest.SLSAProvenanceV1, "index", tamper)
				s.attach(t, s.auth, "linux/amd64", releaseID, sigstoretest.SLSAProvenanceV1, "linux/amd64", nil)
				s.attach(t, s.auth, "linux/arm64", releaseID, sigstoretest.SLSAProvenanceV1, "linux/arm64", nil)
			},
			exit: 1, rules: []string{"attestation-invalid"}, targets: []string{"index"},
			contains: "does not verify", verified: 2,
		},
		{
			name: "bundle from an untrusted root",
			setup: func(t *testing.T, s *attestScenario) {
				stranger, err := sigstoretest.New()
				if err != nil {
					t.Fatal(err)
				}
				s.attach(t, s.auth, "index", releaseID, sigstoretest.SLSAProvenanceV1, "index", nil)
				s.attach(t, s.auth, "linux/amd64", releaseID, sigstoretest.SLSAProvenanceV1, "linux/amd64", nil)
				s.attach(t, stranger, "linux/arm64", releaseID, sigstoretest.SLSAProvenanceV1, "linux/arm64", nil)
			},
			exit: 1, rules: []string{"attestation-invalid"}, targets: []string{"linux/arm64"},
			contains: "does not verify", verified: 2,
		},
		{
			name: "only legacy cosign tags",
			setup: func(t *testing.T, s *attestScenario) {
				for _, d := range s.digests {
					if _, err := sigstoretest.PushLegacyCosign(d, "sig", s.ropts...); err != nil {
						t.Fatal(err)
					}
				}
			},
			exit: 1, rules: []string{"attestation-missing", "attestation-missing", "attestation-missing"},
			contains: "legacy format, not verified",
		},
		{
			name:  "only an SBOM, provenance required",
			setup: func(t *testing.T, s *attestScenario) { s.attachAll(t, releaseID, spdx) },
			exit:  1, rules: []string{"attestation-predicate", "attestation-predicate", "attestation-predicate"},
			contains: spdx, verified: 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newAttestScenario(t)
			tc.setup(t, s)
			code, res, raw := s.verify(t)
			if testing.Verbose() {
				for _, v := range res.Violations {
					t.Logf("%s %s: %s", v.Rule, v.Target, v.Message)
				}
			}
			if code != tc.exit {
				t.Fatalf("exit %d, want %d\n%s", code, tc.exit, raw)
			}
			var rules, msgs, targets []string
			for _, v := range res.Violations {
				rules = append(rules, v.Rule)
				msgs = append(msgs, v.Message)
				targets = append(targets, v.Target)
			}
			sort.Strings(rules)
			if !slices.Equal(rules, tc.rules) {
				t.Fatalf("rules %v, want %v\n%s", rules, tc.rules, raw)
			}
			for _, p := range tc.targets {
				want := s.digests[p].String()
				if !slices.Contains(targets, want) {
					t.Errorf("no violation targets %s (%s); targets: %v", p, want, targets)
				}
			}
			if tc.contains != "" && !strings.Contains(strings.Join(msgs, "\n"), tc.contains) {
				t.Errorf("messages %q do not mention %q", msgs, tc.contains)
			}
			if got := res.Facts.Attestations.BundlesVerified; got != tc.verified {
				t.Errorf("bundles_verified = %d, want %d", got, tc.verified)
			}
		})
	}
}

// TestGateVerifyAttestationsFailClosed: trust that cannot be loaded and a
// registry that cannot list referrers both end as unverifiable, exit 2.
func TestGateVerifyAttestationsFailClosed(t *testing.T) {
	t.Run("unreadable trusted root", func(t *testing.T) {
		s := newAttestScenario(t)
		s.attachAll(t, releaseID, sigstoretest.SLSAProvenanceV1)
		s.write(t, "trusted_root.json", []byte("{\"mediaType\": 42}\n"))
		code, res, raw := s.verify(t)
		if code != 2 || res.Decision != "error" || !hasRule(res, "unverifiable", "trusted root") {
			t.Fatalf("exit %d decision %s\n%s", code, res.Decision, raw)
		}
	})
	t.Run("registry error listing referrers", func(t *testing.T) {
		s := newAttestScenario(t)
		s.attachAll(t, releaseID, sigstoretest.SLSAProvenanceV1)
		s.fail.Store(true)
		code, res, raw := s.verify(t)
		if code != 2 || res.Decision != "error" || !hasRule(res, "unverifiable", "500") {
			t.Fatalf("exit %d decision %s\n%s", code, res.Decision, raw)
		}
	})
}

// TestGateVerifyTrustedRootFlag: --trusted-root (relative to the working
// directory) takes JSON lines of several roots, as `gh attestation
// trusted-root` prints them.
func TestGateVerifyTrustedRootFlag(t *testing.T) {
	s := newAttestScenario(t)
	s.attachAll(t, releaseID, sigstoretest.SLSAProvenanceV1)
	other, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := other.TrustedRootJSON()
	b, _ := s.auth.TrustedRootJSON()
	s.write(t, "trusted_root.json", []byte("not used when the flag is given"))
	jsonl := filepath.Join(t.TempDir(), "trusted_root.jsonl")
	if err := os.WriteFile(jsonl, append(append(append(a, '\n'), b...), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(jsonl))
	code, res, raw := s.verify(t, "--trusted-root", filepath.Base(jsonl))
	if code != 0 || res.Facts.Attestations.BundlesVerified != 3 {
		t.Fatalf("exit %d verified %d\n%s", code, res.Facts.Attestations.BundlesVerified, raw)
	}
}

func hasRule(res gateJSON, rule, msg string) bool {
	for _, v := range res.Violations {
		if v.Rule == rule && strings.Contains(v.Message, msg) {
			return true
		}
	}
	return false
}

// TestGateVerifyPublicKey: key-based verification instead of certificates
// (gate.attestations.public-key); a bundle signed with another key is
// invalid.
func TestGateVerifyPublicKey(t *testing.T) {
	s := newAttestScenario(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := sigstoretest.PublicKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	s.write(t, "cosign.pub", pub)
	s.write(t, ".releasegate.yaml", []byte(strings.ReplaceAll(`version: 1
gate:
  images: [HOST/acme/app]
  platforms: [linux/amd64, linux/arm64]
  attestations:
    required: true
    public-key: cosign.pub
`, "HOST", s.host)))
	for p, d := range s.digests {
		signer := key
		if p == "linux/arm64" {
			signer = other
		}
		raw, err := sigstoretest.SignWithKey(signer, sigstoretest.Statement(sigstoretest.SLSAProvenanceV1, sigstoretest.Subject{Name: "acme/app", Digest: d.DigestStr()}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sigstoretest.PushBundle(d, raw, "", "", s.ropts...); err != nil {
			t.Fatal(err)
		}
	}
	code, res, raw := s.verify(t)
	if code != 1 || len(res.Violations) != 1 || res.Violations[0].Rule != "attestation-invalid" ||
		res.Violations[0].Target != s.digests["linux/arm64"].String() || res.Facts.Attestations.BundlesVerified != 2 {
		t.Fatalf("exit %d\n%s", code, raw)
	}
}
