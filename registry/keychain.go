package registry

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

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

// maxDockerConfig bounds how much of a Docker config file is read.
const maxDockerConfig = 1 << 20

// dockerConfig is what CredentialWarnings reads of a Docker config file.
type dockerConfig struct {
	Auths       map[string]json.RawMessage `json:"auths"`
	CredsStore  string                     `json:"credsStore"`
	CredHelpers map[string]string          `json:"credHelpers"`
}

// CredentialWarnings explains, for each registry host, why the Docker
// config will give no credentials although it names some: it has no
// "auths" entry for the host, only a credential helper ("credsStore" or
// "credHelpers"), and that helper (docker-credential-NAME) is not on
// PATH. That is a Docker Desktop config mounted into a pod, which holds no
// credentials at all: the requests go anonymous and fail with 401 or see
// only public repositories. getenv and lookPath are os.Getenv and
// exec.LookPath outside tests.
func CredentialWarnings(getenv func(string) string, lookPath func(string) (string, error), hosts []string) []string {
	file := dockerConfigFile(getenv)
	if file == "" {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil // no config: anonymous by choice
	}
	defer f.Close()
	var cfg dockerConfig
	if err := json.NewDecoder(io.LimitReader(f, maxDockerConfig)).Decode(&cfg); err != nil {
		return []string{fmt.Sprintf("%s: not a Docker config (%v): registry requests go without its credentials", file, err)}
	}
	authed := map[string]bool{}
	for key := range cfg.Auths {
		authed[configHost(key)] = true
	}
	var out []string
	for _, host := range hosts {
		helper := cfg.CredsStore
		if h, ok := cfg.CredHelpers[host]; ok {
			helper = h
		}
		if authed[host] || helper == "" {
			continue
		}
		if _, err := lookPath("docker-credential-" + helper); err == nil {
			continue
		}
		out = append(out, fmt.Sprintf("%s has no credentials for %s, only the credential helper %q, and docker-credential-%s is not on PATH: "+
			"requests to %s go anonymous; put the credentials in \"auths\" (e.g. kubectl create secret docker-registry)", file, host, helper, helper, host))
	}
	return out
}

// dockerConfigFile is where the Docker config keychain looks:
// $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
func dockerConfigFile(getenv func(string) string) string {
	if dir := getenv("DOCKER_CONFIG"); dir != "" {
		return filepath.Join(dir, "config.json")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".docker", "config.json")
	}
	return ""
}

// configHost is the registry host of an "auths" key, which may be a
// host, a host:port or a URL ("https://index.docker.io/v1/").
func configHost(key string) string {
	if u, err := url.Parse(key); err == nil && u.Host != "" {
		return u.Host
	}
	host, _, _ := strings.Cut(key, "/")
	return host
}
