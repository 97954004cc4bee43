// Package workspace finds and parses what `releasegate lint` scans: GitHub
// Actions workflows, composite and other action metadata files, Markdown
// files (with their fenced code blocks) and Go source directories.
//
// Every file is read and parsed once, in parallel, and shared by all checks.
package workspace

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/report"
)

// File is one scanned file.
type File struct {
	Path string // as shown to users: relative to the working directory when possible
	Abs  string
	Rel  string // relative to the workspace root, slash-separated
	// Src is the file's text; nil in the Workflows of a workspace loaded
	// with ReleaseWorkflows (Source reads it again).
	Src []byte

	root       *inputfile.Root // the boundary Src was read within
	linesOnce  sync.Once
	lineStarts []int
	scalars    sync.Map // scalarKey -> *scalarMap, see LocateSpan
}

// Workspace is everything found under the scanned paths.
type Workspace struct {
	// Root is the directory discovery started from (the first PATH, or the
	// directory of a file PATH).
	Root string
	// RepoRoot is the git top-level above Root, or Root when not in git.
	RepoRoot string

	Workflows []*Workflow
	Actions   []*Action
	Markdown  []*Markdown
	// GoDirs are directories (absolute) that hold .go files.
	GoDirs []string
	// Errors are files that could not be read or parsed.
	Errors []report.InputError
	// Warnings are files skipped on purpose that the user must hear of.
	Warnings []report.InputError
	// Partial is true when the scan cannot see the repository's
	// workflows as a whole: individual files were named, or no scanned
	// directory holds a .github folder (e.g. `lint docs/`). Rules about
	// what must exist somewhere (a required reference) are skipped then.
	Partial bool

	cwd       string
	opts      Options
	pending   []classified    // discovered, not yet parsed (see Parse)
	ahead     prefetcher      // workflows parsed while the files are listed
	workflows map[string]bool // Rel of every workflow file discovered
}

// HasWorkflow reports whether discovery found a workflow file at rel
// (relative to RepoRoot, slash-separated), whether or not it parsed. It
// answers from the start, before the workflows are parsed. For a
// workspace not made by Discover it looks through Workflows.
func (ws *Workspace) HasWorkflow(rel string) bool {
	if ws.workflows != nil {
		return ws.workflows[rel]
	}
	return slices.ContainsFunc(ws.Workflows, func(wf *Workflow) bool { return wf.Rel == rel })
}

// Display renders a path the way findings show paths: relative to the
// working directory (Options.WorkingDir) when below it, slash-separated.
// A relative path is taken as relative to the working directory.
func (ws *Workspace) Display(path string) string {
	if !filepath.IsAbs(path) && ws.cwd != "" {
		path = filepath.Join(ws.cwd, path)
	}
	return DisplayPath(path, ws.cwd)
}

// Resolve turns a path as findings show it back into a file system path.
func (ws *Workspace) Resolve(display string) string {
	p := filepath.FromSlash(display)
	if filepath.IsAbs(p) || ws.cwd == "" {
		return p
	}
	return filepath.Join(ws.cwd, p)
}

// Options select what to load.
type Options struct {
	// Paths to scan: directories or files. Empty means ".".
	Paths []string
	// WorkingDir anchors display paths; empty means os.Getwd.
	WorkingDir string
	// OnWorkflow, when set, is called for each workflow as soon as it is
	// parsed, concurrently from the parsing goroutines. Every action
	// metadata file is parsed before the first call: Actions is complete
	// then, while Workflows and Markdown are filled in when parsing ends.
	OnWorkflow func(*Workflow)
	// ReleaseWorkflows keeps, once OnWorkflow has seen a workflow, only
	// its Name and its file's paths in Workflows: no syntax tree, no
	// source. Memory then stays flat however many workflows a repository
	// has; whoever needs more of a workflow later keeps it from
	// OnWorkflow (the *Workflow passed there stays whole).
	ReleaseWorkflows bool
	// Exclude, when set, drops files (absolute paths) before parsing.
	Exclude func(abs string) bool
}

// skipDirs are never descended into when walking without git.
var skipDirs = map[string]bool{".git": true, "vendor": true, "node_modules": true, "testdata": true}

