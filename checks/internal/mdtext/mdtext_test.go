package mdtext

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/markdown"
)

func TestSlug(t *testing.T) {
	tests := []struct{ heading, slug string }{
		{"## Frequent Docker Hub failures <a name=\"hub\"></a>", "frequent-docker-hub-failures"},
		{"## DOCKERHUB_TOKEN split (RW + DELETE)", "dockerhub_token-split-rw--delete"},
		{"### 2. Delete the orphan `docker.io` arch tag", "2-delete-the-orphan-dockerio-arch-tag"},
		{"## Step 1: [Delete](https://example.com) the **release**", "step-1-delete-the-release"},
		{"## _Emphasised_ words and snake_case", "emphasised-words-and-snake_case"},
		{"# Café & Crème ##", "café--crème"},
		{"## What's new?", "whats-new"},
		// GitHub's documented examples (Basic writing and formatting
		// syntax, section links): punctuation dropped, two spaces make
		// two hyphens, markup removed, Unicode kept.
		{"## Sample Section", "sample-section"},
		{"## This'll  be a _Helpful_ Section About the Greek Letter Θ!", "thisll--be-a-helpful-section-about-the-greek-letter-Θ"},
		{"## `code` and [a link](x.md) and <b>html</b> &amp; ![img](i.png)", "code-and-a-link-and-html-"},
		{"## 日本語のガイド", "日本語のガイド"},
		{"Setext *heading*\n===", "setext-heading"},
	}
	for _, tt := range tests {
		d := Parse(tt.heading + "\n")
		if len(d.Headings) != 1 {
			t.Fatalf("%q: %d headings", tt.heading, len(d.Headings))
		}
		if got := d.Headings[0].Slug; got != tt.slug {
			t.Errorf("%q: slug %q, want %q", tt.heading, got, tt.slug)
		}
	}
}

func TestDuplicateSlugs(t *testing.T) {
	d := Parse("# This heading is not unique in the file\n\nTEXT 1\n\n## This heading is not unique in the file\n\nTEXT 2\n")
	if got := d.Headings[1].Slug; got != "this-heading-is-not-unique-in-the-file-1" {
		t.Errorf("second duplicate: %q, want -1 appended", got)
	}
	d = Parse("# Notes\n## Notes\n## Notes\n## Notes 1\n")
	var got []string
	for _, h := range d.Headings {
		got = append(got, h.Slug)
	}
	if want := "notes notes-1 notes-2 notes-1-1"; strings.Join(got, " ") != want {
		t.Errorf("slugs %q, want %q", strings.Join(got, " "), want)
	}
}

const runbook = `# Runbook

<a name="causes-anchor"></a>
## Causes <a id="hub-causes"></a>

Intro prose is not an item.

**Token expired.** Rotate ` + "`TOKEN_RW`" + `
at https://example.com/tokens.

- Plain item with a nested list:
  - nested detail 401
- Item with code:

  ` + "```sh" + `
  # not a heading
  curl -X DELETE https://example.com
  ` + "```" + `

### Deeper heading stays inside

- Third item

Setext title
------------

- outside
`

func TestSectionAndItems(t *testing.T) {
	d := Parse(runbook)
	for _, anchor := range []string{"causes", "hub-causes", "causes-anchor", "#CAUSES"} {
		sec, ok := d.FindAnchor(anchor)
		if !ok {
			t.Fatalf("anchor %q not found", anchor)
		}
		if got := d.Lines[sec.Heading.Index].Text; !strings.HasPrefix(got, "## Causes") {
			t.Errorf("anchor %q found heading %q", anchor, got)
		}
	}
	if _, ok := d.FindAnchor("not-a-heading"); ok {
		t.Error("the # comment inside the fence was taken for a heading")
	}
	sec, _ := d.FindAnchor("causes")
	items := d.Items(sec.Start, sec.End, false)
	want := []struct {
		line  int
		first string
		has   string
	}{
		{8, "**Token expired.**", "at https://example.com/tokens."},
		{11, "Plain item", "nested detail 401"},
		{13, "Item with code:", "curl -X DELETE"},
		{22, "Third item", ""},
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items: %+v", len(items), items)
	}
	for i, w := range want {
		it := items[i]
		if it.Index+1 != w.line || !strings.HasPrefix(it.Text, w.first) || !strings.Contains(it.Text, w.has) {
			t.Errorf("item %d = line %d %q, want line %d starting %q containing %q", i, it.Index+1, it.Text, w.line, w.first, w.has)
		}
		if !strings.HasPrefix(runbook[it.Off:], strings.Fields(it.Text)[0]) && runbook[it.Off] != '-' {
			t.Errorf("item %d offset points at %q", i, runbook[it.Off:it.Off+10])
		}
	}
	if s, ok := d.FindAnchor("setext-title"); !ok || len(d.Items(s.Start, s.End, false)) != 1 {
		t.Errorf("setext heading: found=%v", ok)
	}
}

