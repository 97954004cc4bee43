package registry_test

import (
	"testing"

	"github.com/releasegate/releasegate/registry"
)

func TestArchTag(t *testing.T) {
	for _, tt := range []struct{ tmpl, p, want string }{
		{"{version}-{arch}", "linux/arm64", "1.2-arm64"},
		{"{version}-{os}-{arch}{variant}", "linux/arm/v7", "1.2-linux-armv7"},
	} {
		if got := registry.ArchTag(tt.tmpl, "1.2", tt.p); got != tt.want {
			t.Errorf("ArchTag(%q, %q) = %q, want %q", tt.tmpl, tt.p, got, tt.want)
		}
	}
}
