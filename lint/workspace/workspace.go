// Package workspace finds and parses what `releasegate lint` scans: GitHub
// Actions workflows, composite and other action metadata files, Markdown
// files (with their fenced code blocks) and Go source directories.
//
// Every file is read and parsed once, in parallel, and shared by all checks.
package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/releasegate/releasegate/report"
)

// File is one scanned file.
type File struct {
	Path string // as shown to users: relative to the working directory when possible
	Abs  string
	Rel  string // relative to the workspace root, slash-separated
	Src  []byte

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

	cwd string
}

// Display renders an absolute path the way findings show paths.
func (ws *Workspace) Display(abs string) string { return displayPath(abs, ws.cwd) }

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
	// parsed, concurrently from the parsing goroutines.
	OnWorkflow func(*Workflow)
	// Exclude, when set, drops files (absolute paths) before parsing.
	Exclude func(abs string) bool
}

// skipDirs are never descended into when walking without git.
var skipDirs = map[string]bool{".git": true, "vendor": true, "node_modules": true, "testdata": true}

// Load discovers and parses the files under opts.Paths.
func Load(opts Options) (*Workspace, error) {
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
	ws := &Workspace{cwd: cwd}
	var files []string
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
		root := abs
		if !st.IsDir() {
			root = filepath.Dir(abs)
		}
		if i == 0 {
			ws.Root = root
			ws.RepoRoot = gitTopLevel(root)
			if ws.RepoRoot == "" {
				ws.RepoRoot = root
			}
		}
		if !st.IsDir() {
			ws.Partial = true
			files = append(files, abs)
			continue
		}
		if st, err := os.Stat(filepath.Join(abs, ".github")); err == nil && st.IsDir() {
			sawGitHubDir = true
		}
		found, err := listFiles(abs)
		if err != nil {
			return nil, err
		}
		files = append(files, found...)
	}
	if !sawGitHubDir {
		ws.Partial = true
	}
	if opts.Exclude != nil {
		files = slices.DeleteFunc(files, opts.Exclude)
	}
	slices.Sort(files)
	files = slices.Compact(files)
	ws.parseAll(classify(files), cwd, opts.OnWorkflow)
	return ws, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// listFiles returns the files under dir: git's view (tracked plus untracked
// but not ignored) inside a repository, a filesystem walk elsewhere.
func listFiles(dir string) ([]string, error) {
	if out, err := gitListFiles(dir); err == nil {
		return out, nil
	}
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (skipDirs[d.Name()] || (strings.HasPrefix(d.Name(), ".") && d.Name() != ".github")) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

func gitListFiles(dir string) ([]string, error) {
	cmd := exec.Command("git", "-C", dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, rel := range strings.Split(string(out), "\x00") {
		if rel == "" || hasSkippedDir(rel) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
			files = append(files, p)
		}
	}
	return files, nil
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

func gitTopLevel(dir string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
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
	path string
	kind kind
}

func classify(files []string) []classified {
	var out []classified
	for _, f := range files {
		if k := kindOf(f); k != 0 {
			out = append(out, classified{f, k})
		}
	}
	return out
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

// parseAll reads and parses every file with one worker per CPU.
func (ws *Workspace) parseAll(files []classified, cwd string, onWorkflow func(*Workflow)) {
	type parsed struct {
		wf  *Workflow
		act *Action
		md  *Markdown
		err *report.InputError
	}
	results := make([]parsed, len(files))
	goDirs := map[string]bool{}
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := files[i]
				f, ierr := ws.readFile(c.path, cwd)
				if ierr != nil {
					results[i].err = ierr
					continue
				}
				switch c.kind {
				case kindWorkflow:
					results[i].wf, results[i].err = parseWorkflow(f)
					if results[i].wf != nil && onWorkflow != nil {
						onWorkflow(results[i].wf)
					}
				case kindAction:
					results[i].act, results[i].err = parseAction(f)
				case kindMarkdown:
					results[i].md = ParseMarkdown(f)
				}
			}
		}()
	}
	for i, c := range files {
		if c.kind == kindGo {
			goDirs[filepath.Dir(c.path)] = true
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, r := range results {
		switch {
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
	for d := range goDirs {
		ws.GoDirs = append(ws.GoDirs, d)
	}
	slices.Sort(ws.GoDirs)
}

func (ws *Workspace) readFile(abs, cwd string) (*File, *report.InputError) {
	f := &File{Abs: abs, Path: displayPath(abs, cwd), Rel: relSlash(ws.RepoRoot, abs)}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, &report.InputError{File: f.Path, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
	}
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return nil, &report.InputError{File: f.Path, Message: "binary file (NUL bytes or invalid UTF-8), not text"}
	}
	f.Src = src
	return f, nil
}

func displayPath(abs, cwd string) string {
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
