package changes

import (
	"bufio"
	"crypto/sha1" //nolint:gosec // git names objects by SHA-1; this is its object id, not a security check
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/lint/workspace"
)

// fileSet holds the files of a revision and of the working tree, and
// works out what changed in a file when first asked.
type fileSet struct {
	root    string
	input   *inputfile.Root
	newHash func() hash.Hash // git's object ids: SHA-1, or SHA-256
	tree    map[string]entry // the revision's files
	index   map[string]entry // the files tracked now
	others  map[string]bool  // untracked files that are not ignored

	mu      sync.Mutex
	changes map[string]fileChange
}

// entry is a file as git lists it: its mode and object id.
type entry struct{ mode, oid string }

const (
	modeSymlink = "120000"
	modeGitlink = "160000" // a submodule: the object is a commit
)

type fileChange struct {
	changed bool
	lines   []lineRange // of the current file
}

var (
	unchanged  = fileChange{}
	everyLine  = fileChange{changed: true, lines: []lineRange{{1, math.MaxInt}}}
	goneOrMode = fileChange{changed: true} // deleted, or a submodule moved
)

// listFiles asks git which files the revision and the working tree hold.
func listFiles(root, rev string) (*fileSet, error) {
	input, err := inputfile.NewRoot(root)
	if err != nil {
		return nil, err
	}
	s := &fileSet{root: root, input: input, newHash: sha1.New, changes: map[string]fileChange{}}
	if len(rev) == 2*sha256.Size {
		s.newHash = sha256.New
	}
	tree, err := git(root, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev)
	if err != nil {
		return nil, err
	}
	index, err := git(root, "ls-files", "-z", "--stage")
	if err != nil {
		return nil, err
	}
	others, err := git(root, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	if s.tree, err = entries(tree, 2); err != nil {
		return nil, err
	}
	if s.index, err = entries(index, 1); err != nil {
		return nil, err
	}
	s.others = map[string]bool{}
	for _, p := range strings.Split(others, "\x00") {
		if p != "" {
			s.others[p] = true
		}
	}
	return s, nil
}

// entries reads NUL-terminated "fields<TAB>path" records, the object id
// being field oid: "mode type oid" from ls-tree, "mode oid stage" from
// ls-files --stage.
func entries(out string, oid int) (map[string]entry, error) {
	m := map[string]entry{}
	for _, rec := range strings.Split(out, "\x00") {
		if rec == "" {
			continue
		}
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("git: cannot read file entry %q", clipRecord(rec))
		}
		m[path] = entry{mode: f[0], oid: f[oid]}
	}
	return m, nil
}

func clipRecord(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// change is what changed in the file at rel.
func (s *fileSet) change(rel string) fileChange {
	s.compare([]string{rel})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changes[rel]
}

// anyChanged reports whether any file whose path matches changed: files
// only one side has first, then the others compared.
func (s *fileSet) anyChanged(match func(string) bool) bool {
	var both []string
	for p := range s.tree {
		if !match(p) {
			continue
		}
		if _, tracked := s.index[p]; !tracked {
			return true // deleted, or no longer tracked
		}
		both = append(both, p)
	}
	for p := range s.index {
		if _, old := s.tree[p]; !old && match(p) {
			return true
		}
	}
	for p := range s.others {
		if match(p) {
			return true
		}
	}
	s.compare(both)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range both {
		if s.changes[p].changed {
			return true
		}
	}
	return false
}

// compare works out the changes of the files at rels not compared yet:
// what can be told from the lists and object ids first, then a line diff
// for each file whose content differs, with the old contents read from
// one `git cat-file --batch`.
func (s *fileSet) compare(rels []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var todo []string
	var cur [][]byte
	var oids []string
	for _, r := range rels {
		if _, done := s.changes[r]; done {
			continue
		}
		c, data, oid := s.compareOne(r)
		s.changes[r] = c
		if oid != "" {
			todo, cur, oids = append(todo, r), append(cur, data), append(oids, oid)
		}
	}
	if len(todo) == 0 {
		return
	}
	old, err := s.blobs(oids)
	for i, r := range todo {
		if err != nil || old[i] == nil {
			continue // stays every line
		}
		lines, differ := changedLines(old[i], cur[i])
		s.changes[r] = fileChange{changed: differ, lines: lines}
	}
}

// compareOne tells a file's change from the lists and its object id; when
// that takes the old content, it returns the current one and the old
// object id (with every line changed until the diff says otherwise).
func (s *fileSet) compareOne(rel string) (fileChange, []byte, string) {
	old, inTree := s.tree[rel]
	now, inIndex := s.index[rel]
	if old.mode == modeGitlink || now.mode == modeGitlink {
		if old != now {
			return goneOrMode, nil, ""
		}
		return unchanged, nil, ""
	}
	if !inIndex && !s.others[rel] {
		// Neither tracked nor untracked: ignored, or not there at all.
		if inTree {
			return goneOrMode, nil, ""
		}
		return unchanged, nil, ""
	}
	data, link, err := s.readWork(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist) && inTree:
		return goneOrMode, nil, ""
	case errors.Is(err, fs.ErrNotExist):
		return unchanged, nil, ""
	case err != nil, !inTree, s.others[rel], link != (old.mode == modeSymlink):
		// Unreadable, added, untracked, or a link that became a file or
		// the other way round.
		return everyLine, nil, ""
	case s.objectID(data) == old.oid:
		return unchanged, nil, ""
	}
	return everyLine, data, old.oid
}

// readWork reads a file of the working tree as git stores it: a
// symbolic link as its target, a regular file inside the repository as
// its bytes, bounded.
func (s *fileSet) readWork(rel string) (data []byte, link bool, err error) {
	p := filepath.Join(s.root, filepath.FromSlash(rel))
	st, err := os.Lstat(p)
	if err != nil {
		return nil, false, err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(p)
		return []byte(target), true, err
	}
	data, err = s.input.ReadFile(p, 0)
	return data, false, err
}

// objectID is the id git gives a blob holding data.
func (s *fileSet) objectID(data []byte) string {
	h := s.newHash()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// blobs reads objects' contents with one `git cat-file --batch`, which
// prints them as stored: no filter or textconv runs. A missing object, or
// one larger than any file lint reads, comes back nil.
func (s *fileSet) blobs(oids []string) ([][]byte, error) {
	cmd := workspace.Git(s.root, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(oids, "\n") + "\n")
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	out, readErr := readBatch(bufio.NewReader(pipe), len(oids))
	if readErr != nil {
		_, _ = io.Copy(io.Discard, pipe)
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return out, readErr
}

// readBatch reads n answers of `git cat-file --batch`: "<oid> <type>
// <size>\n<content>\n", or "<oid> missing\n".
func readBatch(r *bufio.Reader, n int) ([][]byte, error) {
	out := make([][]byte, n)
	for i := range out {
		header, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			continue // missing, or ambiguous: no content follows
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return nil, fmt.Errorf("git cat-file: cannot read %q", clipRecord(header))
		}
		if size > inputfile.MaxBytes {
			if _, err := io.CopyN(io.Discard, r, size+1); err != nil {
				return nil, fmt.Errorf("git cat-file: %w", err)
			}
			continue
		}
		data := make([]byte, size+1)
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		if f[1] == "blob" {
			out[i] = data[:size]
		}
	}
	return out, nil
}
