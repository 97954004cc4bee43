package attest

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Options is the trust a Verifier works with.
type Options struct {
	// Roots are trusted roots (Fulcio CAs, transparency logs, timestamp
	// authorities). A bundle verifies if it verifies against any of them.
	Roots []*root.TrustedRoot
	// PublicKey, when set, switches to key-based verification: bundles must
	// be signed by this key (no certificate, no identity).
	PublicKey crypto.PublicKey
	// Identity is the expected certificate signer.
	Identity Identity
}

// Verifier checks sigstore bundles against fixed, offline trust material.
// It is safe for concurrent use.
type Verifier struct {
	verifiers []rootVerifier
	keyID     string // "sha256:<hex of DER>" in key mode
	identity  *verify.CertificateIdentity
}

type rootVerifier struct {
	name string
	v    *verify.Verifier
}

// NewVerifier builds a Verifier. Each trusted root gets the checks its
// material allows, as the gh CLI does: a root with a transparency log
// requires a verified log entry and an observed time (log or timestamp
// authority), plus an embedded SCT when it lists CT logs; a root with only
// timestamp authorities (GitHub's own instance) requires an RFC 3161
// timestamp. A root with neither cannot date a short-lived certificate and
// is refused.
func NewVerifier(o Options) (*Verifier, error) {
	v := &Verifier{}
	if o.PublicKey != nil {
		return v, v.initKey(o)
	}
	if len(o.Roots) == 0 {
		return nil, errors.New("attestations: no trusted root (set gate.attestations.trusted-root or --trusted-root) and no public key")
	}
	id, err := certificateIdentity(o.Identity)
	if err != nil {
		return nil, err
	}
	v.identity = &id
	for i, tr := range o.Roots {
		opts, err := rootOptions(tr)
		if err != nil {
			return nil, fmt.Errorf("attestations: trusted root %d: %w", i+1, err)
		}
		sv, err := verify.NewVerifier(tr, opts...)
		if err != nil {
			return nil, fmt.Errorf("attestations: trusted root %d: %w", i+1, err)
		}
		v.verifiers = append(v.verifiers, rootVerifier{name: rootName(i, tr), v: sv})
	}
	return v, nil
}

func (v *Verifier) initKey(o Options) error {
	der, err := x509.MarshalPKIXPublicKey(o.PublicKey)
	if err != nil {
		return fmt.Errorf("attestations: public key: %w", err)
	}
	sum := sha256.Sum256(der)
	v.keyID = "sha256:" + hex.EncodeToString(sum[:])
	sv, err := signature.LoadVerifier(o.PublicKey, crypto.SHA256)
	if err != nil {
		return fmt.Errorf("attestations: public key: %w", err)
	}
	// The key is trusted whatever hint a bundle carries: there is only one.
	keys := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		return root.NewExpiringKey(sv, time.Time{}, time.Time{}), nil
	})
	var material root.TrustedMaterial = keys
	opts := []verify.VerifierOption{verify.WithNoObserverTimestamps()}
	if len(o.Roots) > 0 {
		// A configured root adds its log and timestamp requirements.
		coll := root.TrustedMaterialCollection{keys}
		for _, tr := range o.Roots {
			coll = append(coll, tr)
		}
		material = coll
		if opts, err = rootOptions(o.Roots[0]); err != nil {
			return fmt.Errorf("attestations: trusted root: %w", err)
		}
	}
	kv, err := verify.NewVerifier(material, opts...)
	if err != nil {
		return fmt.Errorf("attestations: public key: %w", err)
	}
	v.verifiers = []rootVerifier{{name: "public key " + v.keyID, v: kv}}
	return nil
}

// rootOptions chooses the verifier requirements a trusted root supports.
func rootOptions(tr root.TrustedMaterial) ([]verify.VerifierOption, error) {
	switch {
	case len(tr.RekorLogs()) > 0:
		opts := []verify.VerifierOption{verify.WithTransparencyLog(1), verify.WithObserverTimestamps(1)}
		if len(tr.CTLogs()) > 0 {
			opts = append(opts, verify.WithSignedCertificateTimestamps(1))
		}
		return opts, nil
	case len(tr.TimestampingAuthorities()) > 0:
		opts := []verify.VerifierOption{verify.WithSignedTimestamps(1)}
		if len(tr.CTLogs()) > 0 {
			opts = append(opts, verify.WithSignedCertificateTimestamps(1))
		}
		return opts, nil
	}
	return nil, errors.New("it has neither a transparency log nor a timestamp authority, so no signing time can be established")
}

func rootName(i int, tr *root.TrustedRoot) string {
	for _, ca := range tr.FulcioCertificateAuthorities() {
		if f, ok := ca.(*root.FulcioCertificateAuthority); ok && f.URI != "" {
			return fmt.Sprintf("root %d (%s)", i+1, f.URI)
		}
	}
	return fmt.Sprintf("root %d", i+1)
}

// certificateIdentity turns the configured identity into sigstore-go's
// matcher. The SAN regex is anchored at both ends: an unanchored
// "acme/app" would also accept "evil/acme/app-fork".
func certificateIdentity(id Identity) (verify.CertificateIdentity, error) {
	if id.Issuer == "" || id.SANRegex == "" {
		return verify.CertificateIdentity{}, errors.New("attestations: gate.attestations.identity needs both issuer and san-regex to accept certificate-signed attestations (or set public-key)")
	}
	san, err := verify.NewSANMatcher("", anchor(id.SANRegex))
	if err != nil {
		return verify.CertificateIdentity{}, fmt.Errorf("attestations: san-regex: %w", err)
	}
	iss, err := verify.NewIssuerMatcher(id.Issuer, "")
	if err != nil {
		return verify.CertificateIdentity{}, err
	}
	ext := certificate.Extensions{
		SourceRepositoryURI: repositoryURI(id.SourceRepository),
		SourceRepositoryRef: id.SourceRef,
		BuildSignerURI:      id.BuildSignerURI,
	}
	return verify.NewCertificateIdentity(san, iss, ext)
}

