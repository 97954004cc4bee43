package releasegate.gate.cleanup_test

import data.releasegate.gate.cleanup

d1 := "sha256:1111111111111111111111111111111111111111111111111111111111111111"

d2 := "sha256:2222222222222222222222222222222222222222222222222222222222222222"

tag(ref, state, digest) := {"ref": ref, "state": state, "digest": digest, "index": false, "platforms": {}}

img(name, version, archs) := {"image": name, "version": version, "moving": [], "arch": archs, "integrity": []}

cand(image, t, kind, state, digest, recorded) := {
	"image": image, "tag": t, "ref": sprintf("%s:%s", [image, t]), "kind": kind,
	"state": state, "digest": digest, "recorded": recorded,
}

doc(images, candidates, all) := {
	"phase": "cleanup", "version": "3.0.0", "all_from_run": all,
	"images": images, "candidates": candidates,
}

decision_for(ds, ref) := {[d.action, d.why] | some d in ds; d.ref == ref}

# One registry got the amd64 tag, the other nothing.
half := [
	img("a/app", tag("a/app:3.0.0", "absent", ""), [tag("a/app:3.0.0-amd64", "present", d1)]),
	img("b/app", tag("b/app:3.0.0", "absent", ""), [tag("b/app:3.0.0-amd64", "absent", "")]),
]

test_orphan_arch_tag_is_deleted if {
	ds := cleanup.cleanup_decision with input as doc(half, [
		cand("a/app", "3.0.0-amd64", "arch", "present", d1, d1),
		cand("b/app", "3.0.0-amd64", "arch", "absent", "", d1),
	], false)
	decision_for(ds, "a/app:3.0.0-amd64") == {["delete", "orphan-arch-tag"]}
	decision_for(ds, "b/app:3.0.0-amd64") == {["none", "absent"]}
}

test_moved_tag_is_kept if {
	ds := cleanup.cleanup_decision with input as doc(half, [cand("a/app", "3.0.0-amd64", "arch", "present", d2, d1)], false)
	decision_for(ds, "a/app:3.0.0-amd64") == {["keep", "moved"]}
}

test_without_a_record_the_plan_digest_counts if {
	ds := cleanup.cleanup_decision with input as doc(half, [cand("a/app", "3.0.0-amd64", "arch", "present", d1, "")], false)
	decision_for(ds, "a/app:3.0.0-amd64") == {["delete", "orphan-arch-tag"]}
}

test_unknown_tag_is_kept if {
	ds := cleanup.cleanup_decision with input as doc(half, [cand("a/app", "3.0.0-amd64", "arch", "unknown", "", d1)], false)
	decision_for(ds, "a/app:3.0.0-amd64") == {["keep", "unknown"]}
}

# The version index reached one registry only.
partial := [
	img("a/app", tag("a/app:3.0.0", "present", d2), [tag("a/app:3.0.0-amd64", "present", d1)]),
	img("b/app", tag("b/app:3.0.0", "absent", ""), [tag("b/app:3.0.0-amd64", "present", d1)]),
]

test_partial_release_is_deleted if {
	ds := cleanup.cleanup_decision with input as doc(partial, [
		cand("a/app", "3.0.0", "version", "present", d2, d2),
		cand("a/app", "3.0.0-amd64", "arch", "present", d1, d1),
	], false)
	decision_for(ds, "a/app:3.0.0") == {["delete", "partial-publish"]}
	decision_for(ds, "a/app:3.0.0-amd64") == {["delete", "partial-publish"]}
}

complete := [
	img("a/app", tag("a/app:3.0.0", "present", d2), [tag("a/app:3.0.0-amd64", "present", d1)]),
	img("b/app", tag("b/app:3.0.0", "present", d2), [tag("b/app:3.0.0-amd64", "present", d1)]),
]

test_complete_release_is_kept_by_default if {
	ds := cleanup.cleanup_decision with input as doc(complete, [cand("a/app", "3.0.0", "version", "present", d2, d2)], false)
	decision_for(ds, "a/app:3.0.0") == {["keep", "complete-release"]}
}

test_all_from_run_deletes_a_complete_release if {
	ds := cleanup.cleanup_decision with input as doc(complete, [cand("a/app", "3.0.0", "version", "present", d2, d2)], true)
	decision_for(ds, "a/app:3.0.0") == {["delete", "all-from-run"]}
}

test_every_candidate_gets_exactly_one_builtin_decision if {
	cs := [
		cand("a/app", "3.0.0", "version", "present", d2, d2),
		cand("a/app", "3.0.0-amd64", "arch", "present", d1, d1),
		cand("b/app", "3.0.0-amd64", "arch", "present", d2, d1),
	]
	ds := cleanup.cleanup_decision with input as doc(partial, cs, false)
	every c in cs {
		count(decision_for(ds, c.ref)) == 1
	}
}
