// Package parity checks that copies of a runbook section still say what
// the section says.
//
// A configuration `parity:` entry names a source (a Markdown file and a
// heading anchor) and copies: a file and a section marker inside it. The
// marker is either a heading ("## Common Docker Hub causes"), whose
// section runs to the next heading of the same or a higher level, or a
// lead-in line ("Common causes:") followed by a list. In workflows the
// marker is searched in every string value: an issue body passed with
// `with: body:`, a `run:` here-document, an `env:` value, a github-script
// template literal.
//
// Both sides are split into items (list items and bold-led paragraphs,
// with nested text belonging to its item) and compared item by item after
// the copy's `replace` map is applied to the source. In `facts` mode only
// load-bearing facts must match (code spans, link targets, URLs, numbers);
// in `exact` mode the text must match up to whitespace and emphasis.
//
// parity-drift reports a copy item that differs, was dropped, added or
// reordered, naming the source item's file:line. parity-missing reports a
// source file, anchor or copy marker that cannot be found, because a copy
// that cannot be located cannot be said to agree.
package parity

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/releasegate/releasegate/checks/internal/mdtext"
	"github.com/releasegate/releasegate/checks/internal/yamlstrings"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Drift documents parity-drift.
var Drift = rule.Rule{
	ID:       "parity-drift",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a copy of a runbook section no longer says what the section says",
	Why: "Failure issues filed by a workflow, and notes in other workflows, often repeat a runbook's list of " +
		"likely causes so the person on call has it in front of them. When the runbook changes (a settings URL " +
		"moves, a token is renamed, a cause is added) the copies are forgotten, and at the worst moment the issue " +
		"points at a page that is gone or a secret that no longer exists. Each copy is compared item by item with " +
		"its source; in facts mode (the default) prose may be reworded, but code spans, link targets, URLs and numbers " +
		"must match, and in exact mode the text must match up to whitespace and emphasis.",
	Bad: "# the runbook: **Expired token.** Rotate `REGISTRY_TOKEN_RW` at <https://hub.example/settings/tokens>.\n" +
		"body: |\n  ## Likely causes\n" +
		"  - **Expired token.** Rotate `REGISTRY_TOKEN` at https://hub.example/account/tokens",
	Good: "body: |\n  ## Likely causes\n" +
		"  - **Expired token.** Rotate `REGISTRY_TOKEN_RW` at https://hub.example/settings/tokens",
	Fix: "Edit the copy reported (or the source, if the copy is right) so the items carry the same facts in the " +
		"same order. The message names the source item's file:line and the facts missing or added. Use `replace:` " +
		"for deliberate substitutions (another token name in another workflow) and `extra-items: allow` for a copy " +
		"that adds its own items.",
	Precision: "medium", // a comparison of prose: less certain than most findings
}

// Missing documents parity-missing.
var Missing = rule.Rule{
	ID:       "parity-missing",
	Half:     rule.Lint,
	Severity: rule.Error,
	Summary:  "a parity source section or copy marker cannot be found",
	Why: "A parity rule whose source anchor was renamed, or whose copy lost its heading, would otherwise pass " +
		"without comparing anything. Not being able to check is reported as a finding, so a rename cannot silently " +
		"switch the check off.",
	Bad:  "source: docs/runbooks/registry.md#common-failures   # the heading is now \"## Frequent failures\"",
	Good: "source: docs/runbooks/registry.md#frequent-failures",
	Fix: "Point `source:` at an existing heading (GitHub's slug of the heading text, or an explicit " +
		"<a name=\"...\"></a> in the heading) and make each copy's `section:` match a heading or lead-in line in that " +
		"file exactly. The section must hold at least one list item or bold-led paragraph.",
}

// Check runs every configured parity spec.
var Check = lint.Check{Name: "parity", Rules: []rule.Rule{Drift, Missing}, Run: run}

func run(p *lint.Pass) {
	if len(p.Config.Parity) == 0 {
		return
	}
	defer func() {
		// A bug here must not lose every other check's findings, and must
		// not pass: it becomes a could-not-check error (exit 2).
		if v := recover(); v != nil {
			p.Fail(report.InputError{File: p.Config.Path, Message: fmt.Sprintf("parity check crashed: %v", v)})
		}
	}()
	r := newRunner(p)
	for _, spec := range p.Config.Parity {
		r.spec(spec)
	}
}

