// Package quoteuse calls another package's quoting helper to build
// JSON: reported at the first such call, once.
package quoteuse

import (
	"fmt"

	"quoting"
)

func payload(repo, digest string) string {
	return fmt.Sprintf(`{"repository":%s,"digest":%s}`, quoting.Wrap(repo), quoting.Wrap(digest)) // want `quoting.Wrap wraps its argument in double quotes without escaping it, and its result is pasted into JSON text \(fmt.Sprintf at quoteuse.go:12\)`
}

func again(repo string) string {
	return `{"repository":` + quoting.Wrap(repo) + `}`
}
