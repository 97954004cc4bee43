package plain

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Values whose alphabet has no quote, backslash or control character
// cannot break a JSON string: an attestation subject's hex digest, a
// certificate's base64, a counter.
func quiet(blob []byte, n int) {
	sum := sha256.Sum256(blob)
	digest := hex.EncodeToString(sum[:])
	_ = fmt.Sprintf(`{"subject":{"sha256":"%s"}}`, digest)
	_ = fmt.Sprintf(`{"raw":"%s"}`, base64.StdEncoding.EncodeToString(blob))
	_ = `{"count":"` + strconv.Itoa(n) + `"}`

	kind := "application/vnd.in-toto+json" // a constant that needs no escaping
	if n > 1 {
		kind = "application/vnd.dsse+json"
	}
	_ = fmt.Sprintf(`{"payloadType":"%s"}`, kind)

	encode := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	cert := encode(blob)
	_ = `{"rawBytes":"` + cert + `"}`

	_ = fmt.Sprintf(`{"id":"%s"}`, shortID(blob))
}

func shortID(b []byte) string {
	id := hex.EncodeToString(b)
	if len(id) > 12 {
		return id[:12] // part of a plain string
	}
	return id
}

// Each of these can hold any text, so each is still reported.
func loud(user string, blob []byte, names []string) {
	_ = fmt.Sprintf(`{"user":"%s"}`, user) // want `pasted`

	label := "build"
	if len(names) > 0 {
		label = names[0] // one assignment of arbitrary text spoils the variable
	}
	_ = fmt.Sprintf(`{"label":"%s"}`, label) // want `pasted`

	quoted := `say "hi"`                         // a constant that needs escaping
	_ = fmt.Sprintf(`{"greeting":"%s"}`, quoted) // want `pasted`

	joined := strings.Join(names, ",")        // not an encoder
	_ = fmt.Sprintf(`{"names":"%s"}`, joined) // want `pasted`

	enc := hex.EncodeToString(blob)
	set(&enc)                            // its address is taken: anything may be stored through it
	_ = fmt.Sprintf(`{"enc":"%s"}`, enc) // want `pasted`

	var last string
	for _, last = range names { // set by a range clause
	}
	_ = fmt.Sprintf(`{"last":"%s"}`, last) // want `pasted`

	pick := func(i int) string {
		if i < 0 {
			return user
		}
		return strconv.Itoa(i)
	}
	_ = fmt.Sprintf(`{"pick":"%s"}`, pick(1)) // want `pasted`
}

func set(p *string) { *p = `"` }

// A time in a layout without quotes has none.
func stamp(t time.Time) string {
	return fmt.Sprintf(`{"at":"%s"}`, t.Format(time.RFC3339))
}

// Go source that a code generator writes opens with [ but is not JSON.
func goLiteral(name string) string {
	return fmt.Sprintf(`[]any{"%s-item1", "%s-item2"}`, name, name)
}

// A value passed along a chain of variables stays plain, however long.
func chain(blob []byte) string {
	a := hex.EncodeToString(blob)
	b := a
	c := b
	d := c
	e := d
	return fmt.Sprintf(`{"digest":"%s"}`, e)
}

// Variables that feed each other in a cycle are not followed to the
// end: reported, the safe side.
func cycle(blob []byte, n int) string {
	a := hex.EncodeToString(blob)
	b := a
	for i := 0; i < n; i++ {
		a = b
		b = a
	}
	return fmt.Sprintf(`{"digest":"%s"}`, b) // want `pasted`
}

// A parameter is set by callers this cannot see, whatever the body
// assigns to it elsewhere.
func param(s string, raw bool) string {
	if !raw {
		s = hex.EncodeToString([]byte(s))
	}
	return fmt.Sprintf(`{"s":"%s"}`, s) // want `pasted`
}