// runner checks parity specs against one workspace.
type runner struct {
	p      *lint.Pass
	files  map[string]*workspace.File // by absolute path: workspace files, then ones read here
	broken map[string]bool            // files the workspace already reported as unreadable
	cfg    string                     // the configuration file as displayed
	root   *inputfile.Root            // sources and copies must stay inside the configuration's repository
}

func newRunner(p *lint.Pass) *runner {
	r := &runner{p: p, files: map[string]*workspace.File{}, broken: map[string]bool{}}
	ws := p.Workspace
	// Fresh File values: a File caches its line index on first use, and
	// other checks use the workspace's Files concurrently. A workflow the
	// workspace released is read again when a spec names it (see file).
	add := func(f *workspace.File) {
		if f.Src == nil {
			r.files[f.Abs] = f
			return
		}
		r.files[f.Abs] = &workspace.File{Path: f.Path, Abs: f.Abs, Rel: f.Rel, Src: f.Src}
	}
	for _, w := range ws.Workflows {
		add(w.File)
	}
	for _, m := range ws.Markdown {
		add(m.File)
	}
	for _, a := range ws.Actions {
		add(a.File)
	}
	for _, e := range ws.Errors {
		r.broken[e.File] = true
	}
	r.cfg = r.display(p.Config.Path)
	r.root = repoBoundary(p.Config.Dir)
	return r
}

// repoBoundary is the repository holding the configuration (or, outside any
// repository, its directory): parity files resolve from there and may
// not lead out of it. nil when the directory cannot be resolved.
func repoBoundary(configDir string) *inputfile.Root {
	dir, err := config.RepositoryRoot(configDir)
	if err != nil {
		return nil
	}
	root, err := inputfile.NewRoot(cmp.Or(dir, configDir))
	if err != nil {
		return nil
	}
	return root
}

func (r *runner) display(p string) string { return r.p.Workspace.Display(p) }

// file returns a file by path relative to the configuration directory,
// from the workspace or from disk. ok is false when it was reported.
func (r *runner) file(rel string) (f *workspace.File, notFound bool, ok bool) {
	abs := filepath.Join(r.p.Config.Dir, filepath.FromSlash(rel))
	if f, found := r.files[abs]; found && f.Src != nil {
		return f, false, true
	} else if found {
		if f = f.Loaded(); f != nil {
			r.files[abs] = f
			return f, false, true
		}
	}
	disp := r.display(abs)
	if r.broken[disp] {
		return nil, false, false // already an input error (exit 2)
	}
	if r.root == nil {
		r.p.Fail(report.InputError{File: disp, Message: "parity: cannot read: the configuration's directory cannot be resolved"})
		return nil, false, false
	}
	src, err := r.root.ReadFile(abs, 0)
	var ie *inputfile.Error
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, true, false
	case errors.As(err, &ie):
		r.p.Fail(report.InputError{File: disp, Message: "parity: cannot read: " + ie.Message()})
		return nil, false, false
	case err != nil:
		r.p.Fail(report.InputError{File: disp, Message: fmt.Sprintf("parity: cannot read: %v", err)})
		return nil, false, false
	case bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src):
		r.p.Fail(report.InputError{File: disp, Message: "parity: binary file (NUL bytes or invalid UTF-8), not text"})
		return nil, false, false
	}
	f = &workspace.File{Path: disp, Abs: abs, Rel: filepath.ToSlash(rel), Src: src}
	r.files[abs] = f
	return f, false, true
}

// missing reports at the configuration that a source or copy cannot be
// found. It depends on the files of the spec: one going away or losing
// its section makes it.
func (r *runner) missing(pos config.Pos, spec config.Parity, format string, args ...any) {
	p := workspace.Pos{Line: max(pos.Line, 1), Col: max(pos.Col, 1)} // its end: the token there
	r.p.Report(lint.Diagnostic{
		Rule: Missing.ID, Path: r.cfg, Span: workspace.Span{Start: p},
		Message:   fmt.Sprintf(format, args...),
		DependsOn: r.specFiles(spec),
	})
}

