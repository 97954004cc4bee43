// Package inputfile reads the files releasegate takes from a repository
// (the configuration, workflows, action metadata, Markdown, parity
// sources, link targets) inside a boundary: a file must be a regular file
// inside the repository root once symbolic links are resolved, and at most
// MaxBytes of it are read.
//
// A checkout is untrusted input. Without the boundary a committed symlink
// named .releasegate.yaml pointing at /etc/passwd or a token file would
// have its content quoted in error messages in CI logs, one pointing at
// /dev/zero would exhaust memory and a FIFO would hang the run. Errors
// name the path as given, never what the file holds or where it leads.
package inputfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MaxBytes is the most releasegate reads from any one input file: far
// above any real workflow, action, configuration or runbook.
const MaxBytes = 16 << 20

// Reasons a file is refused. Match them with errors.Is.
var (
	ErrOutside    = errors.New("leads outside the repository")
	ErrNotRegular = errors.New("is not a regular file")
	ErrTooLarge   = fmt.Errorf("is larger than %d MiB, the most releasegate reads from one file", MaxBytes>>20)
)

// Error is a refused or unreadable file: Path as the caller gave it.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return e.Path + ": " + e.Message() }

// Message is the reason without the path.
func (e *Error) Message() string {
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		return pe.Err.Error()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Root is a directory files must stay inside. It is safe for concurrent
// use.
type Root struct {
	dir  string // as given, absolute
	real string // with symbolic links resolved

	// dirs caches where directories really are (absolute path -> with
	// symbolic links resolved): a repository's files share few
	// directories, and resolving every component of every path again
	// costs more than reading a small file.
	dirs sync.Map
}

// NewRoot returns the boundary for dir. An empty dir means no boundary:
// files are still checked to be regular and bounded, wherever they are
// (for a path the user named on the command line outside any repository).
func NewRoot(dir string) (*Root, error) {
	if dir == "" {
		return &Root{}, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("repository root %s: %w", dir, err)
	}
	return &Root{dir: abs, real: real}, nil
}

// Dir is the root as given (absolute), "" without a boundary.
func (r *Root) Dir() string { return r.dir }

// Resolve returns where name (absolute, or relative to the root) really
// is, after checking that it stays inside the root.
func (r *Root) Resolve(name string) (string, error) {
	abs := name
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.dir, abs)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		if r.real != "" && r.danglesOut(abs) {
			err = ErrOutside // what is missing is outside: not the repository's to say
		}
		return "", &Error{Path: name, Err: err}
	}
	if r.real != "" && !Within(r.real, real) {
		return "", &Error{Path: name, Err: ErrOutside}
	}
	return real, nil
}

// danglesOut reports whether a symbolic link on the way to abs, which
// does not resolve, points outside the root as written: a link out of the
// repository to something that does not exist here says nothing about
// the repository either.
func (r *Root) danglesOut(abs string) bool {
	rel, err := filepath.Rel(r.dir, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return false
	}
	at := r.dir
	for _, seg := range strings.Split(rel, string(filepath.Separator)) {
		at = filepath.Join(at, seg)
		fi, err := os.Lstat(at)
		if err != nil {
			return false
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		target, err := os.Readlink(at)
		if err != nil {
			return true
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(at), target)
		}
		if !Within(r.dir, target) && !Within(r.real, target) {
			return true
		}
		at = target
	}
	return false
}

// Stat resolves name and stats what it leads to.
func (r *Root) Stat(name string) (fs.FileInfo, error) {
	_, st, err := r.stat(name)
	return st, err
}

// stat resolves name and stats it: where it really is, and what.
func (r *Root) stat(name string) (string, fs.FileInfo, error) {
	if real, st, ok := r.statPlain(name); ok {
		return real, st, nil
	}
	real, err := r.Resolve(name)
	if err != nil {
		return "", nil, err
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", nil, &Error{Path: name, Err: err}
	}
	return real, st, nil
}

// statPlain is stat for the common case, a regular file that is not a
// symbolic link: only its directory needs resolving, once per directory.
// ok is false for anything else, which stat resolves in full.
func (r *Root) statPlain(name string) (string, fs.FileInfo, bool) {
	abs := name
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.dir, abs)
	}
	st, err := os.Lstat(abs)
	if err != nil || !st.Mode().IsRegular() {
		return "", nil, false
	}
	dir := filepath.Dir(abs)
	realDir, cached := r.dirs.Load(dir)
	if !cached {
		if realDir, err = filepath.EvalSymlinks(dir); err != nil {
			return "", nil, false
		}
		r.dirs.Store(dir, realDir)
	}
	real := filepath.Join(realDir.(string), filepath.Base(abs))
	if r.real != "" && !Within(r.real, real) {
		return "", nil, false // Resolve says why
	}
	return real, st, true
}

// ReadFile reads name: a regular file inside the root, at most limit
// bytes (MaxBytes when limit is 0).
func (r *Root) ReadFile(name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxBytes
	}
	real, st, err := r.stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(st.Mode()))}
	}
	if st.Size() > limit {
		return nil, &Error{Path: name, Err: tooLarge(limit)}
	}
	// Open without blocking: if the file was swapped for a FIFO since the
	// stat, the open must not wait for a writer.
	f, err := os.OpenFile(real, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, &Error{Path: name, Err: err}
	}
	defer f.Close()
	if fst, err := f.Stat(); err != nil || !fst.Mode().IsRegular() || !os.SameFile(st, fst) {
		return nil, &Error{Path: name, Err: fmt.Errorf("%w (changed while being read)", ErrNotRegular)}
	}
	// Sized from the stat, so a file is read in one call into one buffer.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	_, err = buf.ReadFrom(io.LimitReader(f, limit+1))
	data := buf.Bytes()
	if err != nil {
		return nil, &Error{Path: name, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, &Error{Path: name, Err: tooLarge(limit)}
	}
	return data, nil
}

func tooLarge(limit int64) error {
	if limit == MaxBytes {
		return ErrTooLarge
	}
	return fmt.Errorf("%w (limit %d bytes)", ErrTooLarge, limit)
}

// kind names a non-regular file type.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// Within reports whether path is dir or inside it (both clean, absolute).
func Within(dir, path string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
