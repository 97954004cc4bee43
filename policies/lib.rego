# Helpers shared by the built-in gate policies. The input document is the
# facts gathered from the registries; policies/README.md describes it.
package releasegate.gate.lib

# violation builds one structured violation.
violation(rule, severity, target, message) := {
	"rule": rule,
	"severity": severity,
	"target": target,
	"message": message,
}

# resolve is the digest a tag serves for platform p: the index child for
# that platform, or the image itself when the tag is a single image.
resolve(tag, p) := tag.platforms[p] if tag.index

resolve(tag, _) := tag.digest if not tag.index

# short abbreviates a digest for messages.
short(d) := substring(d, 0, 19) if count(d) > 19

short(d) := d if count(d) <= 19

phase_in(phases) if input.phase in phases
