// Package cgobomb hands the C preprocessor an endless include: any tool
// that runs cgo on it grows without bound. releasegate must only read it.
package cgobomb

/*
#include "/dev/zero"
*/
import "C"

import "fmt"

// Label pastes a name into JSON quotes, in the cgo file itself.
func Label(name string) string {
	return fmt.Sprintf(`{"label":"%s"}`, name)
}

// Size asks cgo for a C type no type-checker without cgo knows.
func Size() int { return int(C.sizeof_int) }
