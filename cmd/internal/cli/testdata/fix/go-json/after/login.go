package login

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Body is the login request body: both values are pasted inside JSON
// quotes, so a token with a quote in it breaks the document.
func Body(user, token string) *strings.Reader {
	return strings.NewReader(func() string {
		b, _ := json.Marshal(map[string]string{"username": user, "password": token})
		return string(b)
	}())
}

// Hello builds JSON the fix does not rewrite: a number is in it.
func Hello(user string, n int) string {
	return fmt.Sprintf(`{"user":"%s","n":%d}`, user, n)
}
