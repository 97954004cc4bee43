package attest

import (
	"bufio"
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/cryptoutils"

	"github.com/releasegate/releasegate/internal/inputfile"
)

// maxTrustFile bounds what is read from a trusted root or key file: real
// roots are tens of kilobytes.
const maxTrustFile = 8 << 20

// LoadTrustedRoots reads trusted material from path: one trusted_root.json
// document, or JSON lines with one trusted root per line as
// `gh attestation trusted-root` prints (public-good Sigstore and GitHub's
// own instance). Nothing is fetched: the file is the whole trust.
func LoadTrustedRoots(path string) ([]*root.TrustedRoot, error) {
	b, err := readBounded(path)
	if err != nil {
		return nil, fmt.Errorf("trusted root: %w", err)
	}
	roots, err := ParseTrustedRoots(b)
	if err != nil {
		return nil, fmt.Errorf("trusted root %s%w", path, err)
	}
	return roots, nil
}

// ParseTrustedRoots parses a trusted_root.json document or JSON lines of
// them. Errors start with ":LINE: " (or ": " for a single document) so the
// caller can prefix the file name.
func ParseTrustedRoots(b []byte) ([]*root.TrustedRoot, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, errors.New(": file is empty")
	}
	// A pretty-printed single document spans many lines; JSON lines do not
	// parse as one value. Try the whole file first.
	if json.Valid(trimmed) {
		tr, err := root.NewTrustedRootFromJSON(trimmed)
		if err != nil {
			return nil, fmt.Errorf(": %w", err)
		}
		return []*root.TrustedRoot{tr}, nil
	}
	var roots []*root.TrustedRoot
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), maxTrustFile)
	for line := 1; sc.Scan(); line++ {
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		if !json.Valid(l) {
			return nil, fmt.Errorf(":%d: not a JSON document (want trusted_root.json or one root per line)", line)
		}
		tr, err := root.NewTrustedRootFromJSON(l)
		if err != nil {
			return nil, fmt.Errorf(":%d: %w", line, err)
		}
		roots = append(roots, tr)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	return roots, nil
}

// LoadPublicKey reads a PEM public key (PKIX, e.g. `cosign.pub`).
func LoadPublicKey(path string) (crypto.PublicKey, error) {
	b, err := readBounded(path)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	k, err := cryptoutils.UnmarshalPEMToPublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", path, err)
	}
	return k, nil
}

// readBounded reads a trust file: a regular file (not a FIFO, which would
// hang, nor a device such as /dev/zero, which never ends) of at most
// maxTrustFile bytes.
func readBounded(path string) ([]byte, error) {
	anywhere, err := inputfile.NewRoot("")
	if err != nil {
		return nil, err
	}
	return anywhere.ReadFile(path, maxTrustFile)
}
