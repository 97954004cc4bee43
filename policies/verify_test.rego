package releasegate.gate.verify_test

import data.releasegate.gate.unverifiable
import data.releasegate.gate.verify

idx(ref, tag, plats) := {"tag": tag, "ref": ref, "state": "present", "digest": "sha256:index", "index": true, "platforms": plats}

single(ref, tag, platform, digest) := {
	"tag": tag, "ref": ref, "platform": platform, "state": "present",
	"digest": digest, "index": false, "platforms": {},
}

absent(ref, tag) := {"tag": tag, "ref": ref, "state": "absent", "index": false, "platforms": {}}

both := {"linux/amd64": "sha256:amd", "linux/arm64": "sha256:arm"}

img(name, version, moving, archs) := {
	"image": name, "version": version, "moving": moving, "arch": archs,
	"integrity": [], "attestations": [],
}

good(name) := img(
	name, idx(sprintf("%s:1.0.0", [name]), "1.0.0", both),
	[idx(sprintf("%s:latest", [name]), "latest", both)],
	[
		single(sprintf("%s:1.0.0-amd64", [name]), "1.0.0-amd64", "linux/amd64", "sha256:amd"),
		single(sprintf("%s:1.0.0-arm64", [name]), "1.0.0-arm64", "linux/arm64", "sha256:arm"),
	],
)

doc(images) := {
	"phase": "verify", "version": "1.0.0", "platforms": ["linux/amd64", "linux/arm64"],
	"images": images, "expected": {},
}

rules(vs) := {v.rule | some v in vs}

# set replaces one key of an image (object.union would merge nested objects).
set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

test_clean_release_passes if {
	vs := verify.violation with input as doc([good("r/a"), good("r/b")])
	count(vs) == 0
	count(unverifiable.violation) == 0 with input as doc([good("r/a"), good("r/b")])
}

test_tag_missing_version if {
	i := set(good("r/a"), "version", absent("r/a:1.0.0", "1.0.0"))
	vs := verify.violation with input as doc([i])
	some v in vs
	v.rule == "tag-missing"
	v.target == "r/a:1.0.0"
}

test_tag_missing_moving_and_arch if {
	i := object.union(good("r/a"), {
		"moving": [absent("r/a:latest", "latest")],
		"arch": [absent("r/a:1.0.0-amd64", "1.0.0-amd64")],
	})
	vs := verify.violation with input as doc([i])
	{v.target | some v in vs; v.rule == "tag-missing"} == {"r/a:latest", "r/a:1.0.0-amd64"}
}

test_platform_missing if {
	i := set(good("r/a"), "version", idx("r/a:1.0.0", "1.0.0", {"linux/amd64": "sha256:amd"}))
	vs := verify.violation with input as doc([i])
	some v in vs
	v.rule == "platform-missing"
	contains(v.message, "linux/arm64")
}

test_moving_tag_mismatch if {
	i := set(good("r/a"), "moving", [idx("r/a:latest", "latest", {"linux/amd64": "sha256:old", "linux/arm64": "sha256:arm"})])
	vs := verify.violation with input as doc([i])
	rules(vs) == {"moving-tag-mismatch"}
	some v in vs
	v.target == "r/a:latest"
	contains(v.message, "linux/amd64")
}

test_moving_tag_single_image_mismatch if {
	i := set(good("r/a"), "moving", [single("r/a:latest", "latest", "", "sha256:amd")])
	vs := verify.violation with input as doc([i])
	{v.message | some v in vs; v.rule == "moving-tag-mismatch"} == {"serves sha256:amd for linux/arm64 but r/a:1.0.0 serves sha256:arm"}
}

test_arch_tag_mismatch if {
	i := set(good("r/a"), "arch", [single("r/a:1.0.0-arm64", "1.0.0-arm64", "linux/arm64", "sha256:other")])
	vs := verify.violation with input as doc([i])
	rules(vs) == {"arch-tag-mismatch"}
}

test_registry_divergence_is_warning if {
	b := set(good("r/b"), "version", idx("r/b:1.0.0", "1.0.0", {"linux/amd64": "sha256:zzz", "linux/arm64": "sha256:arm"}))
	vs := verify.violation with input as doc([good("r/a"), b])
	some v in vs
	v.rule == "registry-divergence"
	v.severity == "warning"
	v.target == "r/b:1.0.0"
}

test_integrity_missing if {
	obj := {"kind": "manifest", "digest": "sha256:arm", "platform": "linux/arm64", "ref": "r/a@sha256:arm", "state": "missing", "error": "404"}
	i := set(good("r/a"), "integrity", [obj])
	vs := verify.violation with input as doc([i])
	rules(vs) == {"integrity-missing"}
	some v in vs
	v.target == "r/a@sha256:arm"
}