func TestLeadIn(t *testing.T) {
	src := "Intro.\n**Common causes:**\n\n- one `A`\n  more of one\n- two\n\nAfter the list.\n- not part of it\n"
	d := Parse(src)
	idx := d.FindLeadIn("Common causes:")
	if len(idx) != 1 || idx[0] != 1 {
		t.Fatalf("lead-in lines %v", idx)
	}
	items := d.Items(idx[0]+1, len(d.Lines), true)
	if len(items) != 2 || items[0].Text != "one `A`\nmore of one" || items[1].Text != "two" {
		t.Fatalf("items %+v", items)
	}
	// A lead-in followed by prose has no list.
	d = Parse("Common causes:\nsee the runbook\n- late item\n")
	if items := d.Items(1, len(d.Lines), true); len(items) != 0 {
		t.Errorf("items after prose: %+v", items)
	}
}

func TestMatchesMarker(t *testing.T) {
	tests := []struct {
		line, marker string
		want         bool
	}{
		{"   ## Common Docker Hub causes", "## Common Docker Hub causes", true},
		{"## common docker hub causes ##", "## Common Docker Hub causes", true},
		{"### Common Docker Hub causes", "## Common Docker Hub causes", false},
		{"**Common causes:**", "Common causes:", true},
		{"Common causes: see below", "Common causes:", false},
	}
	for _, tt := range tests {
		if got := MatchesMarker(tt.line, tt.marker); got != tt.want {
			t.Errorf("MatchesMarker(%q, %q) = %v", tt.line, tt.marker, got)
		}
	}
}

func TestNormalizeText(t *testing.T) {
	a := NormalizeText("**Token expired.**  Rotate `DOCKERHUB_TOKEN_RW`\n at _the_ page <!-- note -->")
	b := NormalizeText("Token expired. Rotate `DOCKERHUB_TOKEN_RW` at the page")
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
	if NormalizeText("use `a_b`") == NormalizeText("use `ab`") {
		t.Error("underscores inside code spans must survive")
	}
}

// FuzzSections checks the section extractor's invariants on any input:
// every heading is found by its own slug, items lie inside their section
// in order, and every offset points into the text at a non-blank byte.
func FuzzSections(f *testing.F) {
	f.Add(runbook)
	f.Add("# a\n## b\n- x\n  - y\n```\n# c\n```\n## b\n**z** w\n")
	f.Add("Title\n===\n\n* a\n\n  b\n\n1) c\n---\n")
	f.Add("## `x` <a name='q'>\n\t- tab\n>\n~~~\n")
	f.Fuzz(func(t *testing.T, src string) {
		d := Parse(src)
		if len(d.Lines) != strings.Count(src, "\n")+1 {
			t.Fatalf("%d lines for %d newlines", len(d.Lines), strings.Count(src, "\n"))
		}
		for _, h := range d.Headings {
			sec, ok := d.FindAnchor(h.Slug)
			if !ok {
				t.Fatalf("heading %q: own slug %q not found", h.Text, h.Slug)
			}
			for _, lead := range []bool{false, true} {
				checkItems(t, src, d, d.Items(sec.Start, sec.End, lead), sec)
			}
		}
		checkItems(t, src, d, d.Items(0, len(d.Lines), false), Section{Start: 0, End: len(d.Lines)})
	})
}

