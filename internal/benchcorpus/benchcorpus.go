// Package benchcorpus writes repositories of realistic workflows for the
// lint benchmarks: one project's .github written in the shapes real
// projects use (a CI matrix with a status aggregator, a release that
// calls a reusable image workflow pushing to three registries and signs,
// per-architecture images joined into multi-arch indexes, an end-to-end
// suite both called and dispatched, a nightly on schedule and dispatch,
// integration tests with service containers, a monorepo pipeline with
// jobs per service, native packages for every
// platform, registry clean-up with a delete-scoped token, pull request
// hygiene, code scanning, docs deployment, stale and label automation,
// backports, benchmarks, dependency auto-merge), two composite actions, a
// runbook the workflows link to and a .releasegate.yaml (Config). Their
// sizes follow real projects' (median about 2 KB, mean about 3 KB, a few
// of 10 to 15 KB).
//
// A repository of n workflows repeats the project's workflows under
// renamed files (c0000-ci.yml, c0000-release.yml, c0001-ci.yml, ...),
// each copy calling its own reusable workflows, the way a monorepo holds
// many services' pipelines; the actions, the runbook and the
// configuration are shared.
package benchcorpus

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

//go:embed all:testdata/realistic
var project embed.FS

const root = "testdata/realistic"

// Workflows are the project's workflows in the order copies take them:
// a reusable workflow before its callers, so that every prefix of the
// list is a complete repository.
var Workflows = []string{
	"ci.yml", "_publish-image.yml", "e2e.yml", "release.yml", "nightly.yml",
	"images-per-arch.yml", "integration.yml", "services.yml", "cleanup-registry.yml", "pr-checks.yml",
	"packages.yml", "codeql.yml", "docs.yml", "stale.yml", "labeler.yml", "backport.yml",
	"bench.yml", "dependabot-automerge.yml",
}

// Write creates a repository of n workflows under dir, with the shared
// files and the configuration. It does not make it a git repository.
func Write(dir string, n int) error {
	if err := writeShared(dir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".releasegate.yaml"), []byte(Config(n)), 0o644); err != nil {
		return err
	}
	wfDir := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wfDir, 0o755); err != nil {
		return err
	}
	for i := range n {
		name := Workflows[i%len(Workflows)]
		src, err := project.ReadFile(path.Join(root, ".github/workflows", name))
		if err != nil {
			return err
		}
		prefix := fmt.Sprintf("c%04d-", i/len(Workflows))
		if err := os.WriteFile(filepath.Join(wfDir, prefix+name), renamed(src, prefix), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Config is the repository's .releasegate.yaml: the registry tokens
// split by scope, each allowed where the project uses it and, once a
// whole copy of the project is present, required there.
func Config(n int) string {
	rw, del := "", ""
	if n >= len(Workflows) {
		rw = "    required: [\"*_publish-image.yml\"]\n"
		del = "    required: [\"*cleanup-registry.yml\"]\n"
	}
	return "version: 1\nsecrets:\n" +
		"  REGISTRY_TOKEN_RW:\n    scopes: [read, write]\n" +
		"    allowed: [\"*release.yml\", \"*nightly.yml\", \"*_publish-image.yml\", \"*images-per-arch.yml\"]\n" + rw +
		"  REGISTRY_TOKEN_DELETE:\n    scopes: [read, write, delete]\n    allowed: [\"*cleanup-registry.yml\"]\n" + del +
		"families:\n  REGISTRY_TOKEN:\n    hosts: [hub.docker.com]\n"
}

// renamed points a copy's calls of local reusable workflows at the same
// copy's files.
func renamed(src []byte, prefix string) []byte {
	s := string(src)
	for _, name := range Workflows {
		s = strings.ReplaceAll(s, "./.github/workflows/"+name, "./.github/workflows/"+prefix+name)
	}
	return []byte(s)
}

// writeShared copies everything but the workflows.
func writeShared(dir string) error {
	return fs.WalkDir(project, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Dir(p) == root+"/.github/workflows" {
			return err
		}
		data, err := project.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(p, root+"/")))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
}
