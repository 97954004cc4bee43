package gate

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/releasegate/releasegate/registry"
)

func TestAttestTargets(t *testing.T) {
	repo, err := name.NewRepository("registry.example/acme/app")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		version registry.TagFact
		want    []string // platform=digest
	}{
		{
			name: "index with a variant listed twice",
			version: registry.TagFact{State: registry.Present, Index: true, Digest: "sha256:idx", Platforms: map[string]string{
				"linux/amd64": "sha256:amd", "linux/arm64": "sha256:arm", "linux/arm64/v8": "sha256:arm",
			}},
			want: []string{"index=sha256:idx", "linux/amd64=sha256:amd", "linux/arm64=sha256:arm"},
		},
		{
			name:    "single image",
			version: registry.TagFact{State: registry.Present, Digest: "sha256:one", Platforms: map[string]string{"linux/amd64": "sha256:one"}},
			want:    []string{"linux/amd64=sha256:one"},
		},
		{
			name:    "single image without a platform",
			version: registry.TagFact{State: registry.Present, Digest: "sha256:one", Platforms: map[string]string{}},
			want:    []string{"image=sha256:one"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tg := range attestTargets(repo, tc.version) {
				got = append(got, tg.Platform+"="+tg.Digest)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}
