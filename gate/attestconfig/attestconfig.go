// Package attestconfig turns gate.attestations from the configuration
// into what a verify run checks attestations with: the verifier
// (registry/attest) over the trust material the configuration names, and
// the settings the gate reports next to the facts.
package attestconfig

import (
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/gate"
)

// Load makes gate.attestations ready for a verify run, or returns nil
// when the configuration asks for no attestation checks. Relative paths
// resolve from configDir. Trust material that cannot be loaded is kept
// as the LoadErr that makes every image unverifiable: the run still
// reports every other fact.
func Load(a config.Attestations, configDir string) *gate.Attestations {
	if !configured(a) {
		return nil
	}
	v, err := newVerifier(a, configDir)
	if err != nil {
		return &gate.Attestations{LoadErr: err}
	}
	return &gate.Attestations{Verifier: v, Settings: summary(a, v.KeyBased())}
}
