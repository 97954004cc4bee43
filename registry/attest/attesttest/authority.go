// Package attesttest is a small, self-contained Sigstore for tests: a
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
package attesttest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/url"
	"sync"
	"time"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	"github.com/digitorus/timestamp"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/signature"
	"google.golang.org/protobuf/encoding/protojson"
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

func (a *Authority) serial() *big.Int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.serialNumber++
	return big.NewInt(a.serialNumber)
}

// newCA makes a self-signed root and an intermediate below it.
func (a *Authority) newCA(name string, eku x509.ExtKeyUsage) (*x509.Certificate, *x509.Certificate, *ecdsa.PrivateKey, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          a.serial(),
		Subject:               pkix.Name{CommonName: name + "-root", Organization: []string{"releasegate.test"}},
		NotBefore:             a.validFrom,
		NotAfter:              a.validTo,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	rootCert, err := createCert(rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, nil, nil, err
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          a.serial(),
		Subject:               pkix.Name{CommonName: name + "-intermediate", Organization: []string{"releasegate.test"}},
		NotBefore:             a.validFrom,
		NotAfter:              a.validTo,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{eku},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	interCert, err := createCert(interTmpl, rootCert, interKey.Public(), rootKey)
	if err != nil {
		return nil, nil, nil, err
	}
	return rootCert, interCert, interKey, nil
}

// newTSA makes a timestamp root and a leaf with the critical
// timestamping-only extended key usage RFC 3161 requires.
func (a *Authority) newTSA() error {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          a.serial(),
		Subject:               pkix.Name{CommonName: "releasegate-test-tsa-root", Organization: []string{"releasegate.test"}},
		NotBefore:             a.validFrom,
		NotAfter:              a.validTo,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if a.tsaRoot, err = createCert(rootTmpl, rootTmpl, rootKey.Public(), rootKey); err != nil {
		return err
	}
	if a.tsaLeafKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return err
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidTimestampingEKU})
	if err != nil {
		return err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber:    a.serial(),
		Subject:         pkix.Name{CommonName: "releasegate-test-tsa", Organization: []string{"releasegate.test"}},
		NotBefore:       a.validFrom,
		NotAfter:        a.validTo,
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: oidExtKeyUsageOID, Critical: true, Value: eku}},
	}
	a.tsaLeaf, err = createCert(leafTmpl, a.tsaRoot, a.tsaLeafKey.Public(), rootKey)
	return err
}

func createCert(tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("create certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
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

func (a *Authority) transparencyLog() *root.TransparencyLog {
	return &root.TransparencyLog{
		BaseURL:             a.logURL,
		ID:                  a.logID,
		ValidityPeriodStart: a.validFrom,
		HashFunc:            crypto.SHA256,
		PublicKey:           a.logKey.Public(),
		SignatureHashFunc:   crypto.SHA256,
	}
}

// TrustedRootJSON returns trusted_root.json for this authority.
func (a *Authority) TrustedRootJSON() ([]byte, error) {
	tr, err := a.TrustedRoot()
	if err != nil {
		return nil, err
	}
	return tr.MarshalJSON()
}

// Statement returns an in-toto v1 statement with the given predicate type
// and subjects, and a small predicate naming the builder.
func Statement(predicateType string, subjects ...Subject) []byte {
	type subj struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	}
	st := struct {
		Type          string         `json:"_type"`
		Subject       []subj         `json:"subject"`
		PredicateType string         `json:"predicateType"`
		Predicate     map[string]any `json:"predicate"`
	}{Type: StatementType, PredicateType: predicateType,
		Predicate: map[string]any{"buildDefinition": map[string]any{"buildType": "https://releasegate.test/build/v1"}}}
	for _, s := range subjects {
		alg, hexDigest, _ := cut(s.Digest)
		st.Subject = append(st.Subject, subj{Name: s.Name, Digest: map[string]string{alg: hexDigest}})
	}
	b, err := json.Marshal(st)
	if err != nil {
		panic(err) // only strings and maps: cannot fail
	}
	return b
}

func cut(digest string) (string, string, bool) {
	for i := range len(digest) {
		if digest[i] == ':' {
			return digest[:i], digest[i+1:], true
		}
	}
	return "sha256", digest, false
}

// Attest signs statement as id with a fresh short-lived certificate, logs
// it and timestamps it, and returns the v0.3 bundle as JSON.
func (a *Authority) Attest(id Identity, statement []byte) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf, err := a.leafCert(id, key)
	if err != nil {
		return nil, err
	}
	sig, err := signDSSE(key, InTotoPayloadType, statement)
	if err != nil {
		return nil, err
	}
	var entries []*protorekor.TransparencyLogEntry
	if !a.noLog {
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
		entry, err := a.logDSSE(statement, sig, certPEM)
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry)
	}
	ts, err := a.timestamp(sig)
	if err != nil {
		return nil, err
	}
	b := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content:                   &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: leaf.Raw}},
			TlogEntries:               entries,
			TimestampVerificationData: &protobundle.TimestampVerificationData{Rfc3161Timestamps: []*protocommon.RFC3161SignedTimestamp{{SignedTimestamp: ts}}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     statement,
			PayloadType: InTotoPayloadType,
			Signatures:  []*protodsse.Signature{{Sig: sig}},
		}},
	}
	return protojson.Marshal(b)
}

