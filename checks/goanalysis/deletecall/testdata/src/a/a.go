package a

import (
	"context"
	"net/http"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"hub"
)

const user = "acme"

func directBad() error {
	tag, _ := name.NewTag("docker.io/acme/app:1.0-amd64")
	auth := &authn.Basic{Username: user, Password: os.Getenv("DOCKERHUB_TOKEN_RW")}
	return remote.Delete(tag, remote.WithAuth(auth)) // want `remote.Delete is authorized by a credential derived from DOCKERHUB_TOKEN_RW \(read by os.Getenv at a/a.go:19\), a secret declared without the delete scope \(scopes: read, write\); authorize deletes with DOCKERHUB_TOKEN_DELETE`
}

func directGood() error {
	tag, _ := name.NewTag("docker.io/acme/app:1.0-amd64")
	auth := authn.FromConfig(authn.AuthConfig{Username: user, Password: os.Getenv("DOCKERHUB_TOKEN_DELETE")})
	return remote.Delete(tag, remote.WithAuth(auth))
}

// The real Docker Hub flow: the token buys a JWT, the JWT deletes.
func loginThenDeleteBad(ctx context.Context) error {
	jwt, err := hub.Login(ctx, user, hub.PushToken())
	if err != nil {
		return err
	}
	return hub.DeleteTag(ctx, jwt, "acme/app", "1.0-arm64") // want `DeleteTag sends a DELETE \(HTTP DELETE at hub/hub.go:\d+\) authorized by its argument, derived from DOCKERHUB_TOKEN_RW \(read by os.Getenv at hub/hub.go:\d+\)`
}

func loginThenDeleteGood(ctx context.Context) error {
	jwt, err := hub.Login(ctx, user, hub.DeleteToken())
	if err != nil {
		return err
	}
	return hub.DeleteTag(ctx, jwt, "acme/app", "1.0-arm64")
}

func pushOnly(ctx context.Context) (string, error) { // want pushOnly:`token from DOCKERHUB_TOKEN_RW`
	return hub.Login(ctx, user, hub.PushToken()) // a login is not a DELETE
}

func viaUntag() error {
	return hub.Untag("docker.io/acme/app:1.0", &authn.Bearer{Token: os.Getenv("DOCKERHUB_TOKEN_RW")}) // want `Untag sends a DELETE \(remote.Delete at hub/hub.go:\d+\)`
}

// Two local helpers between the token and the DELETE.
func cleanupBad() {
	cleanup(os.Getenv("DOCKERHUB_TOKEN_RW"), "1.0-amd64") // want `cleanup sends a DELETE \(HTTP DELETE at a/a.go:\d+\) authorized by its argument, derived from DOCKERHUB_TOKEN_RW`
}

func cleanupGood() {
	cleanup(os.Getenv("DOCKERHUB_TOKEN_DELETE"), "1.0-amd64")
}

func cleanup(token, tag string) { // want cleanup:`delete credential: param0 -> HTTP DELETE`
	_ = sendDelete("https://hub.docker.com/v2/repositories/acme/app/tags/"+tag+"/", token)
}

func sendDelete(url, secret string) error { // want sendDelete:`delete credential: param1 -> HTTP DELETE`
	req, err := http.NewRequest("DELETE", url, nil)
	if err != nil {
		return err
	}
	req.SetBasicAuth(user, secret)
	_, err = http.DefaultClient.Do(req)
	return err
}

// A name outside the family still may not delete on a family host.
func undeclaredOnFamilyHost() {
	req, _ := http.NewRequest(http.MethodDelete, "https://hub.docker.com/v2/repositories/acme/app/tags/old/", nil)
	req.Header.Add("authorization", "Bearer "+os.Getenv("HUB_PAT"))
	http.DefaultClient.Do(req) // want `HTTP DELETE is authorized by a credential derived from HUB_PAT \(read by os.Getenv at a/a.go:\d+\), not a declared secret with the delete scope, for a DELETE to hub.docker.com`
}

func undeclaredElsewhere() {
	req, _ := http.NewRequest(http.MethodDelete, "https://artifacts.example.test/api/old", nil)
	req.Header.Set("Authorization", "Bearer "+os.Getenv("ARTIFACTS_TOKEN"))
	http.DefaultClient.Do(req)
}

func getRW() {
	req, _ := http.NewRequest(http.MethodGet, "https://hub.docker.com/v2/repositories/acme/app/tags/", nil)
	req.Header.Set("Authorization", "Bearer "+os.Getenv("DOCKERHUB_TOKEN_RW"))
	http.DefaultClient.Do(req) // GET is not a DELETE
}

// env is a wrapper: the variable name is its parameter.
func env(name string) string { return os.Getenv(name) } // want env:`token from \$param0`

func viaWrapper() error {
	tag, _ := name.NewTag("docker.io/acme/app:old")
	return remote.Delete(tag, remote.WithAuth(&authn.Bearer{Token: env("DOCKERHUB_TOKEN_RW")})) // want `derived from DOCKERHUB_TOKEN_RW \(read by env \(os.Getenv\) at a/a.go:\d+\)`
}

func suppressedDelete() error {
	tag, _ := name.NewTag("docker.io/acme/app:old")
	//releasegate:ignore[go-delete-scope] this registry grants delete to the push token
	return remote.Delete(tag, remote.WithAuth(&authn.Bearer{Token: os.Getenv("DOCKERHUB_TOKEN_RW")}))
}
