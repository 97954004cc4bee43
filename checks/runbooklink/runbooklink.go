// Package runbooklink reports links to files or anchors of this repository
// that do not exist, in the text a failed release puts in front of people:
// workflow and action strings (issue bodies, notices) and runbooks.
//
// A runbook is a Markdown file under a folder whose name contains
// "runbook", a Markdown file a workflow or action links to, a parity
// source, or a file matching the configuration's `runbooks:` globs. Other
// Markdown is not read: product documentation is usually built by a site
// generator whose links are site routes, generated pages or included
// fragments, which the working tree cannot confirm.
//
// Failure issues and runbooks send the reader to other runbooks: a
// relative Markdown link (`[recovery](../runbooks/registry.md#tags)`), or
// in a workflow string an absolute link to this repository
// (`https://github.com/OWNER/REPO/blob/main/docs/x.md#y`, or the same
// built from `${{ github.server_url }}/${{ github.repository }}`). Files
// get renamed and headings reworded; the link keeps pointing at nothing
// and the reader lands on a 404 in the middle of an incident.
//
// Which OWNER/REPO is "this repository" comes from the git remote
// `origin`, or the gate's attestation source-repository in the
// configuration; `${{ github.repository }}` always is. Links pinned to a
// commit (a 40-hex ref) are permalinks and are not checked; other refs
// are checked against the working tree. Anchors are checked in Markdown
// targets (GitHub heading slugs and explicit <a name|id> anchors) and as
// #L<n> line anchors elsewhere.
package runbooklink

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/releasegate/releasegate/checks/internal/mdtext"
	"github.com/releasegate/releasegate/checks/internal/walk"
	"github.com/releasegate/releasegate/checks/internal/yamlstrings"
	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/internal/markdown"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// Rule documents runbook-link.
var Rule = rule.Rule{
	ID:       "runbook-link",
	Half:     rule.Lint,
	Severity: rule.Warning,
	Summary:  "a link to a file or anchor of this repository that does not exist",
	Why: "The issue a failed release opens, and the runbooks it points to, are read under pressure. A link whose " +
		"file was moved or whose heading was renamed sends the reader to a 404 or to the top of a long page. " +
		"Links to this repository's blob/tree URLs in workflow and action strings, and relative links in runbooks " +
		"(Markdown under a folder or with a name containing \"runbook\", files the workflows link to, parity sources, " +
		"or the configuration's runbooks: globs) are checked against the working tree.",
	Bad:  "body: See ${{ github.server_url }}/${{ github.repository }}/blob/main/docs/runbooks/registry.md#orphan-tags",
	Good: "body: See ${{ github.server_url }}/${{ github.repository }}/blob/main/docs/runbooks/registry.md#orphaned-arch-tags",
	Fix: "Point the link at the file's current path and the heading's current anchor (GitHub's slug: lower case, " +
		"spaces to hyphens, punctuation dropped), or add an explicit <a name=\"old-anchor\"></a> to the heading so " +
		"old links keep working.",
}

// Check reports broken links in Markdown files, workflows and actions.
// A workflow's links are found as it is parsed and checked in Run, once
// every Markdown file is known.
var Check = lint.Check{Name: "runbooklink", Rules: []rule.Rule{Rule}, Workflow: collect, Run: run}

// linksKey holds, per run, the links found in workflows (see collect).
type linksKey struct{}

type linksFound struct {
	mu    sync.Mutex
	files []fileLinks
	// repo receives this repository's owner/repo, looked up (a git
	// process) while the other workflows are parsed, once one links here.
	repo chan string
}

// fileLinks are the links to this repository in one YAML file's strings.
type fileLinks struct {
	file  *workspace.File // paths only
	links []yamlLink
}

// yamlLink is one match of repoURLRe in a string value, with the span of
// the link in the file.
type yamlLink struct {
	s  string
	m  []int
	at workspace.Span
}

