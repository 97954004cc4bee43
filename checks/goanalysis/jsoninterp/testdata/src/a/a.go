package a

import (
	"fmt"
	"io"
	"strings"
)

type login struct{ user, pass string }

func bodies(l login, w io.Writer, n int, raw []byte, v any) {
	_ = fmt.Sprintf(`{"username":"%s","password":"%s"}`, l.user, l.pass) // want `fmt.Sprintf builds JSON text with l.user, l.pass pasted inside JSON quotes`
	_ = fmt.Sprintf(`{"count":%d,"name":"%v"}`, n, v)                    // want `with v pasted`
	fmt.Fprintf(w, "[\"%s\"]", raw)                                      // want `fmt.Fprintf builds JSON text with raw pasted`
	_ = `{"username":"` + l.user + `","n":` + fmt.Sprint(n) + `}`        // want `string concatenation builds JSON text with l.user pasted inside JSON quotes`
	_ = strings.NewReader("{\"token\": \"" + l.pass + "\"}")             // want `string concatenation builds JSON text with l.pass pasted`
}

func fine(l login, n int) {
	_ = fmt.Sprintf(`{"count":%d}`, n)           // numbers need no quoting
	_ = fmt.Sprintf(`{"kind":"%s"}`, "login")    // a constant without quotes or backslashes
	_ = fmt.Sprintf(`{"name":%q}`, l.user)       // %q is not inside JSON quotes (its own problem, not this rule)
	_ = fmt.Sprintf(`user %s logged in`, l.user) // not JSON
	_ = fmt.Sprintf(`{"a":"100%%","b":%d}`, n)   // %% is not a hole
	_ = `{"n":` + fmt.Sprint(n) + `}`            // outside quotes
	_ = "user " + l.user + " said \"hi\""        // not JSON
	_ = fmt.Sprintf(`{"x":"%[1]s"}`, l.user)     // explicit indexes: not modelled
}

func constEscaped() string {
	return fmt.Sprintf(`{"path":"%s"}`, `C:\tmp`) // want `with .C:.+tmp. pasted`
}
