# Cleanup: which tags that a release run pushed `gate cleanup` may delete.
#
# Input: the preflight facts of the release (images, each with its version
# and per-arch tags) and `candidates`, one per tag the run pushed, with the
# digest recorded for it and what the registry says now. Every package
# under releasegate.gate may add to `cleanup_decision`; for a tag, one
# "keep" outweighs any "delete", so a user policy can only make cleanup
# more careful. A candidate no policy decides is not deleted, and the run
# cannot decide (exit 2).
package releasegate.gate.cleanup

import data.releasegate.gate.lib

decide(c, action, why, reason) := {"ref": c.ref, "action": action, "why": why, "reason": reason}

# complete: every image has its version tag and every per-arch tag.
complete if {
	every img in input.images {
		img.version.state == "present"
		every a in img.arch {
			a.state == "present"
		}
	}
}

images_without_version := [img.image | some img in input.images; img.version.state != "present"]

image_of(c) := img if {
	some img in input.images
	img.image == c.image
}

moved(c) if {
	c.recorded != ""
	c.digest != c.recorded
}

deletable(c) if {
	c.state == "present"
	not moved(c)
}

orphan(c) if {
	c.kind == "arch"
	image_of(c).version.state == "absent"
}

cleanup_decision contains decide(c, "none", "absent", "the tag does not exist (never pushed, or deleted by an earlier run)") if {
	some c in input.candidates
	c.state == "absent"
}

cleanup_decision contains decide(c, "keep", "unknown", "the tag could not be resolved; nothing is deleted on a guess") if {
	some c in input.candidates
	c.state == "unknown"
}

cleanup_decision contains decide(c, "keep", "moved", sprintf(
	"the tag points at %s, not %s as the run recorded: someone pushed it since",
	[lib.short(c.digest), lib.short(c.recorded)],
)) if {
	some c in input.candidates
	c.state == "present"
	moved(c)
}

cleanup_decision contains decide(c, "delete", "orphan-arch-tag", sprintf(
	"a per-arch tag without its version tag %s:%s",
	[c.image, input.version],
)) if {
	some c in input.candidates
	deletable(c)
	orphan(c)
}

incomplete_why := sprintf("no version tag in %s", [concat(", ", images_without_version)]) if count(images_without_version) > 0

incomplete_why := "a per-arch tag is missing from a registry" if count(images_without_version) == 0

cleanup_decision contains decide(c, "delete", "partial-publish", sprintf(
	"the release is incomplete (%s): the run's tags go so the retry starts clean",
	[incomplete_why],
)) if {
	some c in input.candidates
	deletable(c)
	not complete
	not orphan(c)
}

cleanup_decision contains decide(c, "delete", "all-from-run", "--all-from-run: every tag the run pushed goes") if {
	some c in input.candidates
	deletable(c)
	complete
	input.all_from_run
}

cleanup_decision contains decide(c, "keep", "complete-release", "the release is complete in every registry; only --all-from-run deletes it") if {
	some c in input.candidates
	deletable(c)
	complete
	not input.all_from_run
}
