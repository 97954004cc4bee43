package parity

import (
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint/workspace"
)

// FuzzLocate puts arbitrary text in a github-script block scalar and
// looks for a section marker in it: nothing may panic, and every item
// found must map to a line of the file.
func FuzzLocate(f *testing.F) {
	f.Add("const body = `Failed.\n## Causes\n- rotate \\`TOKEN\\` at https://x.test\n- 3 retries\n`;", "## Causes")
	f.Add("cat <<'EOF' > b.md\nCommon causes:\n\n- a\n  nested\nEOF\necho done", "Common causes:")
	f.Add("x = `\n  **Causes:**\n  **One.** a\n\n  **Two.** b`", "Causes:")
	f.Fuzz(func(t *testing.T, value, marker string) {
		if strings.TrimSpace(marker) == "" || strings.ContainsAny(marker, "\n\r") {
			return
		}
		var b strings.Builder
		b.WriteString("steps:\n  - with:\n      script: |\n")
		for _, l := range strings.Split(value, "\n") {
			b.WriteString("        " + l + "\n")
		}
		file := &workspace.File{Path: "w.yml", Abs: "/w.yml", Src: []byte(b.String())}
		copies, err := locate(file, marker)
		if err != nil {
			return
		}
		for _, c := range copies {
			for _, it := range c.items {
				sp := c.span(it.Off, it.End)
				if sp.Start.Line < 1 || sp.End.Line > file.Lines() || sp.End.Line < sp.Start.Line {
					t.Fatalf("item %q mapped to lines %d-%d of %d", it.Text, sp.Start.Line, sp.End.Line, file.Lines())
				}
			}
		}
	})
}

func TestRegionTemplateLiteral(t *testing.T) {
	value := "const run = `${x}`;\nconst body = `Failed: ${run}\n\n    ## Causes\n    - rotate \\`TOKEN\\`\n    - wait 3 hours`;\nawait create(body);\n"
	file := &workspace.File{Path: "w.yml", Abs: "/w.yml", Src: []byte("x:\n  script: |\n    " + strings.ReplaceAll(strings.TrimSuffix(value, "\n"), "\n", "\n    ") + "\n")}
	copies, err := locate(file, "## Causes")
	if err != nil || len(copies) != 1 {
		t.Fatalf("copies %d, err %v", len(copies), err)
	}
	items := copies[0].items
	if len(items) != 2 || items[0].Text != "rotate `TOKEN`" || items[1].Text != "wait 3 hours" {
		t.Fatalf("items %+v", items)
	}
	if sp := copies[0].span(items[1].Off, items[1].End); sp.Start.Line != 8 || sp.Start.Col != 9 || sp.End.Line != 8 || sp.End.Col != 23 {
		t.Errorf("second item at %v, want 8:9-8:23", sp)
	}
}

func TestFacts(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"Rotate `A_RW` at <https://x.test/a>, then `gh secret set A_RW`.", "`A_RW` `gh secret set A_RW` https://x.test/a"},
		{"See [the page](https://x.test/a \"title\") or https://x.test/b).", "https://x.test/a https://x.test/b"},
		{"Returns 401 after 2026-05-19 on arm64 with v2; 5xx too.", "2026-05-19 401"},
		{"no facts here", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(facts(tt.text), " "); got != tt.want {
			t.Errorf("facts(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestReplacerLongestFirst(t *testing.T) {
	r := replacer(map[string]string{"TOKEN": "X", "TOKEN_RW": "TOKEN_DELETE", "A": "B", "B": "A"})
	if got := r.Replace("TOKEN_RW TOKEN A B"); got != "TOKEN_DELETE X B A" {
		t.Errorf("got %q", got)
	}
}

func TestQuotedEscapes(t *testing.T) {
	src := "x:\n  body: \"Failed.\\n## Causes\\n- wait 3 hours\\n\"\n"
	file := &workspace.File{Path: "w.yml", Abs: "/w.yml", Src: []byte(src)}
	copies, err := locate(file, "## Causes")
	if err != nil || len(copies) != 1 || len(copies[0].items) != 1 {
		t.Fatalf("copies %+v, err %v", copies, err)
	}
	// The item is found inside the escaped string, on its own text.
	it := copies[0].items[0]
	if sp := copies[0].span(it.Off, it.End); sp.Start.Line != 2 || sp.Start.Col != 30 || sp.End.Col != 44 {
		t.Errorf("item at %v, want 2:30-2:44", sp)
	}
}
