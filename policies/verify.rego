# Verify: after the push, does every tag point where the release says?
package releasegate.gate.verify

import data.releasegate.gate.lib

# tag-missing: the version tag (verify, probe), a moving tag or a per-arch
# tag (verify) does not exist. A tag the registry itself listed (a catalog
# probe) but does not serve is the worse case: clients see it and cannot
# pull it.
violation contains v if {
	lib.phase_in({"verify", "probe"})
	some img in input.images
	img.version.state == "absent"
	not img.listed
	v := lib.violation("tag-missing", "error", img.version.ref, "the tag does not exist")
}

violation contains v if {
	input.phase == "probe"
	some img in input.images
	img.version.state == "absent"
	img.listed
	v := lib.violation("tag-missing", "error", img.version.ref, sprintf(
		"the registry lists this tag but does not serve its manifest: %s",
		[img.version.error],
	))
}

violation contains v if {
	input.phase == "verify"
	some img in input.images
	some t in array.concat(img.moving, img.arch)
	t.state == "absent"
	v := lib.violation("tag-missing", "error", t.ref, "the tag does not exist")
}

# platform-missing: the version does not serve a configured platform.
violation contains v if {
	input.phase == "verify"
	some img in input.images
	img.version.state == "present"
	some p in input.platforms
	not img.version.platforms[p]
	v := lib.violation("platform-missing", "error", img.version.ref, sprintf(
		"has no %s image (it serves: %s)",
		[p, concat(", ", sort(object.keys(img.version.platforms)))],
	))
}

# moving-tag-mismatch: a moving tag serves other images than the version.
violation contains v if {
	input.phase == "verify"
	some img in input.images
	some m in img.moving
	m.state == "present"
	some p in platforms(img)
	want := img.version.platforms[p]
	not serves(m, p, want)
	v := lib.violation("moving-tag-mismatch", "error", m.ref, sprintf(
		"serves %s for %s but %s serves %s",
		[describe(m, p), p, img.version.ref, lib.short(want)],
	))
}

# arch-tag-mismatch: a per-arch tag is not the version's image for its arch.
violation contains v if {
	input.phase == "verify"
	some img in input.images
	some a in img.arch
	a.state == "present"
	want := img.version.platforms[a.platform]
	not serves(a, a.platform, want)
	v := lib.violation("arch-tag-mismatch", "error", a.ref, sprintf(
		"serves %s but %s serves %s for %s",
		[describe(a, a.platform), img.version.ref, lib.short(want), a.platform],
	))
}

# registry-divergence: the same version has different images per platform
# in different repositories. Compared against the first image that has it.
violation contains v if {
	input.phase == "verify"
	some i, img in input.images
	some j, other in input.images
	j < i
	some p in platforms(img)
	mine := img.version.platforms[p]
	theirs := other.version.platforms[p]
	mine != theirs
	not earlier_has(j, p)
	v := lib.violation("registry-divergence", "warning", img.version.ref, sprintf(
		"serves %s for %s but %s serves %s",
		[lib.short(mine), p, other.version.ref, lib.short(theirs)],
	))
}

# earlier_has is true when an image before j already has platform p, so
# each image is compared with the first one only.
earlier_has(j, p) if {
	some k, img in input.images
	k < j
	img.version.platforms[p]
}

# integrity-missing: an object a release references cannot be fetched or
# is not what was referenced. verify names the object (its tags have rules
# of their own); probe names the tag whose pull fails, with the object's
# whole digest, since that tag is what someone will try to pull.
violation contains v if {
	input.phase != "probe"
	some img in input.images
	some o in img.integrity
	o.state in {"missing", "mismatch"}
	v := lib.violation("integrity-missing", "error", o.ref, sprintf(
		"%s %s%s is %s: %s",
		[o.kind, lib.short(o.digest), platform_note(o), o.state, o.error],
	))
}

violation contains v if {
	input.phase == "probe"
	some img in input.images
	some o in img.integrity
	o.state in {"missing", "mismatch"}
	v := lib.violation("integrity-missing", "error", img.version.ref, sprintf(
		"%s %s%s is %s: %s",
		[o.kind, o.digest, platform_note(o), o.state, o.error],
	))
}

# digest-mismatch: a tag no longer points at the digest recorded at push.
violation contains v if {
	input.phase == "verify"
	some img in input.images
	some tagname, want in input.expected[img.image]
	some t in tags(img)
	t.tag == tagname
	t.state == "present"
	want.digest != ""
	t.digest != want.digest
	v := lib.violation("digest-mismatch", "error", t.ref, sprintf(
		"points at %s, but %s was recorded",
		[lib.short(t.digest), lib.short(want.digest)],
	))
}

violation contains v if {
	input.phase == "verify"
	some img in input.images
	some tagname, want in input.expected[img.image]
	some t in tags(img)
	t.tag == tagname
	t.state == "present"
	some p, d in want.platforms
	not serves(t, p, d)
	v := lib.violation("digest-mismatch", "error", t.ref, sprintf(
		"serves %s for %s, but %s was recorded",
		[describe(t, p), p, lib.short(d)],
	))
}

# platforms are the configured platforms or, when none are configured,
# every platform the version serves: comparing nothing would be a pass.
platforms(_) := input.platforms if count(input.platforms) > 0

platforms(img) := object.keys(img.version.platforms) if count(input.platforms) == 0

tags(img) := array.concat(array.concat([img.version], img.moving), img.arch)

serves(tag, p, want) if lib.resolve(tag, p) == want

describe(tag, p) := lib.short(lib.resolve(tag, p))

describe(tag, p) := "nothing" if not lib.resolve(tag, p)

platform_note(o) := sprintf(" (%s)", [o.platform]) if o.platform != ""

platform_note(o) := "" if not o.platform
