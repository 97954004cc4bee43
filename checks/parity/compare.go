package parity

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/releasegate/releasegate/checks/internal/mdtext"
	"github.com/releasegate/releasegate/lint/workspace"
)

// item is a source or copy item prepared for comparison.
type item struct {
	label string         // short name for messages
	where string         // "file:line"
	span  workspace.Span // its first line in its file
	facts []fact
	norm  string // exact-mode text
	words []string
}

func newItem(text string, file *workspace.File, span workspace.Span) item {
	return item{
		label: label(text),
		where: fmt.Sprintf("%s:%d", file.Path, span.Start.Line),
		span:  span,
		facts: facts(text),
		norm:  mdtext.NormalizeText(text),
		words: words(text),
	}
}

// label names an item in a message: its bold lead if it has one, else the
// start of its first line.
func label(text string) string {
	first, _, _ := strings.Cut(text, "\n")
	if strings.HasPrefix(first, "**") || strings.HasPrefix(first, "__") {
		if end := strings.Index(first[2:], first[:2]); end > 0 {
			first = first[2 : 2+end]
		}
	}
	first = mdtext.RenderInline(first)
	if utf8.RuneCountInString(first) > 60 {
		r := []rune(first)
		first = string(r[:57]) + "..."
	}
	return first
}

// issue is one drift to report at a copy item.
type issue struct {
	span workspace.Span
	msg  string
}

// comparison holds what compare needs besides the two item lists.
type comparison struct {
	exact      bool
	allowExtra bool
	marker     workspace.Span // where the copy's marker is, for an empty copy
}

