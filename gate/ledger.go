package gate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/internal/outputfile"
	"github.com/releasegate/releasegate/registry"
)

// Ledger records, right after a push, which digests each tag of a release
// points at, so `gate verify --ledger` can later prove nothing moved.
type Ledger struct {
	Version    int                            `json:"version"`
	Release    string                         `json:"release"`
	RecordedAt string                         `json:"recorded_at,omitempty"`
	Images     map[string]map[string]Expected `json:"images"` // image -> tag -> digests
}

// ReadLedger loads and checks a ledger file: a regular file of bounded
// size (not a FIFO or a device).
func ReadLedger(path string) (*Ledger, error) {
	anywhere, err := inputfile.NewRoot("")
	if err != nil {
		return nil, err
	}
	b, err := anywhere.ReadFile(path, 0)
	if err != nil {
		return nil, fmt.Errorf("--ledger: %w", err)
	}
	return ParseLedger(path, b)
}

// ParseLedger decodes a ledger strictly: unknown fields and digests that
// are not sha256 are errors naming the file.
func ParseLedger(path string, b []byte) (*Ledger, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l Ledger
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	if l.Version != 1 {
		return nil, fmt.Errorf("ledger %s: unsupported version %d (want 1)", path, l.Version)
	}
	if l.Release == "" || len(l.Images) == 0 {
		return nil, fmt.Errorf("ledger %s: needs a release and at least one image", path)
	}
	for img, tags := range l.Images {
		for tag, e := range tags {
			if e.Digest == "" && len(e.Platforms) == 0 {
				return nil, fmt.Errorf("ledger %s: %s:%s records no digest", path, img, tag)
			}
			for _, d := range append([]string{e.Digest}, values(e.Platforms)...) {
				if d != "" && !validDigest(d) {
					return nil, fmt.Errorf("ledger %s: %s:%s: %q is not a sha256 digest", path, img, tag, d)
				}
			}
		}
	}
	return &l, nil
}

func validDigest(d string) bool {
	if len(d) != len("sha256:")+64 || d[:7] != "sha256:" {
		return false
	}
	for _, c := range d[7:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// LedgerFrom builds a ledger from record-phase facts. Every version and
// per-arch tag must be present: a ledger with holes would make a later
// verify pass on tags it never recorded.
func LedgerFrom(f *Facts, now time.Time) (*Ledger, error) { return ledgerFrom(f, now, false) }

// PartialLedgerFrom records what a run has pushed so far: the tags that
// exist, skipping absent ones (`gate record --partial`, after each push,
// so a failed release leaves the ledger `gate cleanup` undoes). A tag
// that could not be established is still an error: recording around it
// would let cleanup miss it.
func PartialLedgerFrom(f *Facts, now time.Time) (*Ledger, error) { return ledgerFrom(f, now, true) }

func ledgerFrom(f *Facts, now time.Time, partial bool) (*Ledger, error) {
	l := &Ledger{Version: 1, Release: f.Version, RecordedAt: now.UTC().Format(time.RFC3339), Images: map[string]map[string]Expected{}}
	for _, img := range f.Images {
		tags := map[string]Expected{}
		for _, t := range append([]registry.TagFact{img.Version}, img.Arch...) {
			switch t.State {
			case registry.Present:
			case registry.Absent:
				if partial {
					continue
				}
				return nil, fmt.Errorf("cannot record %s: the tag does not exist", t.Ref)
			default:
				return nil, fmt.Errorf("cannot record %s: %s", t.Ref, t.Error)
			}
			e := Expected{Digest: t.Digest}
			if t.Index {
				e.Platforms = t.Platforms
			}
			tags[t.Tag] = e
		}
		for _, e := range img.Errors {
			return nil, fmt.Errorf("cannot record %s: %s", img.Image, e)
		}
		l.Images[img.Image] = tags
	}
	return l, nil
}

// WriteLedger writes the ledger as indented JSON, through a temporary
// file renamed into place; a path that is a symbolic link is refused.
func WriteLedger(path string, l *Ledger) error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err }
	if err := outputfile.Write(path, write); err != nil {
		return fmt.Errorf("--ledger: %w", err)
	}
	return nil
}
