package registry

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// Digest algorithms the OCI image specification registers, with the
// length of their hex encoding. Content under any other algorithm cannot
// be verified, so a fact that rests on it is unknown, never present.
var algorithms = map[string]struct {
	hexLen int
	new    func() hash.Hash
}{
	"sha256": {64, sha256.New},
	"sha512": {128, sha512.New},
}

// parseDigest splits "algorithm:hex" and checks it strictly: a registered
// algorithm and exactly its length of lower-case hex.
func parseDigest(d string) (alg, encoded string, err error) {
	alg, encoded, ok := strings.Cut(d, ":")
	if !ok || alg == "" || encoded == "" {
		return "", "", fmt.Errorf("malformed digest %q: want algorithm:hex", clipRef(d))
	}
	a, known := algorithms[alg]
	if !known {
		return "", "", fmt.Errorf("digest %s uses algorithm %q, which releasegate cannot verify (it verifies sha256 and sha512)",
			clipRef(d), clipRef(alg))
	}
	if len(encoded) != a.hexLen || strings.Trim(encoded, "0123456789abcdef") != "" {
		return "", "", fmt.Errorf("malformed digest %q: %s needs %d lower-case hex digits", clipRef(d), alg, a.hexLen)
	}
	return alg, encoded, nil
}

// digestAs returns "alg:<hex>" of b; alg must be registered.
func digestAs(alg string, b []byte) string {
	h := algorithms[alg].new()
	_, _ = h.Write(b) // a hash never fails to write
	return alg + ":" + hex.EncodeToString(h.Sum(nil))
}

// verifyDigest checks b against want, whichever registered algorithm it
// names.
func verifyDigest(want string, b []byte) error {
	alg, _, err := parseDigest(want)
	if err != nil {
		return err
	}
	if got := digestAs(alg, b); got != want {
		return fmt.Errorf("body does not match its digest: got %s", got)
	}
	return nil
}

// isDigest reports whether a reference is a digest rather than a tag: a
// tag cannot contain ':'. Whether the digest is usable is parseDigest's
// question.
func isDigest(ref string) bool { return strings.Contains(ref, ":") }

// sameAlgorithm reports whether two digests use the same algorithm, so
// comparing them says something.
func sameAlgorithm(a, b string) bool {
	aa, _, _ := strings.Cut(a, ":")
	ba, _, _ := strings.Cut(b, ":")
	return aa == ba
}

// clipRef keeps a value from a hostile registry short in messages.
func clipRef(s string) string {
	if len(s) > 140 {
		return s[:140] + "…"
	}
	return s
}
