// Package remote is a type stub of go-containerregistry's remote.
package remote

import (
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

type Option func(*options) error

type options struct{ auth authn.Authenticator }

func WithAuth(a authn.Authenticator) Option {
	return func(o *options) error { o.auth = a; return nil }
}

func Delete(ref name.Reference, opts ...Option) error { return nil }
