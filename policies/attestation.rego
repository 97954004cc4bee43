# Attestations: is every digest a user can pull attested by the release
# workflow? The facts come from registry/attest: input.attestations holds
# the configuration (required, identity, predicate_types) and counts, and
# each image's "attestations" lists its digests (the version index and
# every platform image) with the sigstore bundles found for them.
#
# A digest whose discovery failed carries "error"; it is reported as
# unverifiable by the gate (image errors), never judged here as absent.
package releasegate.gate.attestation

import data.releasegate.gate.lib

enabled if input.attestations.enabled == true

# digests yields [image, digest] for every digest whose attestations are
# known.
digests contains [img, d] if {
	enabled
	some img in input.images
	some d in object.get(img, "attestations", [])
	object.get(d, "error", "") == ""
}

accepted_predicate(_) if count(object.get(input.attestations, "predicate_types", [])) == 0

accepted_predicate(t) if t in input.attestations.predicate_types

# good is a bundle that settles the digest: it verifies, it is signed by
# the configured identity and it has an accepted predicate type.
good(b) if {
	b.verified == true
	b.identity_matched == true
	accepted_predicate(b.predicate_type)
}

verified(d) := [b | some b in d.bundles; b.verified == true]

by_identity(d) := [b | some b in d.bundles; b.verified == true; b.identity_matched == true]

label(d) := sprintf("%s (%s)", [lib.short(d.digest), d.platform])

# attestation-invalid: a bundle that fails verification is reported even
# when another bundle for the digest is fine: something attached a forged,
# corrupted or foreign attestation, and that deserves a look.
violation contains v if {
	some [_, d] in digests
	some b in d.bundles
	b.verified != true
	v := lib.violation("attestation-invalid", "error", d.ref, sprintf(
		"attestation %s on %s does not verify: %s",
		[lib.short(object.get(b, "referrer", "")), label(d), b.error],
	))
}

# attestation-missing: a required digest has no attestation at all.
# (A digest whose only bundles are invalid is already reported as
# attestation-invalid, and is not a pass either way.)
violation contains v if {
	input.attestations.required == true
	some [_, d] in digests
	count(d.bundles) == 0
	v := lib.violation("attestation-missing", "error", d.ref, sprintf(
		"%s has no sigstore attestation%s", [label(d), legacy_note(d)],
	))
}

legacy_note(d) := sprintf("; only legacy cosign tags (%s): legacy format, not verified", [concat(", ", sort([l.tag | some l in d.legacy]))]) if {
	count(object.get(d, "legacy", [])) > 0
}

legacy_note(d) := "" if count(object.get(d, "legacy", [])) == 0

# attestation-identity: the digest is attested, validly, but by someone
# other than the configured signer (another workflow, ref or issuer).
violation contains v if {
	some [_, d] in digests
	vs := verified(d)
	count(vs) > 0
	count(by_identity(d)) == 0
	b := vs[0]
	v := lib.violation("attestation-identity", "error", d.ref, sprintf(
		"%s is attested by %s (issuer %s), not by the configured identity: %s",
		[label(d), signer_san(b), signer_issuer(b), object.get(b, "identity_error", "")],
	))
}

signer_san(b) := object.get(object.get(b, "signer", {}), "san", "an unknown signer")

signer_issuer(b) := object.get(object.get(b, "signer", {}), "issuer", "unknown")

# attestation-predicate: the configured signer attested the digest, but
# none of its attestations has a required predicate type (e.g. an SBOM
# where SLSA provenance is required).
violation contains v if {
	some [_, d] in digests
	ids := by_identity(d)
	count(ids) > 0
	not any_good(d)
	v := lib.violation("attestation-predicate", "error", d.ref, sprintf(
		"%s has attestations by the release identity of type %s, none of %s",
		[label(d), concat(", ", sort({b.predicate_type | some b in ids})), concat(", ", input.attestations.predicate_types)],
	))
}

any_good(d) if {
	some b in d.bundles
	good(b)
}
