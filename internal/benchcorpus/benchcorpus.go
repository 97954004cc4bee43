// Package benchcorpus writes a deterministic corpus of realistic release
// workflows for the lint benchmark: several triggers, workflow/job/step
// env, matrices, multi-line run scripts that log in, build, push, call
// registry APIs and occasionally delete, and secrets at every level.
package benchcorpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Config is the .releasegate.yaml written next to the corpus.
const Config = `version: 1
secrets:
  DOCKERHUB_TOKEN_RW:
    scopes: [read, write]
    allowed: ["wf-*.yml"]
  DOCKERHUB_TOKEN_DELETE:
    scopes: [read, write, delete]
    allowed: ["wf-*.yml#cleanup"]
families:
  DOCKERHUB_TOKEN:
    hosts: [hub.docker.com]
`

// Write creates n workflows under dir/.github/workflows and the config.
func Write(dir string, n int) error {
	wfDir := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wfDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".releasegate.yaml"), []byte(Config), 0o644); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(42, uint64(n)))
	for i := range n {
		name := filepath.Join(wfDir, fmt.Sprintf("wf-%04d.yml", i))
		if err := os.WriteFile(name, []byte(workflow(r, i)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func workflow(r *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: release-%d\n", i)
	b.WriteString("on:\n  push:\n    branches: [main]\n    tags: ['v*']\n  pull_request:\n")
	b.WriteString("  workflow_dispatch:\n    inputs:\n      dry-run:\n        description: skip the push\n        type: boolean\n        default: false\n")
	b.WriteString("permissions:\n  contents: read\n  packages: write\n")
	b.WriteString("env:\n  IMAGE: acme/app\n  REGISTRY: ghcr.io\n")
	jobs := 3 + r.IntN(4)
	prev := ""
	for j := range jobs {
		id := fmt.Sprintf("job%d", j)
		if j == jobs-1 {
			id = "cleanup"
		}
		writeJob(&b, r, id, prev)
		prev = id
	}
	return b.String()
}

func writeJob(b *strings.Builder, r *rand.Rand, id, needs string) {
	if id == "job0" {
		b.WriteString("jobs:\n")
	}
	fmt.Fprintf(b, "  %s:\n    runs-on: ubuntu-latest\n    timeout-minutes: %d\n", id, 10+r.IntN(50))
	if needs != "" {
		fmt.Fprintf(b, "    needs: [%s]\n", needs)
	}
	if r.IntN(2) == 0 {
		b.WriteString("    strategy:\n      fail-fast: false\n      matrix:\n        arch: [amd64, arm64]\n")
	}
	b.WriteString("    env:\n      VERSION: ${{ github.ref_name }}\n")
	b.WriteString("    steps:\n      - uses: actions/checkout@v4\n")
	steps := 4 + r.IntN(8)
	for s := range steps {
		writeStep(b, r, id, s)
	}
}

func writeStep(b *strings.Builder, r *rand.Rand, job string, s int) {
	switch r.IntN(5) {
	case 0:
		fmt.Fprintf(b, "      - name: Log in %d\n        env:\n          HUB_PASS: ${{ secrets.DOCKERHUB_TOKEN_RW }}\n", s)
		b.WriteString("        run: |\n          echo \"$HUB_PASS\" | docker login -u acme --password-stdin\n          docker info >/dev/null\n")
	case 1:
		fmt.Fprintf(b, "      - name: Build %d\n        if: ${{ github.event_name != 'pull_request' }}\n", s)
		b.WriteString("        run: |\n          docker buildx build --platform linux/amd64,linux/arm64 \\\n            --tag \"$IMAGE:$VERSION\" \\\n            --label org.opencontainers.image.revision=${{ github.sha }} .\n          for tag in latest \"$VERSION\"; do\n            echo \"tag $tag\"\n          done\n")
	case 2:
		fmt.Fprintf(b, "      - name: Query %d\n        run: |\n          curl -fsS \"https://hub.docker.com/v2/repositories/acme/app/tags/?page_size=100\" \\\n            | jq -r '.results[].name' > tags.txt\n          wc -l tags.txt\n", s)
	case 3:
		fmt.Fprintf(b, "      - uses: docker/setup-buildx-action@v3\n        with:\n          version: latest\n")
	default:
		if job == "cleanup" {
			fmt.Fprintf(b, "      - name: Prune %d\n        env:\n          HUB_PASS: ${{ secrets.DOCKERHUB_TOKEN_DELETE }}\n", s)
			b.WriteString("        run: |\n          jwt=$(curl -fsS -X POST https://hub.docker.com/v2/users/login \\\n            -d \"$(jq -n --arg u acme --arg p \"$HUB_PASS\" '{username:$u,password:$p}')\" | jq -r .token)\n          curl -fsS -X DELETE -H \"Authorization: JWT $jwt\" \"https://hub.docker.com/v2/repositories/acme/app/tags/${VERSION}-arm64/\"\n")
			return
		}
		fmt.Fprintf(b, "      - name: Summary %d\n        run: echo \"### ${{ github.workflow }} ${{ job.status }}\" >> \"$GITHUB_STEP_SUMMARY\"\n", s)
	}
}
