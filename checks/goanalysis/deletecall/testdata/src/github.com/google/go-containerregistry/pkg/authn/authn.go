// Package authn is a type stub of go-containerregistry's authn for the
// analyzer tests (GOPATH mode cannot see the module cache).
package authn

type AuthConfig struct {
	Username, Password, Auth, IdentityToken, RegistryToken string
}

type Authenticator interface{ Authorization() (*AuthConfig, error) }

type Basic struct{ Username, Password string }

func (b *Basic) Authorization() (*AuthConfig, error) {
	return &AuthConfig{Username: b.Username, Password: b.Password}, nil
}

type Bearer struct{ Token string }

func (b *Bearer) Authorization() (*AuthConfig, error) {
	return &AuthConfig{RegistryToken: b.Token}, nil
}

func FromConfig(cfg AuthConfig) Authenticator { return &Basic{cfg.Username, cfg.Password} }
