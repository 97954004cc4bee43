package a

import "os"

// A name that comes from the lookup itself, round a loop: the analysis
// must end (it once recursed until the stack overflowed) and report
// nothing, as there is no DELETE.
func chase(hops int) string {
	name := "REGISTRY_TOKEN_NAME"
	for i := 0; i < hops; i++ {
		name = os.Getenv(name)
	}
	return name
}