# A layer the registry serves under its digest with other content or
# another size is as broken as a missing one: the pull fails.
test_integrity_mismatch if {
	obj := {"kind": "layer", "digest": "sha256:l", "platform": "linux/amd64", "ref": "r/a@sha256:l", "state": "mismatch", "error": "size 11, manifest says 10"}
	vs := verify.violation with input as doc([set(good("r/a"), "integrity", [obj])])
	rules(vs) == {"integrity-missing"}
	some v in vs
	v.target == "r/a@sha256:l"
	contains(v.message, "is mismatch: size 11, manifest says 10")
}

test_integrity_present_is_fine if {
	obj := {"kind": "layer", "digest": "sha256:l", "ref": "r/a@sha256:l", "state": "present"}
	vs := verify.violation with input as doc([set(good("r/a"), "integrity", [obj])])
	count(vs) == 0
}

test_digest_mismatch_index if {
	d := object.union(doc([good("r/a")]), {"expected": {"r/a": {"1.0.0": {"digest": "sha256:recorded"}}}})
	vs := verify.violation with input as d
	rules(vs) == {"digest-mismatch"}
}

test_digest_mismatch_platform if {
	d := object.union(doc([good("r/a")]), {"expected": {"r/a": {"1.0.0": {"platforms": {"linux/amd64": "sha256:recorded"}}}}})
	vs := verify.violation with input as d
	some v in vs
	v.rule == "digest-mismatch"
	contains(v.message, "linux/amd64")
}

test_digest_matches_recorded if {
	d := object.union(doc([good("r/a")]), {"expected": {"r/a": {"1.0.0": {"digest": "sha256:index", "platforms": both}}}})
	count(verify.violation) == 0 with input as d
}

test_unverifiable_tag if {
	i := set(good("r/a"), "moving", [{"tag": "latest", "ref": "r/a:latest", "state": "unknown", "error": "HEAD x: 503", "index": false, "platforms": {}}])
	vs := unverifiable.violation with input as doc([i])
	some v in vs
	v.rule == "unverifiable"
	contains(v.message, "503")
}

test_unverifiable_integrity_and_image_error if {
	obj := {"kind": "layer", "digest": "sha256:l", "ref": "r/a@sha256:l", "state": "unknown", "error": "timeout"}
	i := object.union(set(good("r/a"), "integrity", [obj]), {"errors": ["credentials: no"]})
	vs := unverifiable.violation with input as doc([i])
	count(vs) == 2
}

test_moving_tag_checked_without_configured_platforms if {
	i := set(good("r/a"), "moving", [idx("r/a:latest", "latest", {"linux/amd64": "sha256:old", "linux/arm64": "sha256:arm"})])
	d := object.union(doc([i]), {"platforms": []})
	vs := verify.violation with input as d
	rules(vs) == {"moving-tag-mismatch"}
}

test_recorded_tag_not_checked_is_unverifiable if {
	d := object.union(doc([good("r/a")]), {"expected": {"r/a": {"1.0.0-s390x": {"digest": "sha256:x"}}}})
	vs := unverifiable.violation with input as d
	some v in vs
	v.target == "r/a:1.0.0-s390x"
}

probe(images) := object.union(doc(images), {"phase": "probe"})

test_probe_integrity_names_the_tag if {
	obj := {"kind": "layer", "digest": "sha256:l", "platform": "linux/arm64", "ref": "r/a@sha256:l", "state": "missing", "error": "HEAD u: 404 Not Found"}
	vs := verify.violation with input as probe([set(good("r/a"), "integrity", [obj])])
	[v] := [v | some v in vs]
	v.rule == "integrity-missing"
	v.target == "r/a:1.0.0"
	contains(v.message, "layer sha256:l (linux/arm64) is missing: HEAD u: 404 Not Found")
}

test_probe_listed_tag_not_served if {
	listed := object.union(set(good("r/a"), "version", object.union(absent("r/a:1.0.0", "1.0.0"), {"error": "GET u: 404 Not Found"})), {"listed": true})
	vs := verify.violation with input as probe([listed])
	[v] := [v | some v in vs]
	v.rule == "tag-missing"
	contains(v.message, "lists this tag but does not serve its manifest: GET u: 404 Not Found")
}

test_catalog_errors_are_unverifiable if {
	d := object.union(probe([]), {"catalogs": [{"registry": "r", "errors": [
		{"target": "r", "error": "GET http://r/v2/_catalog: 500 Internal Server Error"},
		{"target": "r/a", "error": "GET http://r/v2/a/tags/list: 401 Unauthorized"},
	]}]})
	vs := unverifiable.violation with input as d
	{v.target | some v in vs} == {"r", "r/a"}
}
