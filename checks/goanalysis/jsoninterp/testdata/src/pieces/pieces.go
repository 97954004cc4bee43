// Package pieces builds JSON one member at a time with +.
package pieces

// member starts with a key, not with a brace: still JSON.
func member(id string) string {
	return "\"serviceId\": \"" + id + "\", " // want `string concatenation builds JSON text with id pasted inside JSON quotes`
}

// next continues an object after a comma.
func next(region string) string {
	return `, "region": "` + region + `"` // want `string concatenation builds JSON text with region pasted`
}

// count pastes a number outside quotes: not reported.
func count(n string) string {
	return `"count": ` + n
}

// yamlish has an unquoted key: not JSON.
func yamlish(name string) string {
	return "name: \"" + name + "\""
}

// fixed pastes a constant that needs no escaping.
func fixed() string {
	const env = "prod"
	return `"env": "` + env + `"`
}
