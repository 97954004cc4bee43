// Package yamlerr splits yaml.v3 syntax errors ("yaml: line 3: did not
// find expected key") into a line and a message, so every reader of YAML
// in releasegate reports bad input in one shape: file:line: message.
package yamlerr

import (
	"fmt"
	"strings"
)

// Split returns the 1-based line the error names (0 when it names none)
// and the message without the "yaml:" and "line N:" prefixes.
func Split(err error) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		return line, strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return 0, msg
}
