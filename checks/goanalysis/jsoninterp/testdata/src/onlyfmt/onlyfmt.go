package onlyfmt

import (
	"fmt"
	"net/http"
	"strings"
)

// The call is the file's only use of fmt: the fix imports encoding/json
// and drops fmt, so the file still compiles.
func login(user, token string) (*http.Request, error) {
	body := fmt.Sprintf(`{"username":"%s","password":"%s"}`, user, token) // want `fmt.Sprintf builds JSON text with user, token pasted`
	return http.NewRequest(http.MethodPost, "https://hub.example.test/v2/users/login", strings.NewReader(body))
}
