package lint

import (
	"fmt"
	"os"
	"path/filepath"

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
		for _, line := range []int{f.Line, f.Line - 1} {
			text := src.line(f.File, line)
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
	files map[string]*workspace.File
}

func newSourceCache(ws *workspace.Workspace) *sourceCache {
	c := &sourceCache{files: map[string]*workspace.File{}}
	for _, w := range ws.Workflows {
		c.files[w.Path] = w.File
	}
	for _, a := range ws.Actions {
		c.files[a.Path] = a.File
	}
	for _, m := range ws.Markdown {
		c.files[m.Path] = m.File
	}
	return c
}

func (c *sourceCache) line(path string, n int) string {
	f, ok := c.files[path]
	if !ok {
		src, err := os.ReadFile(filepath.FromSlash(path))
		if err != nil {
			c.files[path] = nil
			return ""
		}
		f = &workspace.File{Path: path, Src: src}
		c.files[path] = f
	}
	if f == nil {
		return ""
	}
	return f.Line(n)
}