// leafCert issues a ten-minute certificate for key, shaped like the ones
// Fulcio issues to GitHub Actions: a URI SAN and the issuer, source
// repository, source ref and build signer extensions.
func (a *Authority) leafCert(id Identity, key *ecdsa.PrivateKey) (*x509.Certificate, error) {
	san, err := url.Parse(id.SAN)
	if err != nil {
		return nil, fmt.Errorf("identity SAN %q: %w", id.SAN, err)
	}
	var exts []pkix.Extension
	exts = append(exts, pkix.Extension{Id: oidIssuerV1, Value: []byte(id.Issuer)})
	for _, e := range []struct {
		oid asn1.ObjectIdentifier
		val string
	}{
		{oidIssuerV2, id.Issuer},
		{oidBuildSignerURI, id.BuildSignerURI},
		{oidSourceRepoURI, id.SourceRepository},
		{oidSourceRepoRef, id.SourceRef},
		{oidRunnerEnv, "github-hosted"},
	} {
		if e.val == "" {
			continue
		}
		der, err := asn1.MarshalWithParams(e.val, "utf8")
		if err != nil {
			return nil, err
		}
		exts = append(exts, pkix.Extension{Id: e.oid, Value: der})
	}
	now := a.now()
	tmpl := &x509.Certificate{
		SerialNumber:    a.serial(),
		NotBefore:       now.Add(-time.Minute),
		NotAfter:        now.Add(10 * time.Minute),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		URIs:            []*url.URL{san},
		ExtraExtensions: exts,
	}
	return createCert(tmpl, a.caInter, key.Public(), a.caInterKey)
}

// pae is DSSE's pre-authentication encoding.
func pae(payloadType string, payload []byte) []byte {
	return fmt.Appendf(nil, "DSSEv1 %d %s %d %s", len(payloadType), payloadType, len(payload), payload)
}

func signDSSE(key *ecdsa.PrivateKey, payloadType string, payload []byte) ([]byte, error) {
	h := sha256.Sum256(pae(payloadType, payload))
	return ecdsa.SignASN1(rand.Reader, key, h[:])
}