func sharedLinks(p *lint.Pass) *linksFound {
	return p.Shared(linksKey{}, func() any { return &linksFound{} }).(*linksFound)
}

// collect keeps the links of a workflow while its text is at hand.
func collect(p *lint.Pass, wf *workspace.Workflow) {
	defer crashed(p)
	links := workflowLinks(wf)
	if len(links) == 0 {
		return
	}
	all := sharedLinks(p)
	all.mu.Lock()
	defer all.mu.Unlock()
	all.files = append(all.files, fileLinks{file: &workspace.File{Path: wf.Path, Abs: wf.Abs, Rel: wf.Rel}, links: links})
	if all.repo == nil && slices.ContainsFunc(links, namesRepo) {
		all.repo = make(chan string, 1)
		go func(root string) { all.repo <- thisRepo(p, root) }(repoRoot(p))
	}
}

// namesRepo reports whether a link names its repository (OWNER/REPO
// rather than ${{ github.repository }}): checking it needs to know which
// repository this is.
func namesRepo(l yamlLink) bool { return l.m[2] >= 0 }

// crashed turns a panic into a could-not-check error (exit 2): a bug
// here must not lose every other check's findings, and must not pass
// silently.
func crashed(p *lint.Pass) {
	if v := recover(); v != nil {
		p.Fail(report.InputError{Message: fmt.Sprintf("runbook-link check crashed: %v", v)})
	}
}

func run(p *lint.Pass) {
	defer crashed(p)
	ws := p.Workspace
	root := repoRoot(p)
	boundary, err := inputfile.NewRoot(root)
	if err != nil {
		p.Fail(report.InputError{Message: "runbook-link: " + err.Error()})
		return
	}
	c := &checker{p: p, root: root, boundary: boundary, anchors: map[string]map[string]bool{},
		trees: map[string]*workspace.Markdown{}, linked: map[string]bool{}, lookup: sharedLinks(p).repo}
	for _, md := range ws.Markdown {
		c.trees[md.Abs] = md
	}
	// Workflows first: the Markdown files they link to are runbooks.
	for _, fl := range sharedLinks(p).files {
		c.yaml(fl)
	}
	for _, a := range ws.Actions {
		f := fresh(a.File)
		c.yaml(fileLinks{file: f, links: yamlLinks(f)})
	}
	for _, md := range ws.Markdown {
		if c.isRunbook(md.Abs) {
			c.markdown(fresh(md.File), md.Tree)
		}
	}
}

// isRunbook reports whether a Markdown file's links are checked.
func (c *checker) isRunbook(abs string) bool {
	if c.linked[abs] || c.p.Config.IsRunbook(abs) {
		return true
	}
	for _, spec := range c.p.Config.Parity {
		src, _, _ := strings.Cut(spec.Source, "#")
		if filepath.Join(c.p.Config.Dir, filepath.FromSlash(src)) == abs {
			return true
		}
	}
	rel, err := filepath.Rel(c.root, abs)
	if err != nil {
		return false
	}
	return strings.Contains(strings.ToLower(filepath.ToSlash(rel)), "runbook")
}

// fresh copies a workspace File so its lazily built line index is ours:
// other checks read the shared Files concurrently.
func fresh(f *workspace.File) *workspace.File {
	return &workspace.File{Path: f.Path, Abs: f.Abs, Rel: f.Rel, Src: f.Src}
}

type checker struct {
	p        *lint.Pass
	root     string          // repository root (absolute)
	boundary *inputfile.Root // link targets are looked at only inside root
	repo     *string         // "owner/repo", lower case, or "" when unknown; nil until first needed
	lookup   chan string     // the lookup started while workflows were parsed, if any
	anchors  map[string]map[string]bool
	trees    map[string]*workspace.Markdown // workspace Markdown files by absolute path, parsed once
	linked   map[string]bool                // files workflow and action strings link to
}

