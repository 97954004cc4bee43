package catalog

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint"
)

// TestCheckNames: every check is named after its package, the one scheme
// for lint.Check.Name, and no two share a name.
func TestCheckNames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		if seen[c.Name] {
			t.Errorf("two checks are named %q", c.Name)
		}
		seen[c.Name] = true
		if pkg := checkPackage(c); pkg != c.Name {
			t.Errorf("check %q is in package %q: name it after its package", c.Name, pkg)
		}
	}
}

// checkPackage is the last element of the import path of the package
// that defines the check's functions.
func checkPackage(c lint.Check) string {
	fn := any(c.Run)
	if c.Workflow != nil {
		fn = c.Workflow
	}
	name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name() // path/to/pkg.Func
	name = name[strings.LastIndex(name, "/")+1:]
	pkg, _, _ := strings.Cut(name, ".")
	return pkg
}
