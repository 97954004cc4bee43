package changes

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestChangedLines(t *testing.T) {
	numbered := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return b.String()
	}
	// Every line rewritten: far more edits than the bound allows.
	rewritten := strings.ReplaceAll(numbered(700), "line", "row")
	for _, tt := range []struct {
		name, old, cur string
		want           []lineRange
		differ         bool
	}{
		{"same", "a\nb\n", "a\nb\n", nil, false},
		{"both empty", "", "", nil, false},
		{"new file", "", "a\nb\n", []lineRange{{1, 2}}, true},
		{"emptied", "a\nb\n", "", nil, true},
		{"inserted at the top", "a\nb\n", "x\ny\na\nb\n", []lineRange{{1, 2}}, true},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", []lineRange{{2, 2}}, true},
		{"only deleted", "a\nb\nc\n", "a\nc\n", nil, true},
		{"two hunks", "a\nb\nc\nd\ne\n", "a\nX\nc\nd\nY\n", []lineRange{{2, 2}, {5, 5}}, true},
		{"moved line", "a\nb\nc\n", "b\nc\na\n", []lineRange{{3, 3}}, true},
		{"repeated lines", "x\nx\nx\n", "x\nx\ny\nx\n", []lineRange{{3, 3}}, true},
		{"CRLF only", "a\nb\n", "a\r\nb\r\n", nil, false},
		{"CRLF and a change", "a\r\nb\r\n", "a\nc\n", []lineRange{{2, 2}}, true},
		{"line end added at the end", "a\nb", "a\nb\n", []lineRange{{2, 2}}, true},
		{"past the bound: the middle counts", "head\n" + numbered(700) + "tail\n", "head\n" + rewritten + "tail\n", []lineRange{{2, 701}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, differ := changedLines([]byte(tt.old), []byte(tt.cur))
			if !slices.Equal(got, tt.want) || differ != tt.differ {
				t.Errorf("got %v, %v; want %v, %v", got, differ, tt.want, tt.differ)
			}
		})
	}
}

// FuzzChangedLines: the lines not marked changed are, in order, lines of
// the old text (a common subsequence), so a finding is hidden only on a
// line that was there before; identical texts have no changed line.
func FuzzChangedLines(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nx\nc\n")
	f.Add("", "x\n")
	f.Add("x\r\ny", "x\ny\n")
	f.Add("a\na\nb\n", "b\na\na\n")
	f.Fuzz(func(t *testing.T, old, cur string) {
		changed, differ := changedLines([]byte(old), []byte(cur))
		a, b := splitLines([]byte(old)), splitLines([]byte(cur))
		isChanged := func(line int) bool {
			for _, r := range changed {
				if r.from > r.to || r.from < 1 || r.to > len(b) {
					t.Fatalf("range %v outside %d lines", r, len(b))
				}
				if r.from <= line && line <= r.to {
					return true
				}
			}
			return false
		}
		i := 0
		for j, line := range b {
			if isChanged(j + 1) {
				continue
			}
			for i < len(a) && !bytes.Equal(a[i], line) {
				i++
			}
			if i == len(a) {
				t.Fatalf("line %d %q kept as unchanged is not in the old text in order", j+1, line)
			}
			i++
		}
		if same := slices.EqualFunc(a, b, bytes.Equal); same == differ {
			t.Fatalf("differ = %v for texts whose lines are equal: %v", differ, same)
		}
	})
}
