package parity

import (
	"regexp"
	"slices"
	"strings"

	"github.com/releasegate/releasegate/checks/internal/mdtext"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// A fact is a load-bearing token of an item, rendered as it is shown in
// messages: "`NAME`" for a code span, the target for a link or URL, the
// digits for a number. Prose around facts may be reworded freely.
type fact = string

var (
	// [text](target "title") and ![alt](target); the target may be <...>.
	inlineLinkRe = lazyre.New(`\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)`)
	autoLinkRe   = lazyre.New(`<((?i:https?|mailto|ftp):[^\s<>]+)>`)
	bareURLRe    = lazyre.New(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)
	numberRe     = lazyre.New(`\d+(?:[.:,/-]\d+)*`)
)

// facts extracts an item's facts, de-duplicated and sorted.
func facts(text string) []fact {
	var out []fact
	for _, seg := range mdtext.Segments(text) {
		if seg.Code {
			if s := strings.TrimSpace(seg.Text); s != "" {
				out = append(out, "`"+s+"`")
			}
			continue
		}
		out = append(out, proseFacts(seg.Text)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// proseFacts finds link targets, URLs and numbers in text outside code
// spans. Each match is blanked out before the next kind is searched, so a
// URL's digits are not also counted as numbers.
func proseFacts(t string) []fact {
	var out []fact
	buf := []byte(t)
	take := func(re *regexp.Regexp, group int, clean func(string) string) {
		for _, m := range re.FindAllSubmatchIndex(buf, -1) {
			v := string(buf[m[2*group]:m[2*group+1]])
			if v = clean(v); v != "" {
				out = append(out, v)
			}
			for i := m[0]; i < m[1]; i++ {
				if buf[i] != ']' {
					buf[i] = ' '
				}
			}
		}
	}
	// Each expression runs only when its anchor text occurs at all.
	if strings.Contains(t, "](") {
		take(inlineLinkRe(), 1, func(s string) string { return strings.Trim(s, "<>") })
	}
	if strings.Contains(t, "://") {
		take(autoLinkRe(), 1, func(s string) string { return s })
		take(bareURLRe(), 0, trimURL)
	}
	for _, m := range numberRe().FindAllIndex(buf, -1) {
		if boundary(buf, m[0]-1) && boundary(buf, m[1]) {
			out = append(out, strings.TrimRight(string(buf[m[0]:m[1]]), ".,:/-"))
		}
	}
	return out
}

// boundary reports whether the byte at i (or the edge) does not glue a
// number to a word: "arm64" and "v2" are names, not numbers.
func boundary(b []byte, i int) bool {
	if i < 0 || i >= len(b) {
		return true
	}
	c := b[i]
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')
}

// trimURL drops punctuation that ends the sentence rather than the URL,
// and a closing bracket that has no opening one inside the URL.
func trimURL(u string) string {
	for u != "" {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?*_'\"", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
			u = u[:len(u)-1]
		case last == ']' && strings.Count(u, "[") < strings.Count(u, "]"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

// diffFacts returns what the copy lacks and what it adds.
func diffFacts(src, cpy []fact) (missing, added []fact) {
	for _, f := range src {
		if _, ok := slices.BinarySearch(cpy, f); !ok {
			missing = append(missing, f)
		}
	}
	for _, f := range cpy {
		if _, ok := slices.BinarySearch(src, f); !ok {
			added = append(added, f)
		}
	}
	return missing, added
}

// jaccard is |a∩b| / |a∪b| of two sorted sets; 1 when both are empty.
func jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// words is the sorted set of lower-cased words of an item's text.
func words(text string) []string {
	ws := strings.FieldsFunc(strings.ToLower(mdtext.RenderInline(text)), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r > 0x7f)
	})
	slices.Sort(ws)
	return slices.Compact(ws)
}
