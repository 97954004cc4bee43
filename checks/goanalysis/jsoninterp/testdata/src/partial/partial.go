// Package partial imports a package that is not there: its types are
// unknown, the standard library's are not.
package partial

import (
	"fmt"
	"strings"

	"example.invalid/registry/client"
)

func login(cfg client.Config) string {
	return fmt.Sprintf(`{"username":"%s","password":"%s"}`, cfg.User, cfg.Token) // want `fmt.Sprintf builds JSON text with cfg.User, cfg.Token pasted`
}

func concat(cfg client.Config) string {
	return `{"token":"` + cfg.Token + `"}` // want `string concatenation builds JSON text with cfg.Token pasted`
}

// member is a JSON piece: found from the literals' syntax even though
// cfg's type is unknown.
func member(cfg client.Config) string {
	return "\"serviceId\": \"" + cfg.ID + "\", " // want `string concatenation builds JSON text with cfg.ID pasted`
}

func build(cfg client.Config) string {
	var b strings.Builder
	b.WriteString(`{"token":"`)
	b.WriteString(cfg.Token) // want `strings.Builder builds JSON text with cfg.Token pasted`
	b.WriteString(`"}`)
	return b.String()
}

func fine(cfg client.Config) string {
	return fmt.Sprintf(`{"retries":%d,"debug":%v}`, cfg.Retries, cfg.Debug) // unknown types, not under %s inside quotes
}
