package workspace

import (
	"bytes"
	"strings"
	"testing"
)

func TestScanFences(t *testing.T) {
	src := strings.Join([]string{
		"# Title",             // 1
		"",                    // 2
		"```bash",             // 3
		"echo one",            // 4
		"```",                 // 5
		"1. In a list:",       // 6
		"",                    // 7
		"   ~~~~ console",     // 8
		"   $ crane ls x",     // 9
		"   ~~~",              // 10 (too short to close)
		"   ~~~~",             // 11
		"Inline ```not``` it", // 12
		"",                    // 13
		"> Quoted:",           // 14
		"> ```sh",             // 15
		"> curl -X DELETE u",  // 16
		">   indented more",   // 17
		"> ```",               // 18
		"",                    // 19
		"    indented code",   // 20
		"    second line",     // 21
		"",                    // 22
		"- item",              // 23
		"  > ```",             // 24
		"  > nested",          // 25
		"  > ```",             // 26
		"",                    // 27
		"```python",           // 28
		"print(1)",            // 29
	}, "\n")
	got := ScanFences([]byte(src))
	want := []struct {
		line     int
		lang     string
		body     string
		bodyLine int
		indented bool
	}{
		{3, "bash", "echo one", 4, false},
		{8, "console", "$ crane ls x\n~~~", 9, false},
		{15, "sh", "curl -X DELETE u\n  indented more", 16, false},
		{20, "", "indented code\nsecond line", 20, true},
		{24, "", "nested", 25, false},
		{28, "python", "print(1)", 29, false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d blocks %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.line || g.Lang != w.lang || g.Body != w.body || g.BodyLine != w.bodyLine || g.Indented != w.indented {
			t.Errorf("block %d = line %d lang %q body %q body line %d indented %v, want %+v", i, g.Line, g.Lang, g.Body, g.BodyLine, g.Indented, w)
		}
		checkBodyLines(t, []byte(src), g)
	}
	// Commands inside the quote and the list map to their own lines.
	if off := got[2].Offset(2, 3); lineOf([]byte(src), off) != 17 || !strings.HasPrefix(src[off:], "indented more") {
		t.Errorf("quoted line 2 column 3 maps to %q", src[off:])
	}
	if off := got[4].Offset(1, 1); lineOf([]byte(src), off) != 25 || !strings.HasPrefix(src[off:], "nested") {
		t.Errorf("nested line maps to %q", src[off:])
	}
	shell := []bool{true, true, true, true, true, false}
	for i, f := range got {
		if f.Shell() != shell[i] {
			t.Errorf("block %d Shell() = %v", i, f.Shell())
		}
	}
}

// checkBodyLines asserts each body line is the file's text on its own line.
func checkBodyLines(t *testing.T, src []byte, f Fence) {
	t.Helper()
	if f.Body == "" && len(f.lines) <= 1 {
		return
	}
	for i, text := range strings.Split(f.Body, "\n") {
		l := f.lines[i]
		if got := lineOf(src, l.off); got != f.BodyLine+i {
			t.Fatalf("block at line %d: body line %d maps to file line %d", f.Line, i+1, got)
		}
		rest := text[min(l.pad, len(text)):]
		if !bytes.HasPrefix(src[l.off:], []byte(rest)) {
			t.Fatalf("block at line %d: body line %d is %q but the file has %q there", f.Line, i+1, rest, src[l.off:min(len(src), l.off+len(rest))])
		}
	}
}

// FuzzScanFences checks the scanner never panics and that every block it
// returns lies inside the document, in order, each body line mapped to
// its own line of the file.
func FuzzScanFences(f *testing.F) {
	for _, s := range []string{"```sh\nx\n```", "~~~\n", "````\n```\n````", " ```a`b", "```\n\n\n", "\r\n```bash\r\nx\r\n```\r\n",
		"> ```\n> a\n>\tb\n", "- ```\n  x\n\n    y\n", "1. >     code\n   > more\n", "\t\tcode\n\n\tmore\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Count(src, "\n") + 1
		prev := 0
		for _, fc := range ScanFences([]byte(src)) {
			if fc.Line < prev || fc.Line > lines || fc.BodyLine < fc.Line {
				t.Fatalf("block %+v out of order or outside %d lines", fc, lines)
			}
			prev = fc.BodyLine + strings.Count(fc.Body, "\n")
			checkBodyLines(t, []byte(src), fc)
		}
	})
}

// TestMarkdownTooDeepIsAWarning: a file nested too deep to parse in
// bounded time is kept, unchecked, and the run says so.
func TestMarkdownTooDeepIsAWarning(t *testing.T) {
	f := &File{Path: "deep.md", Src: []byte(strings.Repeat("> ", 200) + "```sh\ncurl -X DELETE x\n```\n")}
	md := ParseMarkdown(f)
	if md.Refused == nil || md.Tree != nil || len(md.Fences) != 0 || !strings.Contains(md.Refused.Message, "not parsed") || md.Refused.Line != 1 {
		t.Errorf("refused %+v, tree %v", md.Refused, md.Tree != nil)
	}
	if ok := ParseMarkdown(&File{Path: "ok.md", Src: []byte("> > ```sh\n> > x\n> > ```\n")}); ok.Refused != nil || len(ok.Fences) != 1 {
		t.Errorf("a shallow quote was refused: %+v", ok.Refused)
	}
}