var (
	// A link to this repository: https://github.com/OWNER/REPO/blob/REF/PATH#A,
	// or the same with ${{ github.server_url }} and ${{ github.repository }}.
	repoURLRe = lazyre.New(`(?:https://github\.com|\$\{\{\s*github\.server_url\s*\}\})/` +
		`(?:([\w.-]+)/([\w.-]+)|\$\{\{\s*github\.repository\s*\}\})/(?:blob|tree|raw)/` +
		`(\$\{\{[^}]*\}\}|[^/\s#?]+)/([^\s#?)"'<>\]` + "`" + `]*)(?:\?[^\s#)"'<>\]]*)?(?:#([^\s)"'<>\]` + "`" + `]*))?`)
	hexRef     = lazyre.New(`^[0-9a-f]{40}$`)
	lineAnchor = lazyre.New(`^L(\d+)(?:C\d+)?(?:-L(\d+)(?:C\d+)?)?$`)
	schemeRe   = lazyre.New(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// markdown checks the links of a Markdown file, read from its syntax
// tree: inline links and images, reference definitions (a reference link
// is checked at its definition), autolinks and bare URLs; and links to
// this repository in raw HTML. Nothing inside code is a link.
func (c *checker) markdown(f *workspace.File, tree ast.Node) {
	if tree == nil {
		return // not parsed: the workspace warned about it
	}
	markdown.Walk(tree, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.CodeSpan:
			return false
		case *ast.Link:
			if x.Reference == nil {
				c.mdLink(f, x.Destination, x.Pos())
			}
		case *ast.Image:
			if x.Reference == nil {
				c.mdLink(f, x.Destination, x.Pos())
			}
		case *ast.LinkReferenceDefinition:
			c.mdLink(f, x.Destination, x.Pos())
		case *ast.AutoLink:
			// Autolinks are absolute URLs (or e-mail addresses, which
			// point nowhere here): only links to this repository count.
			if u := x.URL(f.Src); x.AutoLinkType == ast.AutoLinkURL {
				c.repoLink(f, string(u), find(f.Src, u, x.Pos()))
			}
		case *ast.HTMLBlock:
			c.htmlLinks(f, x.Lines())
			return false
		case *ast.RawHTML:
			c.htmlLinks(f, x.Segments)
		}
		return true
	})
}

// mdLink checks one link destination. Its text is found in the file at
// or after from, the link's start; the span is the destination itself.
func (c *checker) mdLink(f *workspace.File, dest []byte, from int) {
	if len(dest) == 0 {
		return
	}
	off := find(f.Src, dest, from)
	if !c.repoLink(f, string(dest), off) {
		c.relative(f, string(dest), f.OffsetSpan(off, off+len(dest)))
	}
}

// repoLink checks a URL at byte offset off when it points into this
// repository; it reports whether it was such a URL.
func (c *checker) repoLink(f *workspace.File, d string, off int) bool {
	m := repoURLRe().FindStringSubmatchIndex(d)
	if m == nil {
		return false
	}
	c.repoURL(f, d, m, func(a, b int) workspace.Span { return f.OffsetSpan(off+a, off+b) })
	return true
}

// find returns the offset of text in src at or after from, or from.
func find(src, text []byte, from int) int {
	from = max(0, min(from, len(src)))
	if i := bytes.Index(src[from:], text); i >= 0 {
		return from + i
	}
	return from
}

// htmlLinks checks links to this repository written in raw HTML.
func (c *checker) htmlLinks(f *workspace.File, segs *text.Segments) {
	for i := range segs.Len() {
		seg := segs.At(i)
		line := string(f.Src[seg.Start:seg.Stop])
		for _, m := range repoURLRe().FindAllStringSubmatchIndex(line, -1) {
			c.repoURL(f, line, m, func(a, b int) workspace.Span { return f.OffsetSpan(seg.Start+a, seg.Start+b) })
		}
	}
}

