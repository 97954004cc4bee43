package gaterule

import "github.com/releasegate/releasegate/rule"

// AttestationRules documents the rules attestation.rego reports over the
// facts registry/attest gathers (docs/attestations.md).
var AttestationRules = []rule.Rule{
	{
		ID: AttestationMissing, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: a digest users can pull has no sigstore attestation",
		Why: "Users pull a multi-arch tag by its index and then one platform image; each of those digests is what " +
			"`gh attestation verify` or `cosign verify-attestation` is asked about. A release whose signing step " +
			"flaked, or that attested the index but not every platform image, looks fine until a consumer's " +
			"admission policy rejects it. Cosign's older tag-based signatures (sha256-<hex>.sig/.att) are listed " +
			"in the message but do not count: releasegate does not verify that format.",
		Bad: "app:2.1.0 index and linux/amd64 have a provenance bundle as an OCI referrer; linux/arm64 has none\n" +
			"(the attest step ran once per platform and the arm64 run was retried without it)",
		Good: "every digest of app:2.1.0 (index, linux/amd64, linux/arm64) has a provenance bundle attached as a referrer",
		Fix: "Attest every digest after the push, e.g. with actions/attest-build-provenance using " +
			"push-to-registry: true for the index digest and each platform digest, then rerun `gate verify`. " +
			"Set gate.attestations.required: false to check attestations that exist without requiring them.",
	},
	{
		ID: AttestationInvalid, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: an attestation attached to a digest fails cryptographic verification",
		Why: "A bundle whose signature, certificate chain, log inclusion or timestamp does not check out against the " +
			"configured trusted root, or whose signed statement names another digest, is either corrupt, made by " +
			"another Sigstore instance, or forged. It is reported even when another bundle for the same digest is " +
			"good, because something attached it there and a consumer may pick it up.",
		Bad:  "a provenance bundle for the arm64 image attached to the amd64 digest (its subject names another digest)",
		Good: "each digest carries bundles whose statement subject is that digest and that verify against the trusted root",
		Fix: "Find who attached the referrer (its digest is in the message) and delete it with a delete-scoped token; " +
			"if the bundle comes from GitHub's own Sigstore instance or public-good, make sure the trusted root " +
			"file contains that instance (`gh attestation trusted-root > trusted_root.jsonl` has both).",
	},
	{
		ID: AttestationIdentity, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: a digest is validly attested, but not by the configured signer",
		Why: "Any GitHub workflow can obtain a Sigstore certificate. Provenance from a fork, from a feature-branch " +
			"run or from another workflow of the same repository proves only that someone built something; the " +
			"release is trustworthy only when the release workflow at the expected ref signed it.",
		Bad:  "signer https://github.com/acme/app/.github/workflows/release.yml@refs/heads/feature (configured: ...@refs/heads/main)",
		Good: "signer https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main, issuer https://token.actions.githubusercontent.com",
		Fix: "Publish releases only from the configured workflow and ref, or, if the release process moved, update " +
			"gate.attestations.identity (issuer, san-regex; optionally source-repository, source-ref, " +
			"build-signer-uri). The SAN regex is matched against the whole SAN.",
	},
	{
		ID: AttestationPredicate, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: the release signer attested a digest, but with none of the required predicate types",
		Why: "A signed SBOM or a plain signature is not build provenance. Consumers that require SLSA provenance will " +
			"reject an image that only has other attestation types, even though all of them verify.",
		Bad:  "app@sha256:... has an https://spdx.dev/Document attestation; predicate-types requires https://slsa.dev/provenance/v1",
		Good: "app@sha256:... has an https://slsa.dev/provenance/v1 attestation by the release workflow",
		Fix: "Add the missing attestation step (e.g. actions/attest-build-provenance) for every digest, or adjust " +
			"gate.attestations.predicate-types.",
	},
}
