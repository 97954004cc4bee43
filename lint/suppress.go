package lint

import (
	"fmt"
	"os"
	"strings"

	"github.com/releasegate/releasegate/internal/suppress"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// applySuppression marks a finding covered by a suppression comment on
// its own line or the line above. A suppression without a reason is not
// honoured, and the finding says so.
func applySuppression(f *report.Finding, file *workspace.File, md *workspace.Markdown) {
	for _, line := range suppressionLines(f, md) {
		text := lineOf(file, line)
		if text == "" {
			continue
		}
		d, ok := suppress.Find(text)
		if !ok || !d.Names(f.Rule) {
			continue
		}
		if d.Reason == "" {
			f.Message += fmt.Sprintf(" (the releasegate:ignore on line %d gives no reason, so it was not applied)", line)
			return
		}
		f.Suppressed, f.SuppressReason = true, d.Reason
		return
	}
}

// sourceCache finds the files findings are in: workspace files by display
// path (a released workflow is read again on request), others (Go
// sources) from disk.
type sourceCache struct {
	ws       *workspace.Workspace
	files    map[string]*workspace.File
	markdown map[string]*workspace.Markdown
}

func newSourceCache(ws *workspace.Workspace) *sourceCache {
	c := &sourceCache{ws: ws, files: map[string]*workspace.File{}, markdown: map[string]*workspace.Markdown{}}
	for _, w := range ws.Workflows {
		c.files[w.Path] = w.File
	}
	for _, a := range ws.Actions {
		c.files[a.Path] = a.File
	}
	for _, m := range ws.Markdown {
		c.files[m.Path] = m.File
		c.markdown[m.Path] = m
	}
	return c
}

// suppressionLines are the lines whose comment may suppress a finding:
// its own and the one above; inside a Markdown code block, where an HTML
// comment cannot go, also the line above the block's opening fence.
func suppressionLines(f *report.Finding, md *workspace.Markdown) []int {
	lines := []int{f.Line, f.Line - 1}
	if md != nil {
		for _, fc := range md.Fences {
			last := fc.BodyLine + strings.Count(fc.Body, "\n")
			if f.Line >= fc.BodyLine && f.Line <= last && !fc.Indented {
				lines = append(lines, fc.Line-1)
			}
		}
	}
	return lines
}

// file returns a file with its text by display path, or nil when it
// cannot be read.
func (c *sourceCache) file(path string) *workspace.File {
	if f, ok := c.files[path]; ok {
		return f.Loaded()
	}
	src, err := os.ReadFile(c.ws.Resolve(path))
	if err != nil {
		return nil
	}
	return &workspace.File{Path: path, Src: src}
}

// lineOf returns line n of a file, "" when there is no such line.
func lineOf(f *workspace.File, n int) string {
	if f == nil {
		return ""
	}
	return f.Line(n)
}

// completeSpan gives a finding reported with a start position only the
// span of the token there.
func completeSpan(f *report.Finding, file *workspace.File) {
	if f.EndLine > 0 {
		return
	}
	f.EndLine, f.EndColumn = f.Line, f.Column
	if file != nil && f.Line > 0 {
		sp := file.TokenSpan(workspace.Pos{Line: f.Line, Col: max(f.Column, 1)})
		f.EndLine, f.EndColumn = sp.End.Line, sp.End.Col
	}
}
