// Package hub is a small Docker Hub client, used from package a to test
// flow across packages.
package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func PushToken() string { return os.Getenv("DOCKERHUB_TOKEN_RW") } // want PushToken:`token from DOCKERHUB_TOKEN_RW`

func DeleteToken() string { // want DeleteToken:`token from DOCKERHUB_TOKEN_DELETE`
	tok, ok := os.LookupEnv("DOCKERHUB_TOKEN_DELETE")
	if !ok {
		panic("DOCKERHUB_TOKEN_DELETE is not set")
	}
	return strings.TrimSpace(tok)
}

// Login trades a token for a JWT.
func Login(ctx context.Context, user, password string) (string, error) {
	body, err := json.Marshal(map[string]string{"username": user, "password": password})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://hub.docker.com/v2/users/login", strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// DeleteTag removes a tag with the Hub API; jwt authorizes it.
func DeleteTag(ctx context.Context, jwt, repo, tag string) error { // want DeleteTag:`delete credential: param1 -> HTTP DELETE at hub/hub.go:59`
	url := fmt.Sprintf("https://hub.docker.com/v2/repositories/%s/tags/%s/", repo, tag)
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "JWT "+jwt)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Untag removes a tag through the registry API.
func Untag(ref string, auth authn.Authenticator) error { // want Untag:`delete credential: param1 -> remote.Delete at hub/hub.go:72`
	tag, err := name.NewTag(ref)
	if err != nil {
		return err
	}
	return remote.Delete(tag, remote.WithAuth(auth))
}