func anchor(re string) string {
	return "^(?:" + re + ")$"
}

// repositoryURI accepts "owner/name" (github.com) or a full URL.
func repositoryURI(s string) string {
	if s == "" || strings.Contains(s, "://") {
		return s
	}
	return "https://github.com/" + s
}

// KeyBased reports whether the verifier checks a public key instead of
// certificates.
func (v *Verifier) KeyBased() bool { return v.keyID != "" }

// Verify checks one bundle (JSON) for digest: signature, certificate chain
// at a verified time, log inclusion and timestamps as the trust allows, and
// that the signed content names digest. Identity is checked afterwards and
// reported separately, so "valid but signed by someone else" is told apart
// from "not valid". Facts of a bundle that does not verify are claims,
// useful in messages only.
func (v *Verifier) Verify(raw []byte, digest v1.Hash) Bundle {
	out := Bundle{Subjects: []Subject{}}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(raw); err != nil {
		out.Error = "not a valid sigstore bundle: " + err.Error()
		return out
	}
	out.MediaType = b.MediaType
	claims(&b, &out)
	want, err := hex.DecodeString(digest.Hex)
	if err != nil || digest.Algorithm == "" {
		out.Error = fmt.Sprintf("digest %q is not algorithm:hex", digest.String())
		return out
	}
	policy := verify.NewPolicy(verify.WithArtifactDigest(digest.Algorithm, want), v.policyOption())
	var errs []string
	for _, rv := range v.verifiers {
		res, err := rv.v.Verify(&b, policy)
		if err != nil {
			errs = append(errs, prefix(len(v.verifiers), rv.name, err))
			continue
		}
		v.accept(res, &out)
		return out
	}
	out.Error = strings.Join(errs, "; ")
	if strings.Contains(out.Error, "not enough verified log entries") {
		out.Error += " (no entry from a transparency log in the trusted root: signed by another Sigstore instance?)"
	}
	if !names(out.Subjects, digest) && len(out.Subjects) > 0 {
		out.Error = fmt.Sprintf("bundle does not attest %s (its subjects: %s): %s", digest, subjectList(out.Subjects), out.Error)
	}
	return out
}

func (v *Verifier) policyOption() verify.PolicyOption {
	if v.KeyBased() {
		return verify.WithKey()
	}
	// Identity is judged after verification, see Verify.
	return verify.WithoutIdentitiesUnsafe()
}

func prefix(n int, name string, err error) string {
	if n == 1 {
		return err.Error()
	}
	return name + ": " + err.Error()
}

// accept records a verified bundle: its signer and whether it is the
// configured identity.
func (v *Verifier) accept(res *verify.VerificationResult, out *Bundle) {
	out.Verified = true
	out.Error = ""
	if res.Statement != nil {
		out.PredicateType = res.Statement.GetPredicateType()
		out.Subjects = statementSubjects(res.Statement.GetSubject())
	}
	if v.KeyBased() {
		out.Signer = &Signer{Key: v.keyID}
		out.IdentityMatched = true
		return
	}
	if res.Signature == nil || res.Signature.Certificate == nil {
		out.IdentityError = "bundle is not signed with a certificate"
		return
	}
	out.Signer = signerOf(*res.Signature.Certificate)
	if err := v.identity.Verify(*res.Signature.Certificate); err != nil {
		out.IdentityError = err.Error()
		return
	}
	out.IdentityMatched = true
}

func signerOf(s certificate.Summary) *Signer {
	return &Signer{
		SAN:               s.SubjectAlternativeName,
		Issuer:            s.Extensions.Issuer,
		SourceRepository:  s.SourceRepositoryURI,
		SourceRef:         s.SourceRepositoryRef,
		SourceDigest:      s.SourceRepositoryDigest,
		BuildSignerURI:    s.BuildSignerURI,
		RunnerEnvironment: s.RunnerEnvironment,
	}
}

// claims fills subjects, predicate type and signer from the bundle without
// trusting them, so a failure can say what the bundle claimed.
func claims(b *bundle.Bundle, out *Bundle) {
	if env, err := b.Envelope(); err == nil && env != nil {
		if st, err := env.Statement(); err == nil {
			out.PredicateType = st.GetPredicateType()
			out.Subjects = statementSubjects(st.GetSubject())
		}
	}
	if vc, err := b.VerificationContent(); err == nil {
		if c := vc.Certificate(); c != nil {
			if s, err := certificate.SummarizeCertificate(c); err == nil {
				out.Signer = signerOf(s)
			}
		}
	}
}

func names(subjects []Subject, d v1.Hash) bool {
	for _, s := range subjects {
		if s.Digest[d.Algorithm] == d.Hex {
			return true
		}
	}
	return false
}

func subjectList(subjects []Subject) string {
	var parts []string
	for _, s := range subjects {
		for alg, h := range s.Digest {
			parts = append(parts, alg+":"+h)
		}
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("and %d more", len(parts)-3))
	}
	return strings.Join(parts, ", ")
}