// Load discovers and parses the files under opts.Paths: Discover, then
// Parse.
func Load(opts Options) (*Workspace, error) {
	ws, err := Discover(opts)
	if err != nil {
		return nil, err
	}
	ws.Parse()
	return ws, nil
}

// Discover finds the files under opts.Paths without reading them: the
// workspace knows its roots, whether it is Partial and which files were
// skipped; Parse reads and parses the rest. Every file is read inside the
// boundary of the repository (or directory) its PATH belongs to: regular
// files only, symlinks followed only while they stay inside, at most
// inputfile.MaxBytes each.
func Discover(opts Options) (*Workspace, error) {
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cwd := opts.WorkingDir
	if cwd == "" {
		var err error
		if cwd, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	ws := &Workspace{cwd: cwd, opts: opts}
	var files []candidate
	sawGitHubDir := false
	for i, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		dir := abs
		if !st.IsDir() {
			dir = filepath.Dir(abs)
		}
		var found []string
		var top string
		if st.IsDir() {
			ws.ahead.prefetch(abs)
			found, top, err = listFiles(abs)
		} else {
			top = gitTopLevel(dir)
		}
		if err != nil {
			return nil, err
		}
		if i == 0 {
			ws.Root = dir
			ws.RepoRoot = cmp.Or(top, dir)
		}
		root, err := inputfile.NewRoot(cmp.Or(top, dir))
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			ws.Partial = true
			files = append(files, candidate{path: abs, root: root, named: true})
			continue
		}
		if st, err := os.Stat(filepath.Join(abs, ".github")); err == nil && st.IsDir() {
			sawGitHubDir = true
		}
		for _, f := range found {
			files = append(files, candidate{path: f, root: root, under: abs})
		}
	}
	if !sawGitHubDir {
		ws.Partial = true
	}
	if opts.Exclude != nil {
		files = slices.DeleteFunc(files, func(c candidate) bool { return opts.Exclude(c.path) })
	}
	slices.SortFunc(files, func(a, b candidate) int { return cmp.Compare(a.path, b.path) })
	files = slices.CompactFunc(files, func(a, b candidate) bool { return a.path == b.path })
	ws.pending = ws.classify(files)
	ws.workflows = map[string]bool{}
	for _, c := range ws.pending {
		if c.kind == kindWorkflow {
			ws.workflows[relSlash(ws.RepoRoot, c.path)] = true
		}
	}
	return ws, nil
}

// Parse reads and parses what Discover found, one worker per CPU: action
// metadata first, then workflows and Markdown, calling OnWorkflow for each
// workflow as it is parsed.
func (ws *Workspace) Parse() {
	files := ws.pending
	ws.pending = nil
	actions := slices.DeleteFunc(slices.Clone(files), func(c classified) bool { return c.kind != kindAction })
	rest := slices.DeleteFunc(files, func(c classified) bool { return c.kind == kindAction })
	ws.parseAll(actions)
	ws.parseAll(rest)
	ws.ahead.drop()
	slices.Sort(ws.GoDirs)
}

// candidate is a file found under a PATH, with the boundary it is read
// within. named marks a file given on the command line.
type candidate struct {
	path  string
	root  *inputfile.Root
	named bool
	under string // the directory named on the command line it was found in
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// listFiles returns the files under dir: git's view (tracked plus untracked
// but not ignored) inside a repository, a filesystem walk elsewhere. It
// lists whatever is not a directory (regular files, symlinks, special
// files); classify decides what is read. top is the repository's top
// level when git listed the files, else "".
func listFiles(dir string) (files []string, top string, err error) {
	if out, err := gitListFiles(dir); err == nil {
		return out, repositoryTop(dir), nil
	}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (skipDirs[d.Name()] || (strings.HasPrefix(d.Name(), ".") && d.Name() != ".github")) {
				return filepath.SkipDir
			}
			return nil
		}
		files = append(files, p)
		return nil
	})
	return files, "", err
}

func gitListFiles(dir string) ([]string, error) {
	out, err := Git(dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".").Output()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, rel := range strings.Split(string(out), "\x00") {
		if rel == "" || hasSkippedDir(rel) {
			continue
		}
		files = append(files, filepath.Join(dir, filepath.FromSlash(rel)))
	}
	return files, nil
}

