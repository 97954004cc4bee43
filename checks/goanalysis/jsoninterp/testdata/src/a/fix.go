package a

import (
	"fmt"
	"net/http"
	"strings"
)

func loginRequest(user, token string) (*http.Request, error) {
	body := fmt.Sprintf(`{"username": "%s", "password": "%s"}`, user, token) // want `fmt.Sprintf builds JSON text with user, token pasted`
	return http.NewRequest(http.MethodPost, "https://hub.example.test/v2/users/login", strings.NewReader(body))
}
