package report

import (
	"cmp"
	"slices"
)

// Edit replaces the bytes [Start, End) of File with Text. An insertion has
// Start == End. Line, Column, EndLine and EndColumn name the same range
// the way a finding's span does (columns count characters), for readers
// that work in lines: SARIF, editors.
type Edit struct {
	File string `json:"file"`
	// Abs is the file's absolute path, where --fix writes; no output
	// carries it.
	Abs       string `json:"-"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Text      string `json:"text"`
}

// Fix is a change that resolves a finding: text edits at the positions the
// parser gave, never a re-serialisation of the file, so everything outside
// the edited bytes stays as it was.
type Fix struct {
	Description string `json:"description"`
	Edits       []Edit `json:"edits"`
}

// Overlaps reports whether two edits of the same file touch the same
// bytes. Two insertions at one offset overlap (their order would be a
// guess); an insertion at either end of a replacement does not.
func (e Edit) Overlaps(o Edit) bool {
	if e.File != o.File {
		return false
	}
	if e.Start == e.End && o.Start == o.End {
		return e.Start == o.Start
	}
	return e.Start < o.End && o.Start < e.End
}

// SortEdits orders edits by file and position, insertions before a
// replacement that starts where they are.
func SortEdits(edits []Edit) {
	slices.SortStableFunc(edits, func(a, b Edit) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
}