// workflowLinks finds the links to this repository in a workflow's
// string values, as yamlLinks does, from the syntax tree already parsed:
// reading the YAML again cost more than checking the links it holds. It
// falls back to yamlLinks unless the tree accounts for exactly the links
// the text holds, one string each: a link in a comment (no string value),
// an alias (one string, several tree values) or a key the tree does not
// keep make them disagree.
func workflowLinks(wf *workspace.Workflow) []yamlLink {
	if !mayLink(wf.Src) {
		return nil // most workflows: no pattern to run
	}
	at := linkStarts(wf.Src)
	if len(at) == 0 {
		return nil
	}
	var out []yamlLink
	for _, v := range walk.WithDescriptions(wf.AST) {
		s := v.Str.Value
		if !strings.Contains(s, "/blob/") && !strings.Contains(s, "/tree/") && !strings.Contains(s, "/raw/") {
			continue
		}
		for _, m := range repoURLRe().FindAllStringSubmatchIndex(s, -1) {
			link := trimTrailing(s[m[0]:m[1]])
			span := wf.LocateSpan(v.Str, m[0], m[0]+len(link))
			start := wf.Offset(span.Start)
			if !at[start] {
				return yamlLinks(wf.File)
			}
			delete(at, start)
			out = append(out, yamlLink{s: s, m: m, at: span})
		}
	}
	if len(at) > 0 {
		return yamlLinks(wf.File)
	}
	return out
}

// yamlLinks finds the links to this repository in the string values of
// a YAML file.
func yamlLinks(f *workspace.File) []yamlLink {
	// Most workflows link nowhere in this repository; skip parsing them.
	if !mayLink(f.Src) {
		return nil
	}
	values, err := yamlstrings.Walk(f.Src)
	if err != nil {
		return nil // the workspace reports unparsable files
	}
	var out []yamlLink
	for _, v := range values {
		s := v.Str.Value
		if !strings.Contains(s, "/blob/") && !strings.Contains(s, "/tree/") && !strings.Contains(s, "/raw/") {
			continue
		}
		for _, m := range repoURLRe().FindAllStringSubmatchIndex(s, -1) {
			link := trimTrailing(s[m[0]:m[1]])
			out = append(out, yamlLink{s: s, m: m, at: f.LocateSpan(v.Str, m[0], m[0]+len(link))})
		}
	}
	return out
}

// linkStarts returns the offsets where repoURLRe matches src. The
// pattern runs over the lines that can hold a match, not the whole file
// (an order of magnitude faster on a long workflow), unless an expression
// opens on one line and closes on another: its spaces may join a match
// across lines.
func linkStarts(src []byte) map[int]bool {
	at := map[int]bool{}
	if spansLines(src) {
		for _, m := range repoURLRe().FindAllIndex(src, -1) {
			at[m[0]] = true
		}
		return at
	}
	for off := 0; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src) - off
		}
		if line := src[off : off+end]; mayLink(line) {
			for _, m := range repoURLRe().FindAllIndex(line, -1) {
				at[off+m[0]] = true
			}
		}
		off += end + 1
	}
	return at
}

// spansLines reports whether some ${{ has no }} after it on its line.
func spansLines(src []byte) bool {
	for _, line := range bytes.Split(src, []byte("\n")) {
		if i := bytes.LastIndex(line, []byte("${{")); i >= 0 && !bytes.Contains(line[i:], []byte("}}")) {
			return true
		}
	}
	return false
}

// mayLink is a cheap filter: can text hold a link into a repository?
func mayLink(src []byte) bool {
	return bytes.Contains(src, []byte("/blob/")) || bytes.Contains(src, []byte("/tree/")) || bytes.Contains(src, []byte("/raw/"))
}

// yaml checks the links found in a workflow or action.
func (c *checker) yaml(fl fileLinks) {
	for _, l := range fl.links {
		c.repoURL(fl.file, l.s, l.m, func(int, int) workspace.Span { return l.at })
	}
}

