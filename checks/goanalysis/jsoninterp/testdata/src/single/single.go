package single

import "fmt"

// fmt is imported alone and used only here: json takes its place.
func body(user string) string {
	return fmt.Sprintf(`{"user": "%s"}`, user) // want `fmt.Sprintf builds JSON text with user pasted`
}
