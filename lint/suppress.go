package lint

import (
	"fmt"
	"os"
	"strings"

	"github.com/releasegate/releasegate/internal/suppress"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// applySuppressions marks findings covered by a suppression comment on
// their own line or the line above. A suppression without a reason is not
// honoured, and the finding says so.
func applySuppressions(findings []report.Finding, src *sourceCache) {
	for i := range findings {
		f := &findings[i]
		for _, line := range src.suppressionLines(f) {
			text := src.lineOf(f.File, line)
			if text == "" {
				continue
			}
			d, ok := suppress.Find(text)
			if !ok || !d.Names(f.Rule) {
				continue
			}
			if d.Reason == "" {
				f.Message += fmt.Sprintf(" (the releasegate:ignore on line %d gives no reason, so it was not applied)", line)
				break
			}
			f.Suppressed, f.SuppressReason = true, d.Reason
			break
		}
	}
}

// sourceCache serves file lines for suppression lookup: workspace files
// from memory, others (Go sources) from disk on first use.
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
func (c *sourceCache) suppressionLines(f *report.Finding) []int {
	lines := []int{f.Line, f.Line - 1}
	if md := c.markdown[f.File]; md != nil {
		for _, fc := range md.Fences {
			last := fc.BodyLine + strings.Count(fc.Body, "\n")
			if f.Line >= fc.BodyLine && f.Line <= last && !fc.Indented {
				lines = append(lines, fc.Line-1)
			}
		}
	}
	return lines
}

// file returns a file by display path, or nil when it cannot be read.
func (c *sourceCache) file(path string) *workspace.File {
	f, ok := c.files[path]
	if !ok {
		src, err := os.ReadFile(c.ws.Resolve(path))
		if err != nil {
			c.files[path] = nil
			return nil
		}
		f = &workspace.File{Path: path, Src: src}
		c.files[path] = f
	}
	return f
}

// lineOf returns line n of a file, "" when there is no such line.
func (c *sourceCache) lineOf(path string, n int) string {
	if f := c.file(path); f != nil {
		return f.Line(n)
	}
	return ""
}

// completeSpans gives a finding reported with a start position only the
// span of the token there.
func completeSpans(findings []report.Finding, src *sourceCache) {
	for i := range findings {
		f := &findings[i]
		if f.EndLine > 0 {
			continue
		}
		f.EndLine, f.EndColumn = f.Line, f.Column
		if file := src.file(f.File); file != nil && f.Line > 0 {
			sp := file.TokenSpan(workspace.Pos{Line: f.Line, Col: max(f.Column, 1)})
			f.EndLine, f.EndColumn = sp.End.Line, sp.End.Col
		}
	}
}

// fingerprint sets each finding's fingerprint from its rule, file and the
// text of its line (see report.Fingerprint).
func fingerprint(findings []report.Finding, src *sourceCache) {
	report.Fingerprint(findings, src.lineOf)
}
