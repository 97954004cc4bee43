// Package b holds env wrappers used from package a.
package b

import (
	"fmt"
	"os"
)

// Env is a plain wrapper.
func Env(name string) string { return os.Getenv(name) } // want Env:`envWrapper\[0\] via os.Getenv`

// MustEnv wraps a wrapper; the second parameter is not a name.
func MustEnv(name, why string) string { // want MustEnv:`envWrapper\[0\] via Env`
	v := Env(name)
	if v == "" {
		panic(fmt.Sprintf("%s is needed to %s", name, why))
	}
	return v
}

// Legacy reads the retired variable itself.
func Legacy() string {
	return os.Getenv("DOCKERHUB_TOKEN") // want `os.Getenv reads DOCKERHUB_TOKEN, a name of the DOCKERHUB_TOKEN token family that is not a declared secret; use one of DOCKERHUB_TOKEN_RW, DOCKERHUB_TOKEN_DELETE`
}
