package gaterule

import "github.com/releasegate/releasegate/rule"

// Rules documents every built-in gate rule except the attestation rules
// (see attestation_rules.go). The Rego in this directory reports them.
var Rules = []rule.Rule{
	{
		ID: TagExists, Half: rule.Gate, Severity: rule.Error,
		Summary: "preflight: the version tag is already published in a target repository",
		Why: "Registries with immutable tags reject the push only after the whole build has run, and registries " +
			"without them silently replace a published release. Checking first lets a re-run fail fast, or skip " +
			"idempotently, before any minutes are spent.",
		Bad:  "releasegate gate preflight --version 2.4.0   # registry.example/app:2.4.0 already exists",
		Good: "releasegate gate preflight --version 2.4.1   # 2.4.1 exists nowhere yet",
		Fix: "Bump the version, or choose what a re-run should do with --on-existing / gate.on-existing: " +
			"fail (error), warn (warning) or skip (decision skip, exit 0, skip=true in $GITHUB_OUTPUT so later steps can be skipped).",
	},
	{
		ID: OrphanArchTag, Half: rule.Gate, Severity: rule.Error,
		Summary: "preflight: a per-arch tag exists without its version tag",
		Why: "A release that pushed some per-arch images and then failed leaves a {version}-{arch} tag behind with no " +
			"index pointing at it. The retry then collides with that tag, or ships a mix of old and new per-arch images.",
		Bad:  "app:3.0.0-arm64 exists, app:3.0.0 does not",
		Good: "neither app:3.0.0-arm64 nor app:3.0.0 exists before the release",
		Fix:  "Delete the orphan per-arch tag (with a delete-scoped token) before retrying the release.",
	},
	{
		ID: PartialPublish, Half: rule.Gate, Severity: rule.Error,
		Summary: "preflight: the version is published in some configured images but not in others",
		Why: "Releasing to several registries is not atomic. When one accepted the version and another did not, a plain " +
			"retry either fails on the first or skips it, and users of the two registries see different releases.",
		Bad:  "docker.io/acme/app:1.8.0 exists, ghcr.io/acme/app:1.8.0 does not",
		Good: "1.8.0 exists in both repositories, or in neither",
		Fix: "Finish the release by copying the published index to the missing repository by digest " +
			"(e.g. crane copy), or remove it everywhere and release again.",
	},
	{
		ID: TagMissing, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: the version tag, a moving tag or a per-arch tag does not exist; probe: a tag the registry lists is not served",
		Why:     "A push step can report success for one registry and never reach another; a tag users pull must exist after the release.",
		Bad:     "after the release, ghcr.io/acme/app:latest answers 404",
		Good:    "app:1.8.0, app:latest and every app:1.8.0-{arch} resolve in every configured repository",
		Fix:     "Re-run the push for the missing repository or tag, copying by digest from a repository that has it.",
	},
	{
		ID: PlatformMissing, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: the version's index has no image for a configured platform",
		Why:     "A multi-platform build can drop an architecture (a failed matrix leg, a cache miss) and still push an index; users on that platform then cannot pull.",
		Bad:     "gate.platforms: [linux/amd64, linux/arm64]; app:1.8.0 lists only linux/amd64",
		Good:    "app:1.8.0 lists linux/amd64 and linux/arm64",
		Fix:     "Rebuild the missing platform and push a complete index under the version tag.",
	},
	{
		ID: MovingTagMismatch, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: a moving tag (e.g. latest) serves other images than the version for some platform",
		Why: "Moving tags are updated by a separate step that can fail or be skipped, leaving :latest on the previous " +
			"release while the version tag moves on; users pulling :latest silently get old code.",
		Bad:  "app:latest -> linux/amd64 sha256:0a1b… while app:1.8.0 -> linux/amd64 sha256:9f8e…",
		Good: "app:latest and app:1.8.0 resolve to the same image for every configured platform",
		Fix:  "Point the moving tag at the version's index by digest (e.g. crane tag app@sha256:… latest).",
	},
	{
		ID: ArchTagMismatch, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: a {version}-{arch} tag is not the version index's image for that arch",
		Why: "Per-arch tags are pushed first and the index is assembled from them later; if a retry rebuilt one arch, " +
			"the per-arch tag and the index disagree about what the release is.",
		Bad:  "app:1.8.0-arm64 -> sha256:77aa…, app:1.8.0 lists linux/arm64 -> sha256:c0de…",
		Good: "app:1.8.0-arm64 is the digest the app:1.8.0 index lists for linux/arm64",
		Fix:  "Re-create the index from the per-arch images you mean to ship, or re-tag the per-arch tag to the index child.",
	},
	{
		ID: RegistryDivergence, Half: rule.Gate, Severity: rule.Warning,
		Summary: "verify: the same version serves different images in different repositories",
		Why: "Building separately for each registry produces different digests for the same version, so signatures, " +
			"SBOMs and bug reports no longer refer to one artefact.",
		Bad:  "docker.io/acme/app:1.8.0 linux/amd64 -> sha256:aa…, ghcr.io/acme/app:1.8.0 linux/amd64 -> sha256:bb…",
		Good: "both repositories serve sha256:aa… for linux/amd64",
		Fix:  "Build once and copy the index between registries by digest instead of rebuilding per registry.",
	},
	{
		ID: IntegrityMissing, Half: rule.Gate, Severity: rule.Error,
		Summary: "an object the release references (child manifest, config, layer) cannot be fetched; probe reports it on the tag",
		Why: "Tag cleanup and garbage collection can delete the children of an index that is still tagged. The tag " +
			"resolves, so existence checks pass, but every pull fails. Only walking index, children, configs and " +
			"layers finds it. A blob the registry serves under its digest with another digest or size is reported " +
			"here too: the pull fails the same way.",
		Bad:  "app:1.8.0 index lists linux/arm64 manifest sha256:5e…, and HEAD on it returns 404",
		Good: "every child manifest, config and layer of app:1.8.0 answers 200",
		Fix:  "Rebuild and push the image again so the registry receives every object, then review the cleanup job that deleted them.",
	},
	{
		ID: DigestMismatch, Half: rule.Gate, Severity: rule.Error,
		Summary: "verify: a tag no longer points at the digest recorded when the release was pushed",
		Why: "Tags are mutable: an accidental second release or a re-run can overwrite a published version. The " +
			"digests recorded at push time (--expect, or a ledger from `gate record`) are the only reference that does not move.",
		Bad:  "ledger: app:1.8.0 = sha256:ea6c…; registry: app:1.8.0 = sha256:1234…",
		Good: "app:1.8.0 still resolves to sha256:ea6c…",
		Fix:  "Re-tag the version to the recorded digest (crane tag app@sha256:ea6c… 1.8.0) and find what overwrote it.",
	},
	{
		ID: Unverifiable, Half: rule.Gate, Severity: rule.Error,
		Summary: "a fact the gate needed could not be established (registry error, timeout, bad answer)",
		Why: "A gate that treats \"could not check\" as \"fine\" lets exactly the broken releases through that coincide " +
			"with registry trouble. The decision is error and the run exits 2, naming the URL and status. Content is " +
			"verified against its digest in sha256 or sha512, the algorithms the OCI spec registers; a reference under " +
			"any other algorithm, or a malformed one, cannot be verified and is unverifiable too, as is an index listing " +
			"more than 1,000 manifests or a run past 20,000 objects, and every fact still pending when --timeout comes.",
		Bad:  "HEAD https://registry.example/v2/acme/app/manifests/1.8.0: 503 Service Unavailable (after 5 attempts)",
		Good: "the registry answered every request (after retries if needed)",
		Fix:  "Re-run when the registry is healthy; check credentials for 401/403; raise --timeout for slow registries; reference content by sha256 or sha512.",
	},
}
