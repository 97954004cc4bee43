package registry

import (
	"github.com/google/go-containerregistry/pkg/authn"
)

// Keychain returns the credentials releasegate uses: the Docker config
// keychain (~/.docker/config.json, credential helpers, Podman's auth file),
// then GITHUB_TOKEN for ghcr.io, which is what a GitHub Actions job has at
// hand without a docker login step. getenv is os.Getenv outside tests.
func Keychain(getenv func(string) string) authn.Keychain {
	return authn.NewMultiKeychain(authn.DefaultKeychain, githubKeychain{getenv})
}

type githubKeychain struct{ getenv func(string) string }

func (k githubKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if r.RegistryStr() != "ghcr.io" {
		return authn.Anonymous, nil
	}
	tok := k.getenv("GITHUB_TOKEN")
	if tok == "" {
		return authn.Anonymous, nil
	}
	// ghcr.io accepts any user name with a token as the password.
	user := k.getenv("GITHUB_ACTOR")
	if user == "" {
		user = "x-access-token"
	}
	return &authn.Basic{Username: user, Password: tok}, nil
}
