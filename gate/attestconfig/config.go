package attestconfig

import (
	"path/filepath"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/registry/attest"
)

// configured reports whether gate.attestations asks for anything at all.
func configured(a config.Attestations) bool {
	return a.Required || a.TrustedRoot != "" || a.PublicKey != "" || len(a.PredicateTypes) > 0
}

// newVerifier loads the trust material gate.attestations names and builds
// a verifier. Relative paths resolve from baseDir, the directory of the
// configuration file (an absolute --trusted-root is left as it is).
func newVerifier(a config.Attestations, baseDir string) (*attest.Verifier, error) {
	o := attest.Options{Identity: identity(a.Identity)}
	if a.TrustedRoot != "" {
		roots, err := attest.LoadTrustedRoots(relTo(baseDir, a.TrustedRoot))
		if err != nil {
			return nil, err
		}
		o.Roots = roots
	}
	if a.PublicKey != "" {
		k, err := attest.LoadPublicKey(relTo(baseDir, a.PublicKey))
		if err != nil {
			return nil, err
		}
		o.PublicKey = k
	}
	return attest.NewVerifier(o)
}

// summary is the run-wide part of the facts: what was asked for.
func summary(a config.Attestations, keyBased bool) attest.Summary {
	return attest.Summary{
		Enabled:        true,
		Required:       a.Required,
		KeyBased:       keyBased,
		Identity:       identity(a.Identity),
		PredicateTypes: append([]string{}, a.PredicateTypes...),
	}
}

func identity(id config.Identity) attest.Identity {
	return attest.Identity{
		Issuer:           id.Issuer,
		SANRegex:         id.SANRegex,
		SourceRepository: id.SourceRepository,
		SourceRef:        id.SourceRef,
		BuildSignerURI:   id.BuildSignerURI,
	}
}

func relTo(base, p string) string {
	if filepath.IsAbs(p) || base == "" {
		return p
	}
	return filepath.Join(base, p)
}
