package fix

import (
	"bytes"
	"fmt"
	"io"
	"slices"
)

// context is the number of unchanged lines shown around a change, as in
// `diff -u`.
const context = 3

// op is one step of a line edit script: keep a[i] (and b[j]), delete a[i]
// or insert b[j].
type op struct {
	kind byte // ' ', '-' or '+'
	i, j int
}

// unified writes the unified diff that turns old into new, with paths
// a/PATH and b/PATH as git writes them. Lines keep their own line endings,
// so a CRLF file's diff applies to it.
func unified(w io.Writer, path string, old, new []byte) error {
	a, b := splitLines(old), splitLines(new)
	ops := lineDiff(a, b)
	hunks := group(ops)
	if len(hunks) == 0 {
		return nil
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
	for _, h := range hunks {
		writeHunk(&out, h, a, b)
	}
	_, err := w.Write(out.Bytes())
	return err
}

// splitLines cuts text after each "\n"; the last line may lack one.
func splitLines(s []byte) [][]byte {
	var out [][]byte
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// lineDiff is Myers' O(ND) difference algorithm over lines, after the
// common head and tail are set aside (fixes change a few lines of long
// files).
func lineDiff(a, b [][]byte) []op {
	head := 0
	for head < len(a) && head < len(b) && bytes.Equal(a[head], b[head]) {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && bytes.Equal(a[len(a)-1-tail], b[len(b)-1-tail]) {
		tail++
	}
	var ops []op
	for i := range head {
		ops = append(ops, op{' ', i, i})
	}
	for _, o := range myers(a[head:len(a)-tail], b[head:len(b)-tail]) {
		o.i += head
		o.j += head
		ops = append(ops, o)
	}
	for k := tail; k > 0; k-- {
		ops = append(ops, op{' ', len(a) - k, len(b) - k})
	}
	return ops
}

func myers(a, b [][]byte) []op {
	n, m := len(a), len(b)
	limit := n + m
	v := make([]int, 2*limit+2)
	var trace [][]int
	found := false
	for d := 0; d <= limit && !found; d++ {
		trace = append(trace, slices.Clone(v))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[limit+k-1] < v[limit+k+1]) {
				x = v[limit+k+1]
			} else {
				x = v[limit+k-1] + 1
			}
			y := x - k
			for x < n && y < m && bytes.Equal(a[x], b[y]) {
				x++
				y++
			}
			v[limit+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	// Walk back from the end through the recorded states.
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		vd := trace[d]
		k := x - y
		prevK := k - 1
		if k == -d || (k != d && vd[limit+k-1] < vd[limit+k+1]) {
			prevK = k + 1
		}
		prevX := vd[limit+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, op{' ', x - 1, y - 1})
			x, y = x-1, y-1
		}
		if d == 0 {
			break
		}
		if x == prevX {
			rev = append(rev, op{'+', x, prevY})
		} else {
			rev = append(rev, op{'-', prevX, y})
		}
		x, y = prevX, prevY
	}
	slices.Reverse(rev)
	return rev
}

// group cuts the edit script into hunks: changes with up to context
// unchanged lines around them, merged when their contexts meet.
func group(ops []op) [][]op {
	var hunks [][]op
	start, end := -1, -1 // the ops of the hunk being built
	for i, o := range ops {
		if o.kind == ' ' {
			continue
		}
		lo, hi := max(0, i-context), min(len(ops), i+context+1)
		switch {
		case start < 0:
			start, end = lo, hi
		case lo <= end:
			end = max(end, hi)
		default:
			hunks = append(hunks, ops[start:end])
			start, end = lo, hi
		}
	}
	if start >= 0 {
		hunks = append(hunks, ops[start:end])
	}
	return hunks
}

func writeHunk(out *bytes.Buffer, h []op, a, b [][]byte) {
	aStart, bStart := h[0].i, h[0].j
	aLen, bLen := 0, 0
	for _, o := range h {
		if o.kind != '+' {
			aLen++
		}
		if o.kind != '-' {
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, o := range h {
		var line []byte
		if o.kind == '+' {
			line = b[o.j]
		} else {
			line = a[o.i]
		}
		out.WriteByte(o.kind)
		out.Write(line)
		if !bytes.HasSuffix(line, []byte("\n")) {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange renders "start,len" with diff's convention for an empty
// range: the line before it.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
