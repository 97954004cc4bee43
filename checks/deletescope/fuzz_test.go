package deletescope

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/internal/runscript"
	"mvdan.cc/sh/v3/syntax"
)

// FuzzParseScript feeds arbitrary scripts, ${{ }} expressions included,
// to the shell extraction delete-scope runs on every run step and fence:
// no panic, masking keeps every byte offset, and every DELETE found lies
// inside the script.
func FuzzParseScript(f *testing.F) {
	for _, s := range []string{
		`curl -X DELETE -H "Authorization: Bearer ${{ secrets.DOCKERHUB_TOKEN_RW }}" https://hub.docker.com/v2/repositories/acme/app/tags/x/`,
		"TOKEN=${{ secrets.T }}\nsudo curl --request DELETE \"https://hub.docker.com/x\" -u u:$TOKEN",
		"crane auth login -u u -p \"$P\" index.docker.io\ncrane delete index.docker.io/acme/app:old",
		"gh api -X DELETE /repos/o/r/actions/caches/1 && regctl tag delete r/a:b",
		"if [ x ]; then skopeo delete docker://docker.io/a/b:c; fi",
		"echo ${{ }} ${{", "oras manifest delete --force r/a@sha256:x", "curl -XDELETE $(cat url)", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 1<<14 {
			return
		}
		masked, exprs := runscript.Mask(src)
		if len(masked) != len(src) {
			t.Fatalf("masking changed the length: %d -> %d", len(src), len(masked))
		}
		for _, e := range exprs {
			if e.Start < 0 || e.End > len(src) || e.Start > e.End || !strings.HasPrefix(src[e.Start:], "${{") {
				t.Fatalf("expression at [%d,%d) of %q", e.Start, e.End, src)
			}
		}
		s := parseScript(syntax.NewParser(syntax.Variant(syntax.LangBash)), src)
		if s == nil {
			return
		}
		for _, d := range s.deletes {
			from, to := int(d.start.Offset()), int(d.end.Offset())
			if from > to || to > len(src) || d.start.Line() < 1 || d.tool == "" {
				t.Fatalf("delete %+v outside %q", d, src)
			}
		}
	})
}