// logDSSE appends a Rekor v1 "dsse" entry to the log and returns it with an
// inclusion proof against a freshly signed checkpoint and a signed entry
// timestamp (inclusion promise).
func (a *Authority) logDSSE(payload, sig, certPEM []byte) (*protorekor.TransparencyLogEntry, error) {
	payloadHash := sha256.Sum256(payload)
	envHash := sha256.Sum256(append(append([]byte{}, payload...), sig...))
	body, err := json.Marshal(map[string]any{
		"apiVersion": "0.0.1",
		"kind":       "dsse",
		"spec": map[string]any{
			"envelopeHash": map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(envHash[:])},
			"payloadHash":  map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(payloadHash[:])},
			"signatures": []map[string]string{{
				"signature": base64.StdEncoding.EncodeToString(sig),
				"verifier":  base64.StdEncoding.EncodeToString(certPEM),
			}},
		},
	})
	if err != nil {
		return nil, err
	}
	integrated := a.now().Unix()

	a.mu.Lock()
	a.leaves = append(a.leaves, hashLeaf(body))
	index := int64(len(a.leaves) - 1)
	leaves := append([][]byte(nil), a.leaves...)
	a.mu.Unlock()

	rootHash := treeHash(leaves)
	path := inclusionPath(int(index), leaves)
	signer, err := signature.LoadECDSASignerVerifier(a.logKey, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	host, _ := url.Parse(a.logURL)
	checkpoint, err := rekorutil.CreateAndSignCheckpoint(context.Background(), host.Hostname(), a.logTreeID, uint64(len(leaves)), rootHash, signer)
	if err != nil {
		return nil, err
	}
	set, err := a.signEntryTimestamp(body, integrated, index)
	if err != nil {
		return nil, err
	}
	return &protorekor.TransparencyLogEntry{
		LogIndex:          index,
		LogId:             &protocommon.LogId{KeyId: a.logID},
		KindVersion:       &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"},
		IntegratedTime:    integrated,
		InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: set},
		CanonicalizedBody: body,
		InclusionProof: &protorekor.InclusionProof{
			LogIndex:   index,
			RootHash:   rootHash,
			TreeSize:   int64(len(leaves)),
			Hashes:     path,
			Checkpoint: &protorekor.Checkpoint{Envelope: string(checkpoint)},
		},
	}, nil
}

// signEntryTimestamp signs the canonical JSON Rekor v1 puts under its
// inclusion promise.
func (a *Authority) signEntryTimestamp(body []byte, integrated, index int64) ([]byte, error) {
	payload, err := json.Marshal(map[string]any{
		"body":           base64.StdEncoding.EncodeToString(body),
		"integratedTime": integrated,
		"logIndex":       index,
		"logID":          hex.EncodeToString(a.logID),
	})
	if err != nil {
		return nil, err
	}
	canon, err := jsoncanonicalizer.Transform(payload)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(canon)
	return ecdsa.SignASN1(rand.Reader, a.logKey, h[:])
}

// timestamp returns an RFC 3161 response over sig, signed by the TSA leaf.
func (a *Authority) timestamp(sig []byte) ([]byte, error) {
	h := sha256.Sum256(sig)
	ts := timestamp.Timestamp{
		HashAlgorithm: crypto.SHA256,
		HashedMessage: h[:],
		Time:          a.now(),
		Policy:        asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 2},
		SerialNumber:  a.serial(),
	}
	resp, err := ts.CreateResponseWithOpts(a.tsaLeaf, a.tsaLeafKey, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("timestamp response: %w", err)
	}
	return resp, nil
}

// RFC 6962 Merkle tree hashing, small enough to keep in full here.

func hashLeaf(b []byte) []byte {
	h := sha256.Sum256(append([]byte{0}, b...))
	return h[:]
}

func hashChildren(l, r []byte) []byte {
	h := sha256.Sum256(append(append([]byte{1}, l...), r...))
	return h[:]
}

// split returns the largest power of two smaller than n (n > 1).
func split(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func treeHash(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		return leaves[0]
	}
	k := split(len(leaves))
	return hashChildren(treeHash(leaves[:k]), treeHash(leaves[k:]))
}

// inclusionPath is RFC 6962's PATH(m, D[n]), ordered from the leaf up.
func inclusionPath(m int, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := split(len(leaves))
	if m < k {
		return append(inclusionPath(m, leaves[:k]), treeHash(leaves[k:]))
	}
	return append(inclusionPath(m-k, leaves[k:]), treeHash(leaves[:k]))
}

// SignWithKey signs statement with a long-lived key, as `cosign attest
// --key` does, and returns a v0.3 bundle carrying only a key hint: no
// certificate, no log entry, no timestamp.
func SignWithKey(key *ecdsa.PrivateKey, statement []byte) ([]byte, error) {
	sig, err := signDSSE(key, InTotoPayloadType, statement)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	hint := sha256.Sum256(der)
	b := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: hex.EncodeToString(hint[:])}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     statement,
			PayloadType: InTotoPayloadType,
			Signatures:  []*protodsse.Signature{{Sig: sig}},
		}},
	}
	return protojson.Marshal(b)
}

// PublicKeyPEM encodes key's public half as PEM, as cosign.pub is.
func PublicKeyPEM(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
