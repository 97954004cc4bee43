package gaterule

// The gate's rule ids: what the Rego policies put in a violation's
// `rule`, and what Go code compares against. The Rego files spell the
// same strings; TestRuleIDsMatchPolicies keeps the two in step.
const (
	TagExists            = "tag-exists"
	OrphanArchTag        = "orphan-arch-tag"
	PartialPublish       = "partial-publish"
	TagMissing           = "tag-missing"
	PlatformMissing      = "platform-missing"
	MovingTagMismatch    = "moving-tag-mismatch"
	ArchTagMismatch      = "arch-tag-mismatch"
	RegistryDivergence   = "registry-divergence"
	IntegrityMissing     = "integrity-missing"
	DigestMismatch       = "digest-mismatch"
	Unverifiable         = "unverifiable"
	AttestationMissing   = "attestation-missing"
	AttestationInvalid   = "attestation-invalid"
	AttestationIdentity  = "attestation-identity"
	AttestationPredicate = "attestation-predicate"
)

// AttestationRulePrefix starts the id of every attestation rule.
const AttestationRulePrefix = "attestation-"
