// Package attest finds sigstore attestations of container images in OCI
// registries and verifies them with sigstore-go, fully offline.
//
// Discovery, per manifest digest: the OCI 1.1 referrers of the digest
// (the referrers API, or the sha256-<hex> fallback tag on registries that
// lack it), keeping artifacts whose artifact type or layer is a sigstore
// bundle, plus cosign's legacy sha256-<hex>.sig / .att tags, which are
// reported but not verified. Each bundle is fetched once.
//
// Verification: trust comes from a trusted_root.json (or JSON lines of
// several, as `gh attestation trusted-root` prints) or from a public key.
// A bundle verifies when its signature, certificate chain at a verified
// time, transparency log inclusion and timestamps hold as the trusted root
// allows, and its signed content names the digest it is attached to. The
// signer's identity (issuer, SAN regex, GitHub certificate extensions) is
// checked afterwards and reported separately, so the policies can tell
// "invalid" from "valid but signed by someone else".
//
// The result is facts, not a decision: policies/attestation.rego turns
// them into the attestation-* rules.
package attest
