# unverifiable: a fact the gate needed could not be established. This is
# never a pass: the decision becomes "error" and the run exits 2.
package releasegate.gate.unverifiable

import data.releasegate.gate.lib

violation contains v if {
	some img in input.images
	some t in array.concat(array.concat([img.version], img.moving), img.arch)
	t.state == "unknown"
	v := lib.violation("unverifiable", "error", t.ref, sprintf("could not be established: %s", [t.error]))
}

violation contains v if {
	some img in input.images
	some o in img.integrity
	o.state == "unknown"
	v := lib.violation("unverifiable", "error", o.ref, sprintf("could not check this %s: %s", [o.kind, o.error]))
}

violation contains v if {
	some img in input.images
	some e in img.errors
	v := lib.violation("unverifiable", "error", img.image, e)
}

# A catalog probe that could not list a registry's catalog, or a
# repository's tags, has not looked at what it would have listed.
violation contains v if {
	some c in object.get(input, "catalogs", [])
	some e in c.errors
	v := lib.violation("unverifiable", "error", e.target, e.error)
}

# A recorded tag this run does not look at cannot be compared: say so
# instead of passing it over.
violation contains v if {
	some img in input.images
	some tagname, _ in object.get(input.expected, img.image, {})
	not checked(img, tagname)
	v := lib.violation("unverifiable", "error", sprintf("%s:%s", [img.image, tagname]), sprintf(
		"digests were recorded for tag %s, which this run does not check (is the arch-tag template or the version different?)",
		[tagname],
	))
}

checked(img, tagname) if {
	some t in array.concat(array.concat([img.version], img.moving), img.arch)
	t.tag == tagname
}
