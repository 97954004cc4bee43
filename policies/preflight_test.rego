package releasegate.gate.preflight_test

import data.releasegate.gate.preflight

absent(ref) := {"tag": "1.0.0", "ref": ref, "state": "absent", "index": false, "platforms": {}}

present(ref) := {"tag": "1.0.0", "ref": ref, "state": "present", "digest": "sha256:aaaa", "index": true, "platforms": {}}

arch(ref, state) := {"tag": "1.0.0-amd64", "ref": ref, "platform": "linux/amd64", "state": state, "index": false, "platforms": {}}

doc(images, mode) := {
	"phase": "preflight", "version": "1.0.0", "on_existing": mode,
	"platforms": ["linux/amd64"], "images": images,
}

img(name, version, archs) := {"image": name, "version": version, "moving": [], "arch": archs, "integrity": []}

rules(vs) := {v.rule | some v in vs}

test_clean_preflight_has_no_violation if {
	vs := preflight.violation with input as doc([img("r/a", absent("r/a:1.0.0"), [])], "fail")
	count(vs) == 0
}

test_tag_exists_fail_is_error if {
	vs := preflight.violation with input as doc([img("r/a", present("r/a:1.0.0"), [])], "fail")
	some v in vs
	v.rule == "tag-exists"
	v.severity == "error"
	v.target == "r/a:1.0.0"
}

test_tag_exists_warn_is_warning if {
	vs := preflight.violation with input as doc([img("r/a", present("r/a:1.0.0"), [])], "warn")
	some v in vs
	v.rule == "tag-exists"
	v.severity == "warning"
}

test_tag_exists_skip_is_note if {
	vs := preflight.violation with input as doc([img("r/a", present("r/a:1.0.0"), [])], "skip")
	some v in vs
	v.rule == "tag-exists"
	v.severity == "note"
}

test_orphan_arch_tag if {
	vs := preflight.violation with input as doc([img("r/a", absent("r/a:1.0.0"), [arch("r/a:1.0.0-amd64", "present")])], "fail")
	rules(vs) == {"orphan-arch-tag"}
	some v in vs
	v.target == "r/a:1.0.0-amd64"
}

test_arch_tag_with_version_is_not_orphan if {
	vs := preflight.violation with input as doc([img("r/a", present("r/a:1.0.0"), [arch("r/a:1.0.0-amd64", "present")])], "fail")
	rules(vs) == {"tag-exists"}
}

test_partial_publish if {
	vs := preflight.violation with input as doc(
		[img("r/a", present("r/a:1.0.0"), []), img("r/b", absent("r/b:1.0.0"), [])],
		"fail",
	)
	rules(vs) == {"tag-exists", "partial-publish"}
	some v in vs
	v.rule == "partial-publish"
	v.target == "r/b:1.0.0"
}

test_everywhere_is_not_partial if {
	vs := preflight.violation with input as doc(
		[img("r/a", present("r/a:1.0.0"), []), img("r/b", present("r/b:1.0.0"), [])],
		"skip",
	)
	rules(vs) == {"tag-exists"}
}

test_preflight_rules_ignore_verify_phase if {
	d := object.union(doc([img("r/a", present("r/a:1.0.0"), [])], "fail"), {"phase": "verify"})
	vs := preflight.violation with input as d
	count(vs) == 0
}
