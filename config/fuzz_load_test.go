//go:build unix

package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// FuzzLoad loads fuzzed text as a committed configuration that is a
// regular file, a symlink inside the repository, a symlink to a file
// outside it, a FIFO or a directory. Only the first two are read; no
// error quotes the outside file; every error is one line naming the path.
func FuzzLoad(f *testing.F) {
	for kind := range uint8(5) {
		f.Add([]byte("version: 1\n"), kind)
		f.Add([]byte("root:x:0:0:root:/root:/bin/bash\n"), kind)
		f.Add([]byte("version: 1\n---\nrules: {}\n"), kind)
	}
	const marker = "outside-secret-4242"
	f.Fuzz(func(t *testing.T, content []byte, kind uint8) {
		base := t.TempDir()
		repo := filepath.Join(base, "repo")
		if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
		outside := filepath.Join(base, "outside.yaml")
		if err := os.WriteFile(outside, append([]byte(marker+": "), content...), 0o644); err != nil {
			t.Fatal(err)
		}
		inside := filepath.Join(repo, "real.yaml")
		if err := os.WriteFile(inside, content, 0o644); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(repo, ".releasegate.yaml")
		var err error
		switch kind % 5 {
		case 0:
			err = os.WriteFile(file, content, 0o644)
		case 1:
			err = os.Symlink("real.yaml", file)
		case 2:
			err = os.Symlink(outside, file)
		case 3:
			err = syscall.Mkfifo(file, 0o644)
		case 4:
			err = os.Mkdir(file, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, lerr := Load(file, WithRoot(repo))
		if kind%5 >= 2 && lerr == nil {
			t.Fatalf("kind %d was read", kind%5)
		}
		if lerr == nil {
			return
		}
		msg := lerr.Error()
		if strings.Contains(msg, marker) || bytes.Contains([]byte(msg), []byte("\n")) || !strings.HasPrefix(msg, file) {
			t.Fatalf("kind %d: error %q", kind%5, msg)
		}
	})
}
