package plain

import (
	"fmt"
	"testing"
)

// A test's own fixtures pasted into a body: not reported, tests are not
// read.
func TestBody(t *testing.T) {
	for _, state := range []string{"open", "closed"} {
		_ = fmt.Sprintf(`{"state":"%s"}`, state)
	}
}