// specFiles are the files a parity spec compares, as display paths.
func (r *runner) specFiles(spec config.Parity) []string {
	path, _, _ := strings.Cut(spec.Source, "#")
	files := []string{r.display(filepath.Join(r.p.Config.Dir, filepath.FromSlash(path)))}
	for _, cp := range spec.Copies {
		files = append(files, r.display(filepath.Join(r.p.Config.Dir, filepath.FromSlash(cp.File))))
	}
	return files
}

func (r *runner) spec(spec config.Parity) {
	src, ok := r.source(spec)
	if !ok {
		return
	}
	for _, cp := range spec.Copies {
		r.copy(spec, src, cp)
	}
}

// source is a located source section.
type source struct {
	file  *workspace.File
	items []mdtext.Item
}

func (r *runner) source(spec config.Parity) (source, bool) {
	path, anchor, _ := strings.Cut(spec.Source, "#")
	f, notFound, ok := r.file(path)
	if notFound {
		r.missing(spec.Pos, spec, "parity %s: source file %s does not exist (resolved from %s)", spec.Name, path, r.p.Config.Dir)
	}
	if !ok {
		return source{}, false
	}
	if anchor == "" {
		r.missing(spec.Pos, spec, "parity %s: source %q names no section; add #anchor (a heading's slug)", spec.Name, spec.Source)
		return source{}, false
	}
	doc := mdtext.Parse(string(f.Src))
	if doc.Err != nil {
		r.p.Fail(report.InputError{File: f.Path, Message: "parity: source not parsed: " + doc.Err.Error()})
		return source{}, false
	}
	sec, found := doc.FindAnchor(anchor)
	if !found {
		r.missing(spec.Pos, spec, "parity %s: anchor #%s not found in %s%s", spec.Name, anchor, f.Path, suggest(doc, anchor))
		return source{}, false
	}
	items := doc.Items(sec.Start, sec.End, false)
	if len(items) == 0 {
		r.missing(spec.Pos, spec, "parity %s: section #%s (%s:%d) has no list items or bold-led paragraphs to compare",
			spec.Name, anchor, f.Path, sec.Heading.Index+1)
		return source{}, false
	}
	return source{file: f, items: items}, true
}

// suggest names the headings of a document, so a renamed anchor is easy
// to repair.
func suggest(doc *mdtext.Doc, anchor string) string {
	var slugs []string
	for _, h := range doc.Headings {
		slugs = append(slugs, "#"+h.Slug)
	}
	if len(slugs) == 0 {
		return " (the file has no headings)"
	}
	slices.SortStableFunc(slugs, func(a, b string) int {
		return cmp.Compare(-commonPrefix(a[1:], anchor), -commonPrefix(b[1:], anchor))
	})
	if len(slugs) > 3 {
		slugs = slugs[:3]
	}
	return "; headings there include " + strings.Join(slugs, ", ")
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// found is one located copy: its items and how to place offsets.
type found struct {
	items  []mdtext.Item
	marker workspace.Span
	span   func(from, to int) workspace.Span
}

func (r *runner) copy(spec config.Parity, src source, cp config.ParityCopy) {
	f, notFound, ok := r.file(cp.File)
	if notFound {
		r.missing(cp.Pos, spec, "parity %s: copy file %s does not exist", spec.Name, cp.File)
	}
	if !ok {
		return
	}
	copies, err := locate(f, cp.Section)
	if err != nil {
		if !r.broken[f.Path] {
			ie := report.InputError{File: f.Path, Message: "parity: " + err.Error()}
			var ye *yamlstrings.Error
			if errors.As(err, &ye) {
				ie.Line = ye.Line
			}
			r.p.Fail(ie)
		}
		return
	}
	if len(copies) == 0 {
		r.missing(cp.Pos, spec, "parity %s: section marker %q not found in %s", spec.Name, cp.Section, f.Path)
		return
	}
	srcItems := prepare(src, cp.Replace)
	for _, c := range copies {
		if len(c.items) == 0 { // the marker is there but nothing follows it
			r.p.Report(lint.Diagnostic{
				Rule: Missing.ID, Path: f.Path, Span: c.marker,
				Message: fmt.Sprintf("parity %s: marker %q is here but no list items or bold-led paragraphs follow it",
					spec.Name, cp.Section),
				DependsOn: []string{src.file.Path},
			})
			continue
		}
		cmpr := comparison{exact: spec.Mode == "exact", allowExtra: cp.ExtraItems == "allow", marker: c.marker}
		cpyItems := make([]item, len(c.items))
		for i, it := range c.items {
			cpyItems[i] = newItem(it.Text, f, c.span(it.Off, it.End))
		}
		for _, is := range cmpr.compare(srcItems, cpyItems) {
			r.p.Report(lint.Diagnostic{
				Rule: Drift.ID, Path: f.Path, Span: is.span,
				Message:   fmt.Sprintf("parity %s: %s", spec.Name, is.msg),
				DependsOn: []string{src.file.Path},
			})
		}
	}
}

// prepare turns source items into comparable items, applying the copy's
// replace map to their text first.
func prepare(src source, repl map[string]string) []item {
	rp := replacer(repl)
	out := make([]item, len(src.items))
	for i, it := range src.items {
		text := it.Text
		if rp != nil {
			text = rp.Replace(text)
		}
		out[i] = newItem(text, src.file, src.file.OffsetSpan(it.Off, it.End))
	}
	return out
}

// replacer applies a replace map in one pass, longest key first, so that
// {A: B, B: A} swaps and DOCKERHUB_TOKEN_RW is not rewritten as its
// prefix DOCKERHUB_TOKEN.
func replacer(m map[string]string) *strings.Replacer {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b)) })
	var args []string
	for _, k := range keys {
		args = append(args, k, m[k])
	}
	return strings.NewReplacer(args...)
}

