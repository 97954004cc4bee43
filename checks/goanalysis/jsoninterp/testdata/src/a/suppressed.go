package a

import "fmt"

// go vet and golangci-lint honour releasegate's inline suppressions.
func suppressed(slug string, n int) (string, string, string) {
	//releasegate:ignore[go-json-interpolation] slug is validated against [a-z0-9-]+
	x := fmt.Sprintf(`{"slug":"%s","n":%d}`, slug, n)
	y := fmt.Sprintf(`{"slug":"%s","n":%d}`, slug, n) //releasegate:ignore[go-json-interpolation] same here
	//releasegate:ignore[go-json-interpolation]
	z := fmt.Sprintf(`{"slug":"%s","n":%d}`, slug, n) // want `with slug pasted`
	return x, y, z
}

func otherRule(slug string, n int) string {
	//releasegate:ignore[go-delete-scope] names another rule
	return fmt.Sprintf(`{"slug":"%s","n":%d}`, slug, n) // want `with slug pasted`
}
