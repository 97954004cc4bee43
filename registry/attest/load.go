package attest

import (
	"path/filepath"

	"github.com/releasegate/releasegate/config"
)

// FromConfig loads the trust material named in the configuration and
// builds a Verifier. trustedRootFlag (--trusted-root) overrides
// gate.attestations.trusted-root and is taken relative to the working
// directory; paths from the configuration are relative to baseDir (the
// directory of the configuration file).
func FromConfig(a config.Attestations, trustedRootFlag, baseDir string) (*Verifier, error) {
	o := Options{Identity: a.Identity}
	rootPath := trustedRootFlag
	if rootPath == "" && a.TrustedRoot != "" {
		rootPath = relTo(baseDir, a.TrustedRoot)
	}
	if rootPath != "" {
		roots, err := LoadTrustedRoots(rootPath)
		if err != nil {
			return nil, err
		}
		o.Roots = roots
	}
	if a.PublicKey != "" {
		k, err := LoadPublicKey(relTo(baseDir, a.PublicKey))
		if err != nil {
			return nil, err
		}
		o.PublicKey = k
	}
	return NewVerifier(o)
}

func relTo(base, p string) string {
	if filepath.IsAbs(p) || base == "" {
		return p
	}
	return filepath.Join(base, p)
}