// repoURL checks one match of repoURLRe in s; span maps offsets of s to
// the file.
func (c *checker) repoURL(f *workspace.File, s string, m []int, span func(from, to int) workspace.Span) {
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	owner, name, ref, p, anchor := group(1), group(2), group(3), group(4), group(5)
	if owner != "" && !c.isThisRepo(owner+"/"+name) {
		return // another repository, or we cannot tell which one this is
	}
	if hexRef().MatchString(ref) {
		return // a permalink to a commit stays valid
	}
	p = trimTrailing(p)
	anchor = trimTrailing(anchor)
	if strings.Contains(p, "${{") || p == "" {
		return
	}
	target := filepath.Join(c.root, filepath.FromSlash(unescape(p)))
	if !strings.HasSuffix(f.Path, ".md") && !strings.HasSuffix(f.Path, ".markdown") {
		c.linked[target] = true
	}
	link := trimTrailing(s[m[0]:m[1]])
	c.target(f, link, target, p, anchor, span(m[0], m[0]+len(link)))
}

// relative checks a Markdown link destination that is not a URL.
func (c *checker) relative(f *workspace.File, dest string, at workspace.Span) {
	if schemeRe().MatchString(dest) || strings.HasPrefix(dest, "//") || strings.ContainsAny(dest, "{}$") {
		return
	}
	p, anchor, _ := strings.Cut(dest, "#")
	p, _, _ = strings.Cut(p, "?")
	var target string
	switch {
	case p == "":
		target = f.Abs
	case strings.HasPrefix(p, "/"):
		target = filepath.Join(c.root, filepath.FromSlash(unescape(p)))
	default:
		target = filepath.Join(filepath.Dir(f.Abs), filepath.FromSlash(unescape(p)))
	}
	if rel, err := filepath.Rel(c.root, target); err != nil || strings.HasPrefix(rel, "..") {
		return // outside the repository: not ours to judge
	}
	c.target(f, dest, target, p, anchor, at)
}

// dependsOn names the link's target for --new-from-rev: a finding about
// a link is new when its target changed (or went away).
func (c *checker) dependsOn(abs string) []string {
	return []string{c.p.Workspace.Display(abs)}
}

// target reports when the file, or the anchor in it, does not exist.
func (c *checker) target(f *workspace.File, link, abs, shown, anchor string, at workspace.Span) {
	rel, _ := filepath.Rel(c.root, abs)
	rel = filepath.ToSlash(rel)
	st, err := c.boundary.Stat(abs)
	switch {
	case errors.Is(err, inputfile.ErrOutside):
		// A symlink out of the repository: what it leads to is not ours to
		// read, and a link through it cannot be checked.
		c.p.Fail(report.InputError{File: f.Path, Line: at.Start.Line, Column: at.Start.Col,
			Message: fmt.Sprintf("runbook-link: cannot check link to %s: %v", rel, inputfile.ErrOutside)})
		return
	case err != nil:
		c.p.Report(lint.Diagnostic{
			Rule: Rule.ID, Path: f.Path, Span: at,
			Message:   fmt.Sprintf("link %s: %s does not exist in this repository", link, rel),
			DependsOn: c.dependsOn(abs),
		})
		return
	}
	if anchor == "" || st.IsDir() {
		return
	}
	ext := strings.ToLower(path.Ext(abs))
	if ext != ".md" && ext != ".markdown" {
		c.lineAnchor(f, link, abs, rel, anchor, at)
		return
	}
	anchors := c.fileAnchors(abs)
	want := strings.ToLower(unescape(anchor))
	if anchors != nil && !anchors[want] && !anchors[strings.TrimPrefix(want, "user-content-")] {
		c.p.Report(lint.Diagnostic{
			Rule: Rule.ID, Path: f.Path, Span: at,
			Message:   fmt.Sprintf("link %s: %s has no heading or anchor #%s", link, rel, anchor),
			DependsOn: c.dependsOn(abs),
		})
	}
}