// Git returns a git command run in dir that executes nothing the
// repository's own configuration names: a scanned checkout is untrusted,
// and its .git/config may name programs for git to run. Of the commands
// lint runs (rev-parse, merge-base, ls-files, ls-tree, cat-file without
// --filters or --textconv, remote get-url), none runs a filter, textconv,
// diff driver or external diff; what could still run is switched off:
//
//   - core.fsmonitor, a program ls-files would ask about changed files;
//   - hooks (core.hooksPath), with optional index writes off too, so no
//     post-index-change hook has cause to run: lint only reads;
//   - every transport (GIT_NO_LAZY_FETCH, and GIT_ALLOW_PROTOCOL empty
//     for a git that does not know it): in a partial clone, reading a
//     missing object fetches it from the promisor remote, whose URL may
//     be ext::<any command> with protocol.ext.allow set by the same
//     config, or ssh with core.sshCommand;
//   - a bare repository found inside the checkout
//     (safe.bareRepository=explicit), with a config of its own;
//   - the pager and prompts (output is a pipe, GIT_TERMINAL_PROMPT=0).
//
// The command is killed after GitTimeout: a config whose include.path
// names a FIFO would otherwise keep git, and lint, waiting for ever.
func Git(dir string, args ...string) *exec.Cmd { return gitWithin(GitTimeout, dir, args...) }

// GitTimeout is how long one git command may take: far more than listing
// or reading the files of a large repository takes.
const GitTimeout = 2 * time.Minute

func gitWithin(limit time.Duration, dir string, args ...string) *exec.Cmd {
	global := []string{"--no-pager", "-C", dir,
		"-c", "core.fsmonitor=false",
		"-c", "core.hooksPath=" + os.DevNull,
		"-c", "safe.bareRepository=explicit",
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	cmd := exec.CommandContext(ctx, "git", append(global, args...)...)
	cmd.Cancel = func() error {
		defer cancel()
		return cmd.Process.Kill()
	}
	cmd.WaitDelay = time.Second // a child holding the pipes open does not hold lint
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "GIT_NO_LAZY_FETCH=1", "GIT_ALLOW_PROTOCOL=", "GIT_TERMINAL_PROMPT=0")
	return cmd
}

func hasSkippedDir(rel string) bool {
	parts := strings.Split(rel, "/")
	for _, p := range parts[:len(parts)-1] {
		if skipDirs[p] {
			return true
		}
	}
	return false
}

// repositoryTop returns the top level of the repository git found for dir,
// as `git rev-parse --show-toplevel` prints it, without starting a second
// git process (a small repository notices one): the first directory at or
// above dir, symbolic links resolved, that holds a .git directory with a
// HEAD or a .git file naming one. Where the environment steers git's
// discovery, git is asked.
func repositoryTop(dir string) string {
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"} {
		if _, set := os.LookupEnv(v); set {
			return gitTopLevel(dir)
		}
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return gitTopLevel(dir)
	}
	for d := real; ; d = filepath.Dir(d) {
		if isRepositoryTop(d) {
			return d
		}
		if filepath.Dir(d) == d {
			return gitTopLevel(dir)
		}
	}
}

func isRepositoryTop(d string) bool {
	dotGit := filepath.Join(d, ".git")
	st, err := os.Lstat(dotGit)
	switch {
	case err != nil:
		return false
	case st.IsDir():
		head, err := os.Lstat(filepath.Join(dotGit, "HEAD"))
		return err == nil && !head.IsDir()
	case st.Mode().IsRegular():
		b := make([]byte, len("gitdir:"))
		f, err := os.Open(dotGit)
		if err != nil {
			return false
		}
		defer f.Close()
		n, _ := io.ReadFull(f, b)
		return string(b[:n]) == "gitdir:"
	}
	return false
}

