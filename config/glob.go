package config

// The bounds on a glob from the configuration. doublestar matches a
// {a,b} group by trying each alternative with the rest of the pattern, so
// groups in sequence multiply: ten groups of three alternatives are 59049
// patterns tried against every file name, and a 306-byte exclude pattern
// took longer than any run may. The configuration comes with the checkout
// it configures, so it is untrusted: a glob that expands to more than
// maxGlobAlternatives patterns, or is longer than maxGlobLen bytes, is a
// configuration error. Real globs stay far below both
// ("**/*.{yml,yaml}" is 2 patterns).
const (
	maxGlobLen          = 512
	maxGlobAlternatives = 64
)

// globBound refuses a glob past the bounds.
func globBound(glob string) error {
	switch {
	case len(glob) > maxGlobLen:
		return complaint("glob %q is %d bytes long, more than the %d a glob may have", glob, len(glob), maxGlobLen)
	case globAlternatives(glob) > maxGlobAlternatives:
		return complaint("glob %q expands to more than %d patterns: its {...} groups multiply", glob, maxGlobAlternatives)
	}
	return nil
}

// globAlternatives counts the patterns a glob's {…} groups expand to, as
// doublestar tries them, counting no further than maxGlobAlternatives+1.
// Escapes (\x) are skipped; a ',' or '}' outside a group is literal.
func globAlternatives(glob string) int {
	n, _ := sequenceAlternatives(glob, 0, false)
	return n
}

// sequenceAlternatives counts the expansions of glob from i to its end or,
// inside a group, to the next ',' or '}' of that group, and returns where
// it stopped. Groups in sequence multiply.
func sequenceAlternatives(glob string, i int, inGroup bool) (int, int) {
	n := 1
	for i < len(glob) {
		switch c := glob[i]; {
		case c == '\\':
			i += 2
			continue
		case inGroup && (c == ',' || c == '}'):
			return n, i
		case c == '{':
			alts, next := groupAlternatives(glob, i+1)
			n = min(n*alts, maxGlobAlternatives+1)
			i = next
			continue
		}
		i++
	}
	return n, i
}

// groupAlternatives counts the expansions of the group whose '{' is just
// before i and returns the index after its '}'. Alternatives add up.
func groupAlternatives(glob string, i int) (int, int) {
	sum := 0
	for {
		n, next := sequenceAlternatives(glob, i, true)
		sum = min(sum+n, maxGlobAlternatives+1)
		if next >= len(glob) {
			return sum, next // no '}': not a valid glob, refused anyway
		}
		if glob[next] == '}' {
			return sum, next + 1
		}
		i = next + 1
	}
}
