// Package sigstoretest is a small, self-contained Sigstore for tests: a
// certificate authority issuing GitHub-shaped Fulcio certificates, a
// transparency log that signs checkpoints and hands out real RFC 6962
// inclusion proofs and signed entry timestamps, and an RFC 3161 timestamp
// authority. Bundles it produces verify with plain sigstore-go
// (verify.NewVerifier) against the trusted root it exports, exactly as a
// production root would be used.
//
// sigstore-go's own pkg/testing/ca is not used because its bundles lack the
// inclusion proofs that v0.3 bundles need, its log ids do not survive a
// round trip through trusted_root.json, and its timestamp certificate lives
// for minutes only.
package sigstoretest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Media types and constants shared with the production code's expectations.
const (
	BundleMediaType   = "application/vnd.dev.sigstore.bundle.v0.3+json"
	InTotoPayloadType = "application/vnd.in-toto+json"
	StatementType     = "https://in-toto.io/Statement/v1"
	GitHubIssuer      = "https://token.actions.githubusercontent.com"
	SLSAProvenanceV1  = "https://slsa.dev/provenance/v1"
)

// Fulcio certificate extension OIDs (see Fulcio's docs/oid-info.md).
var (
	oidIssuerV1        = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2        = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidBuildSignerURI  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 9}
	oidSourceRepoURI   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 12}
	oidSourceRepoRef   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 14}
	oidRunnerEnv       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 11}
	oidExtKeyUsageOID  = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidTimestampingEKU = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// Identity is who the workflow that signs claims to be. It becomes the
// leaf certificate's SAN and Fulcio extensions.
type Identity struct {
	SAN              string // a URI, e.g. https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main
	Issuer           string
	SourceRepository string // e.g. https://github.com/acme/app
	SourceRef        string // e.g. refs/heads/main
	BuildSignerURI   string
}

// GitHubWorkflow returns the identity a GitHub Actions workflow file at ref
// of repo (owner/name) gets from Fulcio.
func GitHubWorkflow(repo, workflow, ref string) Identity {
	signer := fmt.Sprintf("https://github.com/%s/.github/workflows/%s@%s", repo, workflow, ref)
	return Identity{
		SAN:              signer,
		Issuer:           GitHubIssuer,
		SourceRepository: "https://github.com/" + repo,
		SourceRef:        ref,
		BuildSignerURI:   signer,
	}
}

// Subject is one in-toto statement subject.
type Subject struct {
	Name   string
	Digest string // "sha256:<hex>"
}

// Authority is a certificate authority, transparency log and timestamp
// authority with fresh keys. It is safe for concurrent use.
type Authority struct {
	now func() time.Time

	caRoot       *x509.Certificate
	caInter      *x509.Certificate
	caInterKey   *ecdsa.PrivateKey
	tsaRoot      *x509.Certificate
	tsaLeaf      *x509.Certificate
	tsaLeafKey   *ecdsa.PrivateKey
	logKey       *ecdsa.PrivateKey
	logID        []byte // SHA-256 of the DER public key, as Rekor defines it
	logURL       string
	logTreeID    int64
	validFrom    time.Time
	validTo      time.Time
	mu           sync.Mutex
	leaves       [][]byte // RFC 6962 leaf hashes, in log order
	noLog        bool
	serialNumber int64
}

// Option configures an Authority.
type Option func(*Authority)

// WithoutLog makes an authority shaped like GitHub's own Sigstore
// instance: certificates and RFC 3161 timestamps, no transparency log in
// the trusted root and no log entries in bundles.
func WithoutLog() Option { return func(a *Authority) { a.noLog = true } }

// New creates an authority whose certificates are valid from an hour ago
// to a day from now.
func New(opts ...Option) (*Authority, error) {
	a := &Authority{now: time.Now, logURL: "https://log.releasegate.test", logTreeID: 1}
	for _, o := range opts {
		o(a)
	}
	a.validFrom = a.now().Add(-time.Hour).Truncate(time.Second)
	a.validTo = a.now().Add(24 * time.Hour).Truncate(time.Second)
	var err error
	if a.caRoot, a.caInter, a.caInterKey, err = a.newCA("releasegate-test-fulcio", x509.ExtKeyUsageCodeSigning); err != nil {
		return nil, err
	}
	if err := a.newTSA(); err != nil {
		return nil, err
	}
	if a.logKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(a.logKey.Public())
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(der)
	a.logID = id[:]
	return a, nil
}

// TrustedRoot returns the trust material as sigstore-go sees it.
func (a *Authority) TrustedRoot() (*root.TrustedRoot, error) {
	ca := &root.FulcioCertificateAuthority{
		Root:                a.caRoot,
		Intermediates:       []*x509.Certificate{a.caInter},
		ValidityPeriodStart: a.validFrom,
		URI:                 "https://fulcio.releasegate.test",
	}
	tsa := &root.SigstoreTimestampingAuthority{
		Root:                a.tsaRoot,
		Leaf:                a.tsaLeaf,
		ValidityPeriodStart: a.validFrom,
		URI:                 "https://tsa.releasegate.test",
	}
	logs := map[string]*root.TransparencyLog{}
	if !a.noLog {
		logs[hex.EncodeToString(a.logID)] = a.transparencyLog()
	}
	return root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{ca}, nil, []root.TimestampingAuthority{tsa}, logs)
}

// TrustedRootJSON returns trusted_root.json for this authority.
func (a *Authority) TrustedRootJSON() ([]byte, error) {
	tr, err := a.TrustedRoot()
	if err != nil {
		return nil, err
	}
	return tr.MarshalJSON()
}
