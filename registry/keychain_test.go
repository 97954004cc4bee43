package registry_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/registry"
)

// TestCredentialWarnings: a Docker config that only names a credential
// helper for a registry, with the helper not installed (Docker Desktop's
// config mounted into a pod), is reported; one with credentials, or whose
// helper is installed, is not.
func TestCredentialWarnings(t *testing.T) {
	const host = "registry.example.com:5050"
	installed := func(name string) (string, error) {
		if name == "docker-credential-ecr-login" {
			return "/usr/bin/" + name, nil
		}
		return "", errors.New("not found")
	}
	for _, tt := range []struct {
		name, config string
		warn         bool
	}{
		{"credsStore only", `{"auths":{},"credsStore":"desktop"}`, true},
		{"credHelpers for the host", `{"credHelpers":{"` + host + `":"gcloud"}}`, true},
		{"auths key without an auth inside (as Docker Desktop writes)", `{"auths":{"other.example":{}},"credsStore":"osxkeychain"}`, true},
		{"credentials in auths", `{"auths":{"` + host + `":{"auth":"dTpw"}},"credsStore":"desktop"}`, false},
		{"auths key as a URL", `{"auths":{"https://` + host + `/v1/":{"auth":"dTpw"}},"credsStore":"desktop"}`, false},
		{"helper installed", `{"credsStore":"ecr-login"}`, false},
		{"helper for another host only", `{"auths":{"` + host + `":{"auth":"dTpw"}},"credHelpers":{"gcr.io":"gcloud"}}`, false},
		{"no helper, no credentials", `{"auths":{}}`, false},
		{"not JSON", `credsStore: desktop`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"DOCKER_CONFIG": dir}
			got := registry.CredentialWarnings(func(k string) string { return env[k] }, installed, []string{host})
			if (len(got) > 0) != tt.warn {
				t.Fatalf("warnings %q, want a warning: %v", got, tt.warn)
			}
			if tt.warn && !strings.Contains(got[0], filepath.Join(dir, "config.json")) {
				t.Errorf("warning %q does not name the config file", got[0])
			}
		})
	}
	none := registry.CredentialWarnings(func(string) string { return "" }, installed, []string{host})
	if len(none) != 0 {
		t.Errorf("no config at all: %q", none)
	}
}
