# Preflight: before building and pushing a release, is the way clear?
package releasegate.gate.preflight

import data.releasegate.gate.lib

on_existing_severity := "error" if input.on_existing == "fail"

on_existing_severity := "warning" if input.on_existing == "warn"

on_existing_severity := "note" if input.on_existing == "skip"

# tag-exists: the version tag is already in a target repository.
violation contains v if {
	input.phase == "preflight"
	some img in input.images
	img.version.state == "present"
	v := lib.violation("tag-exists", on_existing_severity, img.version.ref, sprintf(
		"the version tag already exists (digest %s); on-existing is %s",
		[lib.short(img.version.digest), input.on_existing],
	))
}

# orphan-arch-tag: a per-arch tag without its version tag, left by a
# release that stopped half-way.
violation contains v if {
	input.phase == "preflight"
	some img in input.images
	img.version.state == "absent"
	some a in img.arch
	a.state == "present"
	v := lib.violation("orphan-arch-tag", "error", a.ref, sprintf(
		"the per-arch tag exists but %s does not: an earlier release stopped half-way; delete the orphan tag before retrying",
		[img.version.ref],
	))
}

# partial-publish: the version tag is in some configured images only.
violation contains v if {
	input.phase == "preflight"
	have := [img.image | some img in input.images; img.version.state == "present"]
	count(have) > 0
	some img in input.images
	img.version.state == "absent"
	v := lib.violation("partial-publish", "error", img.version.ref, sprintf(
		"version %s is published in %s but not here: the release is half-published",
		[input.version, concat(", ", have)],
	))
}
