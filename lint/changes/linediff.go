package changes

import (
	"bytes"
	"slices"
)

// The bounds of a line diff. Myers' algorithm costs time in proportion to
// the lines times the edits, and the trace it keeps to recover them grows
// with the square of the edits. Past either bound the lines between the
// common start and end of the two files all count as changed: a finding
// there is shown, never hidden.
const (
	maxEdits    = 1000    // lines inserted plus lines deleted
	maxDiffWork = 1 << 24 // lines compared
)

// changedLines returns the lines of the new text that a shortest edit
// script from the old one inserts (1-based, inclusive ranges), as `git
// diff -U0` numbers its hunks on the new side, and whether the texts
// differ at all (lines only deleted change no line of the new text). Line
// ends compare equal whether they are "\n" or "\r\n", as in a checkout
// with core.autocrlf; a last line without a line end differs from the
// same line with one, as in git.
func changedLines(old, cur []byte) (changed []lineRange, differ bool) {
	a, b := internLines(splitLines(old), splitLines(cur))
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	a, b = a[pre:len(a)-suf], b[pre:len(b)-suf]
	differ = len(a) > 0 || len(b) > 0
	inserted, ok := insertions(a, b)
	if !ok {
		if len(b) == 0 {
			return nil, differ
		}
		return []lineRange{{pre + 1, pre + len(b)}}, differ
	}
	var out []lineRange
	for i, ins := range inserted {
		line := pre + i + 1
		switch {
		case !ins:
		case len(out) > 0 && out[len(out)-1].to == line-1:
			out[len(out)-1].to = line
		default:
			out = append(out, lineRange{line, line})
		}
	}
	return out, differ
}

// splitLines cuts text after each "\n", dropping the "\r" of a "\r\n".
func splitLines(text []byte) [][]byte {
	var lines [][]byte
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			return append(lines, text)
		}
		line := text[:i+1]
		if i > 0 && text[i-1] == '\r' {
			line = slices.Concat(text[:i-1], []byte{'\n'}) // a copy: text stays as it is
		}
		lines = append(lines, line)
		text = text[i+1:]
	}
	return lines
}

// internLines numbers distinct lines, so that the diff compares integers.
func internLines(a, b [][]byte) ([]int, []int) {
	ids := map[string]int{}
	number := func(lines [][]byte) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[string(l)]
			if !ok {
				id = len(ids)
				ids[string(l)] = id
			}
			out[i] = id
		}
		return out
	}
	return number(a), number(b)
}

// insertions runs Myers' O(ND) algorithm and marks the lines of b that a
// shortest edit script inserts; ok is false past the bounds.
func insertions(a, b []int) (inserted []bool, ok bool) {
	n, m := len(a), len(b)
	inserted = make([]bool, m)
	if n == 0 || m == 0 {
		for i := range inserted {
			inserted[i] = true
		}
		return inserted, true
	}
	// v[off+k] is the furthest x reached on diagonal k = x-y; trace[d]
	// is v as it was after d edits, for diagonals -d..d.
	off := maxEdits + 1
	v := make([]int, 2*off+1)
	var trace [][]int
	work := 0
	for d := 0; d <= maxEdits; d++ {
		for k := -d; k <= d; k += 2 {
			x := v[off+k-1] + 1 // a line of a deleted
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // a line of b inserted
			}
			y := x - k
			start := x
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			work += x - start + 1
			v[off+k] = x
			if x >= n && y >= m {
				backtrack(trace, d, n, m, inserted)
				return inserted, true
			}
		}
		if work > maxDiffWork {
			return nil, false
		}
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
	}
	return nil, false
}

// backtrack walks the edits back from (n, m), marking the inserted lines.
func backtrack(trace [][]int, edits, n, m int, inserted []bool) {
	x, y := n, m
	for d := edits; d > 0; d-- {
		prev := trace[d-1] // after d-1 edits: diagonals -(d-1)..d-1
		at := func(k int) int { return prev[k+d-1] }
		k := x - y
		down := k == -d || (k != d && at(k-1) < at(k+1))
		pk := k - 1
		if down {
			pk = k + 1
		}
		px := at(pk)
		py := px - pk
		if down {
			inserted[py] = true
		}
		x, y = px, py
	}
}