func (c comparison) equal(s, k item) bool {
	if c.exact {
		return s.norm == k.norm
	}
	return slicesEqual(s.facts, k.facts)
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// compare aligns copy items with source items and describes every
// difference. Items that match in order are paired first (longest common
// subsequence); an item that matches one elsewhere is out of order; the
// rest are paired by similarity inside the gaps between matched items, and
// what is left was dropped or added.
func (c comparison) compare(src, cpy []item) []issue {
	n, m := len(src), len(cpy)
	srcTo := make([]int, n) // copy index paired with each source item, -1 if none
	cpyTo := make([]int, m)
	for i := range srcTo {
		srcTo[i] = -1
	}
	for j := range cpyTo {
		cpyTo[j] = -1
	}
	anchors := c.lcs(src, cpy)
	for _, a := range anchors {
		srcTo[a[0]], cpyTo[a[1]] = a[1], a[0]
	}
	var out []issue
	out = append(out, c.moved(src, cpy, srcTo, cpyTo)...)
	prevI, prevJ := -1, -1
	for _, a := range append(anchors, [2]int{n, m}) {
		out = append(out, c.gap(src, cpy, srcTo, cpyTo, prevI+1, a[0], prevJ+1, a[1])...)
		prevI, prevJ = a[0], a[1]
	}
	return out
}

// lcs returns the pairs of the longest common subsequence of equal items.
func (c comparison) lcs(src, cpy []item) [][2]int {
	n, m := len(src), len(cpy)
	if n*m > maxCells {
		return c.positional(src, cpy)
	}
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if c.equal(src[i], cpy[j]) {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case c.equal(src[i], cpy[j]) && dp[i][j] == dp[i+1][j+1]+1:
			out = append(out, [2]int{i, j})
			i, j = i+1, j+1
		case dp[i+1][j] >= dp[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// maxCells bounds the alignment tables; sections are lists a person
// reads, so only hostile input comes near it.
const maxCells = 1 << 20

// positional is the fallback alignment for huge sections: equal items at
// the same index.
func (c comparison) positional(src, cpy []item) [][2]int {
	var out [][2]int
	for i := range min(len(src), len(cpy)) {
		if c.equal(src[i], cpy[i]) {
			out = append(out, [2]int{i, i})
		}
	}
	return out
}

// moved pairs unmatched items that are equal but out of order.
func (c comparison) moved(src, cpy []item, srcTo, cpyTo []int) []issue {
	var out []issue
	for i := range src {
		if srcTo[i] >= 0 {
			continue
		}
		for j := range cpy {
			if cpyTo[j] >= 0 || !c.equal(src[i], cpy[j]) {
				continue
			}
			srcTo[i], cpyTo[j] = j, i
			out = append(out, issue{cpy[j].span, fmt.Sprintf(
				"item %q is out of order: it is source item %d (%s), which the source lists %s",
				cpy[j].label, i+1, src[i].where, neighbour(src, i))})
			break
		}
	}
	return out
}

// neighbour says where an item sits in the source, for reorder messages.
func neighbour(src []item, i int) string {
	switch {
	case i == 0 && len(src) > 1:
		return fmt.Sprintf("first, before %q", src[1].label)
	case i == 0:
		return "first"
	}
	return fmt.Sprintf("right after %q", src[i-1].label)
}

// gap pairs the unmatched source items [i0,i1) with the unmatched copy
// items [j0,j1) that sit between the same two matched items.
func (c comparison) gap(src, cpy []item, srcTo, cpyTo []int, i0, i1, j0, j1 int) []issue {
	var s, k []int
	for i := i0; i < i1; i++ {
		if srcTo[i] < 0 {
			s = append(s, i)
		}
	}
	for j := j0; j < j1; j++ {
		if cpyTo[j] < 0 {
			k = append(k, j)
		}
	}
	var out []issue
	for _, p := range c.pairBySimilarity(src, cpy, s, k) {
		srcTo[p[0]], cpyTo[p[1]] = p[1], p[0]
		out = append(out, issue{cpy[p[1]].span, c.describe(src[p[0]], p[0], cpy[p[1]])})
	}
	for _, i := range s {
		if srcTo[i] < 0 {
			out = append(out, issue{c.dropPos(cpy, j1), fmt.Sprintf(
				"source item %d %q (%s) is missing from this copy%s",
				i+1, src[i].label, src[i].where, factList("; it carries", src[i].facts))})
		}
	}
	for _, j := range k {
		if cpyTo[j] < 0 && !c.allowExtra {
			out = append(out, issue{cpy[j].span, fmt.Sprintf(
				"item %q is not in the source section (%s); remove it, add it to the source, or set extra-items: allow on this copy",
				cpy[j].label, sectionWhere(src))})
		}
	}
	return out
}

func sectionWhere(src []item) string {
	if len(src) == 0 {
		return "empty"
	}
	return "items from " + src[0].where
}

// dropPos is where a dropped item is reported: at the copy item that now
// stands where it was, else at the copy's last item, else at its marker.
func (c comparison) dropPos(cpy []item, next int) workspace.Span {
	switch {
	case next < len(cpy):
		return cpy[next].span
	case len(cpy) > 0:
		return cpy[len(cpy)-1].span
	}
	return c.marker
}

// pairBySimilarity pairs as many items as possible in order, preferring
// the most similar pairs (a small weighted alignment; gaps are short).
func (c comparison) pairBySimilarity(src, cpy []item, s, k []int) [][2]int {
	p, q := len(s), len(k)
	if p == 0 || q == 0 {
		return nil
	}
	if p*q > maxCells {
		var out [][2]int
		for a := range min(p, q) {
			out = append(out, [2]int{s[a], k[a]})
		}
		return out
	}
	w := make([][]float64, p+1)
	for a := range w {
		w[a] = make([]float64, q+1)
	}
	for a := p - 1; a >= 0; a-- {
		for b := q - 1; b >= 0; b-- {
			pair := w[a+1][b+1] + 1 + similarity(src[s[a]], cpy[k[b]])
			w[a][b] = max(pair, w[a+1][b], w[a][b+1])
		}
	}
	var out [][2]int
	for a, b := 0, 0; a < p && b < q; {
		pair := w[a+1][b+1] + 1 + similarity(src[s[a]], cpy[k[b]])
		switch {
		case w[a][b] == pair:
			out = append(out, [2]int{s[a], k[b]})
			a, b = a+1, b+1
		case w[a][b] == w[a+1][b]:
			a++
		default:
			b++
		}
	}
	return out
}

func similarity(a, b item) float64 {
	return 0.7*jaccard(a.facts, b.facts) + 0.3*jaccard(a.words, b.words)
}

// describe explains how a copy item differs from its source item.
func (c comparison) describe(s item, i int, k item) string {
	head := fmt.Sprintf("item %q differs from source item %d (%s)", k.label, i+1, s.where)
	if s.label != k.label {
		head = fmt.Sprintf("item %q differs from source item %d %q (%s)", k.label, i+1, s.label, s.where)
	}
	if c.exact {
		if d := wordDiff(s.norm, k.norm); d != "" {
			return head + ": " + d
		}
		return head
	}
	missing, added := diffFacts(s.facts, k.facts)
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing "+strings.Join(missing, ", "))
	}
	if len(added) > 0 {
		parts = append(parts, "added "+strings.Join(added, ", "))
	}
	return head + ": " + strings.Join(parts, "; ")
}

func factList(prefix string, fs []fact) string {
	if len(fs) == 0 {
		return ""
	}
	return prefix + " " + strings.Join(fs, ", ")
}

// wordDiff shows the differing middle of two texts, with a few words of
// context: source "… at X then …" vs copy "… at Y then …".
func wordDiff(a, b string) string {
	aw, bw := strings.Fields(a), strings.Fields(b)
	pre := 0
	for pre < len(aw) && pre < len(bw) && aw[pre] == bw[pre] {
		pre++
	}
	suf := 0
	for suf < len(aw)-pre && suf < len(bw)-pre && aw[len(aw)-1-suf] == bw[len(bw)-1-suf] {
		suf++
	}
	if pre == len(aw) && pre == len(bw) {
		return ""
	}
	span := func(ws []string) string {
		lo, hi := max(0, pre-2), min(len(ws), len(ws)-suf+2)
		s := strings.Join(ws[lo:hi], " ")
		if lo > 0 {
			s = "…" + s
		}
		if hi < len(ws) {
			s += "…"
		}
		return fmt.Sprintf("%q", s)
	}
	return "source says " + span(aw) + ", copy says " + span(bw)
}
