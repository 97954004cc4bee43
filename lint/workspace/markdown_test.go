package workspace

import (
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
		"```",                 // 13
		"no language",         // 14
		"````",                // 15 (longer run closes)
		"```python",           // 16
		"print(1)",            // 17
	}, "\n")
	got := ScanFences(src)
	want := []Fence{
		{Line: 3, Info: "bash", Lang: "bash", Body: "echo one", BodyLine: 4, Closed: true},
		{Line: 8, Info: "console", Lang: "console", Body: "$ crane ls x\n~~~", BodyLine: 9, Closed: true},
		{Line: 13, Info: "", Lang: "", Body: "no language", BodyLine: 14, Closed: true},
		{Line: 16, Info: "python", Lang: "python", Body: "print(1)", BodyLine: 17, Closed: false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d fences %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("fence %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	shell := []bool{true, true, true, false}
	for i, f := range got {
		if f.Shell() != shell[i] {
			t.Errorf("fence %d Shell() = %v", i, f.Shell())
		}
	}
}

// FuzzScanFences checks the scanner never panics and that every fence it
// returns points inside the document with its body lines in order.
func FuzzScanFences(f *testing.F) {
	for _, s := range []string{"```sh\nx\n```", "~~~\n", "````\n```\n````", " ```a`b", "```\n\n\n", "\r\n```bash\r\nx\r\n```\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Count(src, "\n") + 1
		prev := 0
		for _, fc := range ScanFences(src) {
			if fc.Line <= prev || fc.Line > lines || fc.BodyLine != fc.Line+1 {
				t.Fatalf("fence %+v out of order or outside %d lines", fc, lines)
			}
			prev = fc.Line + strings.Count(fc.Body, "\n")
		}
	})
}
