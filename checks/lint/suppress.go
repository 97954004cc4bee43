package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/releasegate/releasegate/checks/workspace"
	"github.com/releasegate/releasegate/report"
)

// An inline suppression names rules in brackets and must give a reason:
//
//	# releasegate:ignore[delete-scope] the sync job owns this token
//	<!-- releasegate:ignore[delete-scope] historical example -->
//	//releasegate:ignore[go-json-interpolation] value is a constant
var suppressRe = regexp.MustCompile(`(?:#|<!--|//)\s*releasegate:ignore\[([^\]]*)\]([^\n]*)`)

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
			m := suppressRe.FindStringSubmatch(text)
			if m == nil || !namesRule(m[1], f.Rule) {
				continue
			}
			reason := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[2]), "-->"))
			if reason == "" {
				f.Message += fmt.Sprintf(" (the releasegate:ignore on line %d gives no reason, so it was not applied)", line)
				break
			}
			f.Suppressed, f.SuppressReason = true, reason
			break
		}
	}
}

func namesRule(list, id string) bool {
	for _, r := range strings.Split(list, ",") {
		if strings.TrimSpace(r) == id {
			return true
		}
	}
	return false
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
