package kinds

import "fmt"

type token string

type secret string

func (s secret) String() string { return "***" }

// Values that print as their own text are converted; the rest get no fix.
func bodies(t token, raw []byte, s secret, v any, user string) {
	_ = fmt.Sprintf(`{"token":"%s","raw":"%s"}`, t, raw) // want `pasted`
	_ = fmt.Sprintf(`{"secret":"%s"}`, s)                // want `pasted`
	_ = fmt.Sprintf(`{"raw":"%v"}`, raw)                 // want `pasted`
	_ = fmt.Sprintf(`{"any":"%s"}`, v)                   // want `pasted`
	_ = fmt.Sprintf(`{"a":"%s","a":"%s"}`, user, user)   // want `pasted`
}