// locate finds every copy of a section in a file: in each string value of
// a YAML file, or in the text of any other file.
func locate(f *workspace.File, marker string) ([]found, error) {
	ext := strings.ToLower(filepath.Ext(f.Abs))
	if ext != ".yml" && ext != ".yaml" {
		doc := mdtext.Parse(string(f.Src))
		if doc.Err != nil {
			return nil, doc.Err
		}
		return findIn(doc, marker, -1, f.OffsetSpan), nil
	}
	values, err := yamlstrings.Walk(f.Src)
	if err != nil {
		return nil, err
	}
	needle := strings.ToLower(mdtext.RenderInline(strings.TrimLeft(strings.TrimSpace(marker), "# ")))
	var out []found
	for _, v := range values {
		if !strings.Contains(strings.ToLower(v.Str.Value), needle) {
			continue
		}
		out = append(out, inValue(f, v, marker)...)
	}
	return out, nil
}

// inValue finds the copies of a section inside one YAML string value.
func inValue(f *workspace.File, v yamlstrings.Value, marker string) []found {
	value := v.Str.Value
	lines := mdtext.Split(value)
	span := func(from, to int) workspace.Span { return f.LocateSpan(v.Str, from, to) }
	var out []found
	docs := map[[2]int]*mdtext.Doc{} // by region, so many markers in one value parse it once
	for idx, l := range lines {
		if !mdtext.MatchesMarker(l.Text, marker) {
			continue
		}
		reg, first := region(value, lines, idx, v.Key)
		key := [2]int{first, len(reg)}
		doc, ok := docs[key]
		if !ok {
			doc = mdtext.New(reg)
			docs[key] = doc
		}
		out = append(out, findIn(doc, marker, idx-first, span)...)
	}
	return out
}

// findIn finds the sections a marker opens in doc. With at >= 0 only the
// marker on line at counts (the caller already found it there); -1 means
// every one.
func findIn(doc *mdtext.Doc, marker string, at int, span func(from, to int) workspace.Span) []found {
	var out []found
	if mdtext.IsHeadingMarker(marker) {
		for _, sec := range doc.FindHeading(marker) {
			if at >= 0 && sec.Heading.Index != at {
				continue
			}
			items := doc.Items(sec.Start, sec.End, false)
			out = append(out, found{items: items, marker: lineSpan(doc, sec.Heading.Index, span), span: span})
		}
		return out
	}
	for _, i := range doc.FindLeadIn(marker) {
		if at >= 0 && i != at {
			continue
		}
		items := doc.Items(i+1, len(doc.Lines), true)
		out = append(out, found{items: items, marker: lineSpan(doc, i, span), span: span})
	}
	return out
}

// lineSpan is the span of the text of line i of doc.
func lineSpan(doc *mdtext.Doc, i int, span func(from, to int) workspace.Span) workspace.Span {
	l := doc.Lines[i]
	t := strings.TrimSpace(l.Text)
	from := l.Off + strings.Index(l.Text, t)
	return span(from, from+len(t))
}
