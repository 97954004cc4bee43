package outputfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// entry makes what already sits at the output path, given a directory
// and a file outside it that must never change.
type entry func(t *testing.T, path, outside string)

func none(*testing.T, string, string) {}

func regular(mode os.FileMode) entry {
	return func(t *testing.T, path, _ string) {
		if err := os.WriteFile(path, []byte("old report\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // past the umask
			t.Fatal(err)
		}
	}
}

func linkTo(target func(outside string) string) entry {
	return func(t *testing.T, path, outside string) {
		if err := os.Symlink(target(outside), path); err != nil {
			t.Fatal(err)
		}
	}
}

func directory(t *testing.T, path, _ string) {
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func fifo(t *testing.T, path, _ string) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip(err)
	}
}

var entries = []struct {
	name    string
	make    entry
	refused string // the kind named in the error; "" when the write goes ahead
	mode    os.FileMode
}{
	{"no file yet", none, "", 0o644},
	{"a regular file keeps its mode", regular(0o600), "", 0o600},
	{"a link to a file outside", linkTo(func(o string) string { return o }), "a symbolic link", 0},
	{"a relative link", linkTo(func(o string) string { return filepath.Join("..", filepath.Base(filepath.Dir(o)), filepath.Base(o)) }), "a symbolic link", 0},
	{"a dangling link", linkTo(func(o string) string { return o + ".new" }), "a symbolic link", 0},
	{"a directory", directory, "a directory", 0},
	{"a FIFO", fifo, "not a regular file", 0},
}

// setup returns an output path in a directory of its own, after making
// its entry, and a file outside that directory.
func setup(t *testing.T, make entry) (path, outside string) {
	outside = filepath.Join(t.TempDir(), "tool-binary")
	if err := os.WriteFile(outside, []byte("precious"), 0o755); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "releasegate.sarif")
	make(t, path, outside)
	return path, outside
}

// checkRefusal asserts how a write to path ended, and that nothing
// outside the directory changed.
func checkRefusal(t *testing.T, err error, refused, path, outside string) {
	t.Helper()
	if refused == "" {
		if err != nil {
			t.Fatalf("write: %v", err)
		}
	} else if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), path+" is "+refused) {
		t.Fatalf("write: got %v, want %q refused", err, refused)
	}
	if b, _ := os.ReadFile(outside); string(b) != "precious" {
		t.Errorf("the file outside now holds %q", b)
	}
	if _, err := os.Lstat(outside + ".new"); err == nil {
		t.Errorf("a dangling link's target was created")
	}
}

func writeReport(w io.Writer) error {
	_, err := io.WriteString(w, "new report\n")
	return err
}

func TestWrite(t *testing.T) {
	for _, e := range entries {
		t.Run(e.name, func(t *testing.T) {
			path, outside := setup(t, e.make)
			checkRefusal(t, Write(path, writeReport), e.refused, path, outside)
			if e.refused != "" {
				return
			}
			st, err := os.Lstat(path)
			if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != e.mode {
				t.Fatalf("after the write: %v, %v; want a regular file with mode %v", st.Mode(), err, e.mode)
			}
			if b, _ := os.ReadFile(path); string(b) != "new report\n" {
				t.Errorf("the output holds %q", b)
			}
			onlyOutput(t, path)
		})
	}
}

func TestAppend(t *testing.T) {
	for _, e := range entries {
		t.Run(e.name, func(t *testing.T) {
			path, outside := setup(t, e.make)
			checkRefusal(t, Append(path, writeReport), e.refused, path, outside)
			if e.refused != "" {
				return
			}
			want := "new report\n"
			if e.mode == 0o600 {
				want = "old report\n" + want
			}
			if b, _ := os.ReadFile(path); string(b) != want {
				t.Errorf("the file holds %q, want %q", b, want)
			}
		})
	}
}

// TestLinkAfterCreate: a link put in place while the output is being
// written is replaced by the rename, not written through.
func TestLinkAfterCreate(t *testing.T) {
	path, outside := setup(t, none)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeReport(f); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, path); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	checkRefusal(t, nil, "", path, outside)
	if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() {
		t.Fatalf("after the rename: %v, %v", st, err)
	}
}

// TestWriteFails: when the writer fails, the old output stays and no
// temporary file is left behind.
func TestWriteFails(t *testing.T) {
	path, _ := setup(t, regular(0o644))
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half a rep")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the writer's error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old report\n" {
		t.Errorf("the output holds %q", b)
	}
	onlyOutput(t, path)
}

// onlyOutput asserts that no temporary file is left next to path.
func onlyOutput(t *testing.T, path string) {
	t.Helper()
	names, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0].Name() != filepath.Base(path) {
		t.Errorf("the directory holds %v, want only %s", names, filepath.Base(path))
	}
}
