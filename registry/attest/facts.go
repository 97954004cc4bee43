package attest

import (
	"sort"

	intoto "github.com/in-toto/attestation/go/v1"
)

// Summary is the run-wide part of the attestation facts, placed in the
// Rego input under "attestations": configuration and counts. The
// per-digest facts (Digest) sit with each image. Field names are the
// policies' contract (docs/attestations.md lists them).
type Summary struct {
	// Enabled is false when no attestation checking is configured; the
	// policies then say nothing.
	Enabled bool `json:"enabled"`
	// Required makes a digest without a verifying bundle a violation.
	Required bool `json:"required"`
	// KeyBased is true when bundles are checked against a public key.
	KeyBased bool `json:"key_based"`
	// Identity is the configured signer, for messages.
	Identity Identity `json:"identity"`
	// PredicateTypes are the accepted predicate types; empty accepts any.
	PredicateTypes []string `json:"predicate_types"`
	// Error is set when the trust material itself could not be loaded:
	// nothing can be verified then.
	Error string `json:"error,omitempty"`
	// BundlesFound and BundlesVerified count sigstore bundles fetched and
	// those that verified cryptographically.
	BundlesFound    int `json:"bundles_found"`
	BundlesVerified int `json:"bundles_verified"`
}

// Identity is the configured signer as the policies see it.
type Identity struct {
	Issuer           string `json:"issuer,omitempty"`
	SANRegex         string `json:"san_regex,omitempty"`
	SourceRepository string `json:"source_repository,omitempty"`
	SourceRef        string `json:"source_ref,omitempty"`
	BuildSignerURI   string `json:"build_signer_uri,omitempty"`
}

// Digest is everything found for one manifest digest in one repository.
type Digest struct {
	Image    string `json:"image"`    // repository, e.g. ghcr.io/acme/app
	Ref      string `json:"ref"`      // image@digest
	Digest   string `json:"digest"`   // sha256:<hex>
	Platform string `json:"platform"` // os/arch, or "index" for the version tag's index
	// Bundles are the sigstore bundles attached as referrers.
	Bundles []Bundle `json:"bundles"`
	// Legacy lists cosign's pre-bundle tags (sha256-<hex>.sig / .att).
	Legacy []Legacy `json:"legacy"`
	// Error is set when discovery failed (registry error listing referrers
	// or fetching a bundle): the digest's state is unknown.
	Error string `json:"error,omitempty"`
}

// TargetRef is the reference the policies' violations about this digest
// target (image@digest).
func (d Digest) TargetRef() string { return d.Ref }

// Bundle is one sigstore bundle and what verifying it established.
type Bundle struct {
	Referrer  string `json:"referrer,omitempty"` // digest of the referrer manifest carrying it
	MediaType string `json:"media_type"`
	// PredicateType is the statement's predicate type once verified, else
	// the annotation or the unverified claim.
	PredicateType string `json:"predicate_type"`
	// Verified is true when signature, chain, log/timestamps and the
	// binding to this digest all verified.
	Verified bool   `json:"verified"`
	Error    string `json:"error,omitempty"`
	// Signer is the certificate's identity (verified only if Verified).
	Signer *Signer `json:"signer,omitempty"`
	// IdentityMatched is true when a verified bundle's signer is the
	// configured identity; IdentityError says why not.
	IdentityMatched bool      `json:"identity_matched"`
	IdentityError   string    `json:"identity_error,omitempty"`
	Subjects        []Subject `json:"subjects"`
}

// Signer is a Fulcio certificate's identity, or the key in key mode.
type Signer struct {
	SAN               string `json:"san,omitempty"`
	Issuer            string `json:"issuer,omitempty"`
	SourceRepository  string `json:"source_repository,omitempty"`
	SourceRef         string `json:"source_ref,omitempty"`
	SourceDigest      string `json:"source_digest,omitempty"`
	BuildSignerURI    string `json:"build_signer_uri,omitempty"`
	RunnerEnvironment string `json:"runner_environment,omitempty"`
	Key               string `json:"key,omitempty"`
}

// Subject is an in-toto statement subject.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Legacy is a cosign tag-based signature or attestation.
type Legacy struct {
	Tag    string `json:"tag"`
	Kind   string `json:"kind"` // "signature" (.sig) or "attestation" (.att)
	Digest string `json:"digest"`
	Note   string `json:"note"`
}

// LegacyNote is what the gate says about tag-based cosign artifacts.
const LegacyNote = "legacy cosign format, not verified"

func statementSubjects(in []*intoto.ResourceDescriptor) []Subject {
	out := make([]Subject, 0, len(in))
	for _, s := range in {
		d := map[string]string{}
		for k, v := range s.GetDigest() {
			d[k] = v
		}
		out = append(out, Subject{Name: s.GetName(), Digest: d})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
