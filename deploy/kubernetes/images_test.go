package kubernetes_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const (
	repoRoot = "../.."
	// exampleVersionFile names the release every example in the
	// repository uses (a tag such as v0.1.0): the one place to change it.
	exampleVersionFile = "docs/example-version.txt"
	imageRepository    = "ghcr.io/releasegate/releasegate"
	versionField       = "{{ .Version }}"
)

// imageRef finds references to the released image in any text.
var imageRef = regexp.MustCompile(regexp.QuoteMeta(imageRepository) + `:([^\s"'` + "`" + `)\]]+)`)

// releasedImageTag renders the image tag .goreleaser.yaml gives the
// example release. GoReleaser's {{ .Version }} is the tag without its
// leading "v", so release v0.1.0 is image 0.1.0.
func releasedImageTag(t *testing.T) string {
	t.Helper()
	tag := readRepoFile(t, exampleVersionFile)
	tag = strings.TrimSpace(tag)
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(tag) {
		t.Fatalf("%s: %q is not a release tag such as v0.1.0", exampleVersionFile, tag)
	}
	var cfg struct {
		Kos []struct {
			Repositories []string `json:"repositories"`
			Tags         []string `json:"tags"`
		} `json:"kos"`
	}
	if err := yaml.Unmarshal([]byte(readRepoFile(t, ".goreleaser.yaml")), &cfg); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	for _, ko := range cfg.Kos {
		for _, tmpl := range ko.Tags {
			if strings.Contains(tmpl, versionField) && len(ko.Repositories) == 1 && ko.Repositories[0] == imageRepository {
				return strings.ReplaceAll(tmpl, versionField, strings.TrimPrefix(tag, "v"))
			}
		}
	}
	t.Fatalf(".goreleaser.yaml: no ko build pushes %s with a tag made of %s", imageRepository, versionField)
	return ""
}

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestImageReferencesMatchTheReleaseTags: every reference to the image in
// the manifests, the pre-commit hooks, the action and the docs names a
// tag the release makes. A manifest naming :v0.1.0 when the release
// pushes :0.1.0 ends in ErrImagePull.
func TestImageReferencesMatchTheReleaseTags(t *testing.T) {
	want := releasedImageTag(t)
	for _, file := range manifests(t) {
		for _, c := range decode(t, file).Spec.JobTemplate.Spec.Template.Spec.Containers {
			if c.Image != imageRepository+":"+want {
				t.Errorf("%s: container %s runs %s; the release makes %s:%s", file, c.Name, c.Image, imageRepository, want)
			}
		}
	}
	docs, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	files := []string{"README.md", ".pre-commit-hooks.yaml", "action.yml"}
	for _, d := range docs {
		files = append(files, strings.TrimPrefix(filepath.ToSlash(d), repoRoot+"/"))
	}
	found := 0
	for _, name := range files {
		for i, line := range strings.Split(readRepoFile(t, name), "\n") {
			for _, m := range imageRef.FindAllStringSubmatch(line, -1) {
				found++
				if m[1] != want {
					t.Errorf("%s:%d: %s; the release makes %s:%s", name, i+1, m[0], imageRepository, want)
				}
			}
		}
	}
	if found == 0 {
		t.Errorf("no reference to %s in %v: is the pattern still right?", imageRepository, files)
	}
}