func gitTopLevel(dir string) string {
	out, err := Git(dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

type kind int

const (
	kindWorkflow kind = iota + 1
	kindAction
	kindMarkdown
	kindGo
)

type classified struct {
	candidate
	kind kind
}

// classify keeps the files lint reads, by name. Whether each is a file
// that can be read is settled when it is read (see skipped), by the
// parsing workers: stat-ing every file here, one after the other, cost a
// large repository more than listing it.
func (ws *Workspace) classify(files []candidate) []classified {
	var out []classified
	for _, f := range files {
		k := kindOf(f.path)
		if k == kindGo && !f.named && ignoredByGo(relSlash(f.under, f.path)) {
			continue
		}
		if k != 0 {
			out = append(out, classified{f, k})
		}
	}
	return out
}

// ignoredByGo says whether the go command leaves a file out of the
// pattern "./..." run where lint was pointed: under a directory whose
// name begins with "." or "_", or is testdata. Such directories hold fixtures (a Go file that does not
// parse on purpose, a workflow's test program), not the repository's
// packages; reading them would end a lint in an input error over code
// that is never built.
func ignoredByGo(rel string) bool {
	if strings.HasPrefix(rel, "../") {
		return false // not below the directory named: nothing to judge by
	}
	parts := strings.Split(rel, "/")
	for _, p := range parts[:len(parts)-1] {
		if p == "testdata" || strings.HasPrefix(p, ".") || strings.HasPrefix(p, "_") {
			return true
		}
	}
	return false
}

// skipped says whether a file that could not be read is skipped rather
// than an input error, and the warning to give: a symlink is read through
// to its target when that is a regular file inside the boundary; anything
// else (a link out of the repository, a dangling link, a FIFO or device)
// is skipped, and under .github, where a skipped file means a workflow or
// action nobody checked, the skip is a warning. A file named on the
// command line that cannot be read is an input error.
func (ws *Workspace) skipped(c classified) (bool, *report.InputError) {
	if c.named || c.kind == kindGo {
		return false, nil
	}
	reason := irregular(c.candidate)
	if reason == "" {
		return false, nil
	}
	if !isUnderGitHub(c.path) {
		return true, nil
	}
	return true, &report.InputError{File: DisplayPath(c.path, ws.cwd), Message: "skipped, not checked: " + reason}
}

// irregular says why a listed file is not read, or "" when it is a
// regular file or a symlink to one inside the boundary.
func irregular(f candidate) string {
	st, err := os.Lstat(f.path)
	switch {
	case err != nil:
		return unwrapPathError(err).Error()
	case st.Mode().IsRegular():
		return ""
	case st.Mode()&fs.ModeSymlink == 0:
		return "not a regular file"
	}
	tst, err := f.root.Stat(f.path)
	var ie *inputfile.Error
	switch {
	case errors.As(err, &ie) && errors.Is(err, inputfile.ErrOutside):
		return "a symbolic link that " + ie.Message()
	case errors.Is(err, fs.ErrNotExist):
		return "a symbolic link to a file that does not exist"
	case err != nil:
		return "a symbolic link that cannot be followed"
	case !tst.Mode().IsRegular():
		return "a symbolic link to something that is not a regular file"
	}
	return ""
}

func isUnderGitHub(p string) bool {
	for d := filepath.Dir(p); d != filepath.Dir(d); d = filepath.Dir(d) {
		if filepath.Base(d) == ".github" {
			return true
		}
	}
	return false
}

func kindOf(p string) kind {
	base := filepath.Base(p)
	ext := strings.ToLower(filepath.Ext(p))
	switch {
	case (ext == ".yml" || ext == ".yaml") && isWorkflowDir(filepath.Dir(p)):
		return kindWorkflow
	case base == "action.yml" || base == "action.yaml":
		return kindAction
	case ext == ".md" || ext == ".markdown":
		return kindMarkdown
	case ext == ".go":
		return kindGo
	}
	return 0
}

func isWorkflowDir(dir string) bool {
	return filepath.Base(dir) == "workflows" && filepath.Base(filepath.Dir(dir)) == ".github"
}

// parseAll reads and parses files with one worker per CPU and adds them
// to the workspace in file order.
func (ws *Workspace) parseAll(files []classified) {
	type parsed struct {
		wf   *Workflow
		act  *Action
		md   *Markdown
		err  *report.InputError
		warn *report.InputError
	}
	results := make([]parsed, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.NumCPU(), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := files[i]
				f, ierr := ws.readFile(c.candidate)
				if ierr != nil {
					if skip, warn := ws.skipped(c); skip {
						results[i].warn = warn
					} else {
						results[i].err = ierr
					}
					continue
				}
				switch c.kind {
				case kindWorkflow:
					results[i].wf, results[i].err = ws.workflow(f)
				case kindAction:
					results[i].act, results[i].err = parseAction(f)
				case kindMarkdown:
					results[i].md = ParseMarkdown(f)
				}
			}
		}()
	}
	goDirs := map[string]bool{}
	for i, c := range files {
		if c.kind == kindGo {
			if d := filepath.Dir(c.path); !goDirs[d] {
				goDirs[d] = true
				ws.GoDirs = append(ws.GoDirs, d)
			}
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, r := range results {
		switch {
		case r.warn != nil:
			ws.Warnings = append(ws.Warnings, *r.warn)
		case r.err != nil:
			ws.Errors = append(ws.Errors, *r.err)
		case r.wf != nil:
			ws.Workflows = append(ws.Workflows, r.wf)
		case r.act != nil:
			ws.Actions = append(ws.Actions, r.act)
		case r.md != nil:
			ws.Markdown = append(ws.Markdown, r.md)
			if r.md.Refused != nil {
				ws.Warnings = append(ws.Warnings, *r.md.Refused)
			}
		}
	}
}

// workflow parses a workflow file and hands it to OnWorkflow; what the
// workspace keeps of it is released when ReleaseWorkflows says so.
func (ws *Workspace) workflow(f *File) (*Workflow, *report.InputError) {
	var wf *Workflow
	var ierr *report.InputError
	if pre, ok := ws.ahead.take(f.Abs, f.Src); ok {
		wf, ierr = newWorkflow(f, pre.guard, pre.ast, pre.errs)
	} else {
		wf, ierr = parseWorkflow(f)
	}
	if wf == nil {
		return nil, ierr
	}
	if ws.opts.OnWorkflow != nil {
		ws.opts.OnWorkflow(wf)
	}
	if ws.opts.ReleaseWorkflows {
		wf = &Workflow{File: &File{Path: f.Path, Abs: f.Abs, Rel: f.Rel, root: f.root}, Name: wf.Name}
	}
	return wf, nil
}

func (ws *Workspace) readFile(c candidate) (*File, *report.InputError) {
	f := &File{Abs: c.path, Path: DisplayPath(c.path, ws.cwd), Rel: relSlash(ws.RepoRoot, c.path), root: c.root}
	src, ierr := f.read()
	if ierr != nil {
		return nil, ierr
	}
	f.Src = src
	return f, nil
}

// read reads the file's text inside its boundary.
func (f *File) read() ([]byte, *report.InputError) {
	src, err := f.root.ReadFile(f.Abs, 0)
	if err != nil {
		msg := err.Error()
		var ie *inputfile.Error
		if errors.As(err, &ie) {
			msg = ie.Message()
		}
		return nil, &report.InputError{File: f.Path, Message: "cannot read: " + msg}
	}
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return nil, &report.InputError{File: f.Path, Message: "binary file (NUL bytes or invalid UTF-8), not text"}
	}
	return src, nil
}

// Loaded returns f when it holds its text, else a copy of f with its text
// read again inside the same boundary: the Workflows of a workspace loaded
// with ReleaseWorkflows. It is nil when the file can no longer be read as
// text. A file read again may have changed since it was checked.
func (f *File) Loaded() *File {
	if f.Src != nil || f.root == nil {
		return f
	}
	src, ierr := f.read()
	if ierr != nil {
		return nil
	}
	return &File{Path: f.Path, Abs: f.Abs, Rel: f.Rel, Src: src, root: f.root}
}

// DisplayPath renders an absolute path the way findings show paths:
// relative to cwd when below it, slash-separated. It is the one place
// that decides; a Workspace's Display uses its working directory.
func DisplayPath(abs, cwd string) string {
	if rel, err := filepath.Rel(cwd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

func relSlash(root, abs string) string {
	if rel, err := filepath.Rel(root, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}