// lineAnchor checks #L10 and #L10-L20 against a file's length.
func (c *checker) lineAnchor(f *workspace.File, link, abs, rel, anchor string, at workspace.Span) {
	m := lineAnchor().FindStringSubmatch(anchor)
	if m == nil {
		return
	}
	src, err := c.boundary.ReadFile(abs, 0)
	if err != nil {
		return
	}
	lines := strings.Count(string(src), "\n")
	if len(src) > 0 && src[len(src)-1] != '\n' {
		lines++
	}
	for _, g := range m[1:] {
		if n, err := strconv.Atoi(g); err == nil && n > lines {
			c.p.Report(lint.Diagnostic{
				Rule: Rule.ID, Path: f.Path, Span: at,
				Message:   fmt.Sprintf("link %s: %s has %d lines, so #%s points past its end", link, rel, lines, anchor),
				DependsOn: c.dependsOn(abs),
			})
			return
		}
	}
}

// fileAnchors returns the anchors of a Markdown file, cached; nil when the
// file cannot be read (then no anchor is reported against it).
func (c *checker) fileAnchors(abs string) map[string]bool {
	if a, ok := c.anchors[abs]; ok {
		return a
	}
	var a map[string]bool
	if md := c.trees[abs]; md != nil {
		if md.Tree != nil {
			a = mdtext.FromTree(md.Src, md.Tree).Anchors()
		}
	} else if src, err := c.boundary.ReadFile(abs, 0); err == nil {
		if doc := mdtext.Parse(string(src)); doc.Err == nil {
			a = doc.Anchors()
		}
	}
	c.anchors[abs] = a
	return a
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// trimTrailing drops sentence punctuation after a URL in prose.
func trimTrailing(s string) string {
	return strings.TrimRight(s, ".,;:!?*_'\"")
}

// repoRoot is the directory repository paths resolve from: the
// configuration's directory when it holds .github or .git (the usual
// place for .releasegate.yaml), else the git top level.
func repoRoot(p *lint.Pass) string {
	if dir := p.Config.Dir; p.Config.Path != "" && dir != "" {
		for _, marker := range []string{".github", ".git"} {
			if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
				return dir
			}
		}
	}
	return p.Workspace.RepoRoot
}

// isThisRepo reports whether "owner/repo" names the repository being
// linted, which is looked up once, when a link first needs it.
func (c *checker) isThisRepo(ownerRepo string) bool {
	if c.repo == nil {
		var r string
		if c.lookup != nil {
			r = <-c.lookup
		} else {
			r = thisRepo(c.p, c.root)
		}
		c.repo = &r
	}
	return *c.repo != "" && strings.EqualFold(ownerRepo, *c.repo)
}

// thisRepo returns "owner/repo" of the repository being linted: from the
// attestation source-repository in the configuration, else from the git
// remote origin, else "".
func thisRepo(p *lint.Pass, root string) string {
	if r := ownerRepo(p.Config.Gate.Attestations.Identity.SourceRepository); r != "" {
		return r
	}
	out, err := workspace.Git(root, "remote", "get-url", "origin").Output()
	if err != nil {
		return ""
	}
	return ownerRepo(strings.TrimSpace(string(out)))
}

// ownerRepo extracts owner/repo from a GitHub remote or repository URL:
// https://github.com/o/r(.git), git@github.com:o/r.git, ssh://git@github.com/o/r.
func ownerRepo(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for _, pre := range []string{"git@github.com:", "ssh://git@github.com/", "https://github.com/", "http://github.com/", "git://github.com/", "github.com/"} {
		if rest, ok := strings.CutPrefix(s, pre); ok {
			s = rest
			break
		}
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
	parts := strings.Split(s, "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" || strings.Contains(s, ":") {
		return ""
	}
	return strings.ToLower(s)
}
