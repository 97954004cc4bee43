// Package p imports a package that is not there.
package p

import (
	"os"
	"strings"

	"example.invalid/registry/client"
)

var home = os.Getenv("HOME")

var conn = client.Dial(home)

func Token() string { // want `Token: built`
	return strings.TrimSpace(os.Getenv("TOKEN"))
}

func Push(ref string) error { // want `Push: no body`
	return conn.Push(ref)
}

func Tag(c client.Config, tag string) string { // want `Tag: built`
	return tag + ":" + home
}

func Wrap() func() string { // want `Wrap: built`
	return func() string { return home } // want `Wrap\$1: built`
}

func Unwrap(c client.Config) func() string { // want `Unwrap: no body`
	return func() string { return c.Token }
}
