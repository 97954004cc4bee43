package releasegate.gate.attestation_test

import data.releasegate.gate.attestation

release_signer := {
	"san": "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main",
	"issuer": "https://token.actions.githubusercontent.com",
	"source_repository": "https://github.com/acme/app",
	"source_ref": "refs/heads/main",
}

slsa := "https://slsa.dev/provenance/v1"

good_bundle := {
	"referrer": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
	"media_type": "application/vnd.dev.sigstore.bundle.v0.3+json",
	"predicate_type": slsa, "verified": true, "signer": release_signer,
	"identity_matched": true, "subjects": [],
}

invalid_bundle := object.union(good_bundle, {
	"verified": false, "identity_matched": false,
	"error": "failed to verify signature: could not verify envelope",
})

feature_branch_bundle := object.union(good_bundle, {
	"signer": object.union(release_signer, {"source_ref": "refs/heads/feature"}),
	"identity_matched": false,
	"identity_error": "expected SourceRepositoryRef to be \"refs/heads/main\", got \"refs/heads/feature\"",
})

sbom_bundle := object.union(good_bundle, {"predicate_type": "https://spdx.dev/Document"})

digest(platform, bundles) := {
	"image": "r/app", "ref": sprintf("r/app@sha256:%s", [platform]), "digest": "sha256:x",
	"platform": platform, "bundles": bundles, "legacy": [],
}

doc(digests) := {
	"phase": "verify",
	"attestations": {
		"enabled": true, "required": true, "key_based": false,
		"identity": {"issuer": "https://token.actions.githubusercontent.com"},
		"predicate_types": [slsa], "bundles_found": 0, "bundles_verified": 0,
	},
	"images": [{"image": "r/app", "attestations": digests, "errors": []}],
}

rules(vs) := [v.rule | some v in vs]

all_attested := [
	digest("index", [good_bundle]),
	digest("linux/amd64", [good_bundle]),
	digest("linux/arm64", [good_bundle]),
]

test_all_attested_passes if {
	count(attestation.violation) == 0 with input as doc(all_attested)
}

test_one_arch_missing if {
	vs := attestation.violation with input as doc([
		digest("index", [good_bundle]),
		digest("linux/amd64", [good_bundle]),
		digest("linux/arm64", []),
	])
	rules(vs) == ["attestation-missing"]
	some v in vs
	v.target == "r/app@sha256:linux/arm64"
	contains(v.message, "no sigstore attestation")
}

test_missing_not_reported_when_optional if {
	d := doc([digest("linux/arm64", [])])
	count(attestation.violation) == 0 with input as object.union(d, {"attestations": {"required": false}})
}

test_legacy_only_is_missing_with_note if {
	d := object.union(digest("linux/amd64", []), {"legacy": [{
		"tag": "r/app:sha256-x.sig", "kind": "signature", "digest": "sha256:s",
		"note": "legacy cosign format, not verified",
	}]})
	vs := attestation.violation with input as doc([d])
	rules(vs) == ["attestation-missing"]
	some v in vs
	contains(v.message, "legacy format, not verified")
	contains(v.message, "r/app:sha256-x.sig")
}

test_invalid_reported_even_next_to_a_good_bundle if {
	vs := attestation.violation with input as doc([digest("linux/amd64", [good_bundle, invalid_bundle])])
	rules(vs) == ["attestation-invalid"]
}

test_only_invalid_is_invalid_not_missing if {
	vs := attestation.violation with input as doc([digest("linux/amd64", [invalid_bundle])])
	rules(vs) == ["attestation-invalid"]
}

test_wrong_ref_is_identity if {
	vs := attestation.violation with input as doc([digest("index", [feature_branch_bundle])])
	rules(vs) == ["attestation-identity"]
	some v in vs
	contains(v.message, "refs/heads/feature")
}

test_identity_satisfied_by_any_bundle if {
	count(attestation.violation) == 0 with input as doc([digest("index", [feature_branch_bundle, good_bundle])])
}

test_wrong_predicate if {
	vs := attestation.violation with input as doc([digest("index", [sbom_bundle])])
	rules(vs) == ["attestation-predicate"]
	some v in vs
	contains(v.message, "https://spdx.dev/Document")
}

test_any_predicate_when_none_configured if {
	d := doc([digest("index", [sbom_bundle])])
	count(attestation.violation) == 0 with input as object.union(d, {"attestations": {"predicate_types": []}})
}

test_predicate_only_counts_bundles_by_the_identity if {
	wrong_signer_slsa := feature_branch_bundle
	vs := attestation.violation with input as doc([digest("index", [wrong_signer_slsa, sbom_bundle])])
	rules(vs) == ["attestation-predicate"]
}

test_unknown_digest_is_not_judged if {
	d := object.union(digest("linux/amd64", []), {"error": "list referrers: GET ...: 500"})
	count(attestation.violation) == 0 with input as doc([d])
}

test_disabled_says_nothing if {
	d := doc([digest("linux/amd64", [])])
	count(attestation.violation) == 0 with input as object.union(d, {"attestations": {"enabled": false}})
}

test_no_attestation_facts_says_nothing if {
	count(attestation.violation) == 0 with input as {"phase": "verify", "images": [{"image": "r/app", "attestations": [digest("x", [])]}]}
}
