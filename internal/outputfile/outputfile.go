// Package outputfile writes the files releasegate is asked to write
// (--output, --sarif, --baseline-write, --ledger, --metrics-file) and
// appends to the ones GitHub Actions hands it ($GITHUB_STEP_SUMMARY,
// $GITHUB_OUTPUT), never through a symbolic link.
//
// An output path often lies inside the checkout being reported on, and a
// checkout is untrusted: a pull request can commit releasegate.sarif as
// a link to any file the runner's user can write (a cached tool binary on
// a self-hosted runner), and opening that path with os.Create would
// overwrite the link's target. So a path whose entry is a symbolic link
// or anything but a regular file is refused, and an output is written to
// a temporary file in the same directory, then renamed over the path: a
// rename replaces a link that appears in the meantime, it never follows
// it. The directories above the path are the caller's choice and are
// trusted.
package outputfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrRefused is why an output path is refused; match it with errors.Is.
var ErrRefused = errors.New("outputs are written only as regular files, never through a link: remove it or choose another path")

// File is an output being written: a temporary file next to its path
// until Close renames it over the path.
type File struct {
	path string
	mode fs.FileMode
	tmp  *os.File
	buf  *bufio.Writer
}

// Create starts writing the output path. It refuses a path whose entry
// is a symbolic link or not a regular file. Close puts what was written
// in place, with the mode of the file it replaces (0644 for a new one);
// Abort leaves the path as it was.
func Create(path string) (*File, error) {
	mode, err := existing(path)
	if err != nil {
		return nil, err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".releasegate-*")
	if err != nil {
		return nil, err
	}
	return &File{path: path, mode: mode, tmp: tmp, buf: bufio.NewWriter(tmp)}, nil
}

// Write adds p to the output.
func (f *File) Write(p []byte) (int, error) { return f.buf.Write(p) }

// Close writes the output out and renames it over the path.
func (f *File) Close() error {
	err := f.buf.Flush()
	if err == nil {
		err = f.tmp.Chmod(f.mode)
	}
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		_ = os.Remove(f.tmp.Name())
	}
	return err
}

// Abort drops what was written; the path keeps what it held.
func (f *File) Abort() {
	_ = f.tmp.Close()
	_ = os.Remove(f.tmp.Name())
}

// Write replaces path with what write writes, as Create and Close do.
// When write fails, path keeps what it held.
func Write(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return err
	}
	return f.Close()
}

// Append appends what write writes to path, creating it if need be. The
// files GitHub Actions names for a step's summary and outputs collect
// every step's lines, so they are appended to, not replaced; the path
// must still be a regular file and is opened without following a link.
func Append(path string, write func(io.Writer) error) error {
	if _, err := existing(path); err != nil {
		return err
	}
	// noFollow closes the gap between the check above and the open;
	// nonBlock keeps a FIFO from holding the open until a reader comes.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|noFollow|nonBlock, 0o644)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = refuse(path, st.Mode())
	}
	if err == nil {
		err = write(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// existing returns the permissions of the regular file at path (0644 when
// there is none), and refuses any other kind of entry.
func existing(path string) (fs.FileMode, error) {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0o644, nil
	case err != nil:
		return 0, err
	case !st.Mode().IsRegular():
		return 0, refuse(path, st.Mode())
	}
	return st.Mode().Perm(), nil
}

func refuse(path string, mode fs.FileMode) error {
	what := "not a regular file"
	switch {
	case mode&fs.ModeSymlink != 0:
		what = "a symbolic link"
	case mode.IsDir():
		what = "a directory"
	}
	return fmt.Errorf("%s is %s: %w", path, what, ErrRefused)
}
