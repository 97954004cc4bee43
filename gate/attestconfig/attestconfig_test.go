package attestconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/config"
)

// TestLoad: no gate.attestations, no checks; trust material that cannot
// be loaded is kept as the error that makes every image unverifiable
// (never a verify run without the checks); a key relative to the
// configuration's directory gives a key-based verifier and the settings.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "release.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		a       config.Attestations
		none    bool   // nil: nothing to check
		loadErr string // in LoadErr
	}{
		{name: "not configured", none: true},
		{name: "required without trust material", a: config.Attestations{Required: true}, loadErr: "no trusted root"},
		{name: "trusted root that is not there", a: config.Attestations{TrustedRoot: "missing.json"}, loadErr: "missing.json"},
		{name: "public key beside the configuration", a: config.Attestations{PublicKey: "release.pub", PredicateTypes: []string{"https://slsa.dev/provenance/v1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Load(tt.a, dir)
			switch {
			case tt.none:
				if got != nil {
					t.Fatalf("Load = %+v, want nil", got)
				}
			case tt.loadErr != "":
				if got == nil || got.Verifier != nil || got.LoadErr == nil || !strings.Contains(got.LoadErr.Error(), tt.loadErr) {
					t.Fatalf("Load = %+v, want no verifier and an error with %q", got, tt.loadErr)
				}
			default:
				if got == nil || got.LoadErr != nil || got.Verifier == nil || !got.Settings.Enabled || !got.Settings.KeyBased ||
					len(got.Settings.PredicateTypes) != 1 {
					t.Fatalf("Load = %+v, want a key-based verifier with the settings", got)
				}
			}
		})
	}
}
