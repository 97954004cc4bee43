package hasjson

import (
	"encoding/json"
	"fmt"
)

var _ = json.Valid

// json is imported already; fmt goes with its last use.
func body(user string) string {
	return fmt.Sprintf(`{"user":"%s"}`, user) // want `fmt.Sprintf builds JSON text with user pasted`
}
