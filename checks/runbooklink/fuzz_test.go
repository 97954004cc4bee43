package runbooklink_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/runbooklink"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/rule"
)

// FuzzMarkdown runs the link check over arbitrary Markdown: nothing may
// panic and every finding's span must lie in the file, start before end.
func FuzzMarkdown(f *testing.F) {
	f.Add("[a](b.md#c) [d](#e)\n[r]: ./x.md\nhttps://github.com/acme/widget/blob/main/y.md#L9\n")
	f.Add("```\n[x](nope.md)\n```\n`[y](nope.md)` [z](<sp ace.md>) [w](../../../../etc/passwd)\n")
	f.Add("# T <a id=\"q\"></a>\n[s](#q) [t](%zz.md) [u](/abs.md#L1-L2)\n")
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.md"), []byte("# Ok\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	cfg := config.Default(dir)
	cfg.Gate.Attestations.Identity.SourceRepository = "acme/widget"
	set := rule.NewSet(runbooklink.Check.Rules)
	f.Fuzz(func(t *testing.T, src string) {
		file := &workspace.File{Path: "doc.md", Abs: filepath.Join(dir, "doc.md"), Rel: "doc.md", Src: []byte(src)}
		ws := &workspace.Workspace{Root: dir, RepoRoot: dir, Markdown: []*workspace.Markdown{workspace.ParseMarkdown(file)}}
		res, err := lint.Run(lint.Options{Workspace: ws, Config: cfg, Checks: []lint.Check{runbooklink.Check}, Rules: set})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(src, "\n") + 1
		for _, fd := range res.Findings {
			if fd.Line < 1 || fd.Line > lines || fd.EndLine < fd.Line || fd.EndLine > lines || (fd.EndLine == fd.Line && fd.EndColumn < fd.Column) {
				t.Fatalf("finding at %d:%d-%d:%d in %d lines: %s", fd.Line, fd.Column, fd.EndLine, fd.EndColumn, lines, fd.Message)
			}
		}
	})
}
