package a

import (
	"os"
	"syscall"

	"b"
)

const legacyName = "DOCKERHUB_" + "TOKEN"

const rwName = "DOCKERHUB_TOKEN_RW"

func direct() {
	_ = os.Getenv("DOCKERHUB_TOKEN")                        // want `os.Getenv reads DOCKERHUB_TOKEN, a name`
	_, _ = os.LookupEnv(legacyName)                         // want `os.LookupEnv reads DOCKERHUB_TOKEN, a name`
	_, _ = syscall.Getenv("DOCKERHUB_TOKEN_RO")             // want `syscall.Getenv reads DOCKERHUB_TOKEN_RO`
	_ = os.ExpandEnv("user=$USER token=${DOCKERHUB_TOKEN}") // want `os.ExpandEnv reads DOCKERHUB_TOKEN,`
}

func declared() {
	_ = os.Getenv("DOCKERHUB_TOKEN_RW")
	_ = os.Getenv(rwName)
	_ = os.Getenv("DOCKERHUB_TOKEN_DELETE")
	_ = os.Getenv("HOME")
	_ = os.ExpandEnv("$DOCKERHUB_TOKEN_DELETE")
	name := pick()
	_ = os.Getenv(name) // not a constant: nothing to decide
}

func pick() string { return "DOCKERHUB_TOKEN" }

// local wrapper, declared after its use to exercise the fixpoint.
func viaLocal() string {
	return getenv2("DOCKERHUB_TOKEN") // want `getenv2 \(which calls getenv1 \(which calls os.Getenv\)\) reads DOCKERHUB_TOKEN`
}

func getenv2(n string) string { return getenv1(n) } // want getenv2:`envWrapper\[0\]`

func getenv1(key string) string { return os.Getenv(key) } // want getenv1:`envWrapper\[0\] via os.Getenv`

func crossPackage() {
	_ = b.Env("DOCKERHUB_TOKEN")                        // want `Env \(which calls os.Getenv\) reads DOCKERHUB_TOKEN`
	_ = b.MustEnv(legacyName, "delete DOCKERHUB_TOKEN") // want `MustEnv \(which calls Env \(which calls os.Getenv\)\) reads DOCKERHUB_TOKEN`
	_ = b.MustEnv("DOCKERHUB_TOKEN_DELETE", "clean up")
}

func suppressedRead() string {
	//releasegate:ignore[go-secret-variant] read only to print a migration warning
	return os.Getenv("DOCKERHUB_TOKEN")
}