func checkItems(t *testing.T, src string, d *Doc, items []Item, sec Section) {
	t.Helper()
	prev := -1
	for _, it := range items {
		if it.Index < sec.Start || it.Index >= sec.End || it.Index <= prev {
			t.Fatalf("item at line %d outside section [%d,%d) or out of order", it.Index, sec.Start, sec.End)
		}
		prev = it.Index
		l := d.Lines[it.Index]
		if it.Off < l.Off || it.Off >= len(src) || src[it.Off] == ' ' || src[it.Off] == '\t' || src[it.Off] == '\n' {
			t.Fatalf("item offset %d does not point at its line's first character", it.Off)
		}
	}
}

func TestCommentBetweenItems(t *testing.T) {
	d := Parse("Common causes:\n<!-- releasegate:ignore[parity-drift] the sync job words it differently -->\n- one\n<!-- another -->\n- two\n")
	items := d.Items(1, len(d.Lines), true)
	if len(items) != 2 || items[0].Text != "one" || items[1].Text != "two" {
		t.Fatalf("items %+v", items)
	}
}

// TestStructureFromTheParser: what the CommonMark tree says is a heading,
// code or a list item, at any nesting, is what the sections see.
func TestStructureFromTheParser(t *testing.T) {
	src := "# Top\n\n" +
		"> ## Quoted heading\n>\n> - quoted item\n\n" +
		"- item with code:\n\n  ```sh\n  # not a heading\n  ```\n\n" +
		"Para.\n\n    # indented code, not a heading\n\n" +
		"<!--\n## commented out\n-->\n\n" +
		"Two line\nsetext heading\n---\n\n- after\n"
	d := Parse(src)
	var got []string
	for _, h := range d.Headings {
		got = append(got, h.Slug)
	}
	if want := "top quoted-heading two-line-setext-heading"; strings.Join(got, " ") != want {
		t.Errorf("headings %q, want %q", strings.Join(got, " "), want)
	}
	sec, _ := d.FindAnchor("top")
	items := d.Items(sec.Start, sec.End, false)
	if len(items) != 3 || items[0].Text != "quoted item" || !strings.Contains(items[1].Text, "# not a heading") || items[2].Text != "after" {
		t.Errorf("items of #top: %+v, want the quoted item, the item with code and the last item", items)
	}
	setext, _ := d.FindAnchor("two-line-setext-heading")
	if d.Lines[setext.Heading.Index].Text != "Two line" || setext.Start != setext.Heading.Index+3 {
		t.Errorf("setext heading at line %d, section from %d", setext.Heading.Index, setext.Start)
	}
	if d.Anchors()["commented-out"] {
		t.Error("a heading inside an HTML comment is not a heading")
	}
}

// TestNestingBound: a text too deep to parse has no structure and says
// why, so a caller can report it instead of finding nothing.
func TestNestingBound(t *testing.T) {
	d := Parse(strings.Repeat("> ", 100) + "# deep\n")
	if d.Err == nil || len(d.Headings) != 0 {
		t.Errorf("err %v, headings %v", d.Err, d.Headings)
	}
}

// BenchmarkDocVsParse reports what reading the structure costs on top of
// parsing: building a Doc from a parsed tree and asking every section for
// its items and anchors, as a ratio against the baseline, goldmark's parse
// of the same runbook (internal/markdown.Parse, which every Markdown file
// pays once in the workspace):
//
//	go test ./checks/internal/mdtext -run '^$' -bench DocVsParse
func BenchmarkDocVsParse(b *testing.B) {
	var sb strings.Builder
	for i := range 300 {
		fmt.Fprintf(&sb, "## Step %d\n\n**Token expired.** Rotate `TOKEN_%d` at <https://example.com/%d>.\n\n", i, i, i)
		sb.WriteString("- first item\n  - nested 401\n- item with code:\n\n  ```sh\n  curl -X DELETE https://example.com/x\n  ```\n\n")
		sb.WriteString("> A quote with [a link](other.md#step) and <a name=\"old\"></a>.\n\n")
	}
	src := []byte(sb.String())
	const rounds = 10
	start := time.Now()
	for range rounds {
		if _, err := markdown.Parse(src); err != nil {
			b.Fatal(err)
		}
	}
	base := float64(time.Since(start).Nanoseconds()) / rounds
	tree, _ := markdown.Parse(src)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		d := FromTree(src, tree)
		for _, h := range d.Headings {
			if s, ok := d.FindAnchor(h.Slug); ok {
				d.Items(s.Start, s.End, false)
			}
		}
		d.Anchors()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/base, "x-parse")
}
