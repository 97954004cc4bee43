//go:build unix

package cli

import (
	"fmt"
	"syscall"
)

// replaceWith replaces this process with bin: signals, streams and the exit code
// are then the gate binary's own. It returns only on failure.
func replaceWith(bin string, args, env []string) error {
	err := syscall.Exec(bin, append([]string{bin}, args...), env)
	return fmt.Errorf("start %s: %w", bin, err)
}
