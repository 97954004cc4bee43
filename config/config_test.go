package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

func TestLoadSpecExample(t *testing.T) {
	c, err := Load("testdata/spec-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Secrets) != 2 || c.Secrets[1].Name != "DOCKERHUB_TOKEN_DELETE" || !c.Secrets[1].HasScope("delete") {
		t.Errorf("secrets = %+v", c.Secrets)
	}
	if c.Secrets[0].HasScope("delete") {
		t.Error("DOCKERHUB_TOKEN_RW must not have the delete scope")
	}
	if f, ok := c.FamilyOf("DOCKERHUB_TOKEN"); !ok || f.Hosts[0] != "hub.docker.com" {
		t.Errorf("family lookup = %+v, %v", f, ok)
	}
	if len(c.Parity) != 1 || c.Parity[0].Copies[1].ExtraItems != "allow" || c.Parity[0].Copies[0].ExtraItems != "deny" {
		t.Errorf("parity = %+v", c.Parity)
	}
	if c.Gate.ArchTag != "{version}-{arch}" || c.Gate.OnExisting != "fail" || !c.Gate.Attestations.Required {
		t.Errorf("gate = %+v", c.Gate)
	}
}

func TestLoadProbe(t *testing.T) {
	c, err := Load("testdata/probe.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Gate.Probe
	if strings.Join(p.Catalogs, ",") != "registry.example.com:5050,127.0.0.1:5000" ||
		strings.Join(p.Repos, ",") != "acme/**,!acme/scratch-*" || strings.Join(p.Tags, ",") != "!sha256-*" {
		t.Errorf("probe = %+v", p)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"unknown top key", "version: 1\nsecretz: {}\n", 2, `unknown key "secretz"`},
		{"unknown nested key", "secrets:\n  A_RW:\n    scopes: [read]\n    allow: [x.yml]\n", 4, `unknown key "allow"`},
		{"wrong type", "version: one\n", 1, "expected an integer"},
		{"bad version", "version: 2\n", 1, "unsupported configuration version 2"},
		{"bad scope", "secrets:\n  A:\n    scopes: [read, nuke]\n", 3, `unknown scope "nuke"`},
		{"missing scopes", "secrets:\n  A:\n    allowed: [x.yml]\n", 2, "scopes is required"},
		{"required outside allowed", "secrets:\n  A:\n    scopes: [read]\n    allowed: [a.yml]\n    required: [b.yml]\n", 5, `required "b.yml" is not covered`},
		{"job narrowing outside allowed", "secrets:\n  A:\n    scopes: [read]\n    allowed: [a.yml#sync]\n    required: [a.yml#push]\n", 5, "not covered"},
		{"bad glob", "secrets:\n  A:\n    scopes: [read]\n    allowed: ['[x.yml']\n", 4, "bad glob"},
		{"bad on-existing", "gate:\n  on-existing: maybe\n", 2, `unknown value "maybe"`},
		{"bad platform", "gate:\n  platforms: [amd64]\n", 2, "not os/arch"},
		{"arch tag without arch", "gate:\n  arch-tag: '{version}-x'\n", 2, "must contain {arch}"},
		{"arch tag unknown placeholder", "gate:\n  arch-tag: '{ver}-{arch}'\n", 2, "unknown placeholder {ver}"},
		{"bad san regex", "gate:\n  attestations:\n    identity:\n      san-regex: '('\n", 4, "does not compile"},
		{"parity without copies", "parity:\n  - name: a\n    source: r.md#x\n", 2, "copies is required"},
		{"duplicate parity", "parity:\n  - {name: a, source: r.md, copies: [{file: f, section: s}]}\n  - {name: a, source: r.md, copies: [{file: f, section: s}]}\n", 3, "duplicate parity spec"},
		{"host with scheme", "families:\n  TOKEN:\n    hosts: ['https://hub.docker.com']\n", 3, "bare host name"},
		{"duplicate key", "version: 1\nversion: 1\n", 2, "duplicate key"},
		{"syntax error", "secrets: [\n", 1, "invalid YAML"},
		{"not a mapping", "- a\n- b\n", 1, "expected a mapping"},
		{"empty", "", 0, "configuration is empty"},
		{"binary", "version: 1\x00\x01", 0, "binary content"},
		{"unknown rule severity", "rules:\n  secret-scope: loud\n", 2, `unknown value "loud"`},
		{"absolute exclude", "exclude: [/etc]\n", 1, "not a relative path or glob"},
		{"bad exclude glob", "exclude: ['[x']\n", 1, "not a relative path or glob"},
		// A second document used to be ignored, so its rules never applied.
		{"two documents", "version: 1\n---\nrules:\n  secret-scope: off\n", 2, "more than one YAML document"},
		{"trailing separator", "version: 1\n---\n", 2, "more than one YAML document"},
		{"null document", "null\n", 1, "expected a mapping"},
		{"scalar document", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", 1, "expected a mapping"},
		{"alias bomb", aliasBomb(8), 7, "alias expansion exceeds"},
		{"catalog with scheme", "gate:\n  probe:\n    catalogs: ['https://registry.example']\n", 3, "is not HOST[:PORT]"},
		{"bad repo glob", "gate:\n  probe:\n    repos: ['acme/[a-']\n", 3, `probe repos: "acme/[a-" is not a glob`},
		{"lone bang", "gate:\n  probe:\n    tags: ['!']\n", 3, "is not a glob"},
		{"unknown probe key", "gate:\n  probe:\n    shard: 1/3\n", 3, `probe: unknown key "shard"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("cfg.yaml", t.TempDir(), []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "cfg.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
			var ce *Error
			if tt.line > 0 && (!errors.As(err, &ce) || ce.Line != tt.line) {
				t.Errorf("error %q: want line %d", err, tt.line)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// aliasBomb nests levels of ten aliases under an unknown key, which the
// decoder would otherwise walk once per alias.
func aliasBomb(levels int) string {
	var b strings.Builder
	b.WriteString("version: 1\nx:\n  l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n")
	for i := 1; i < levels; i++ {
		p := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.Repeat(p+", ", 9)+p)
	}
	return b.String()
}

// Error messages quote at most a short excerpt of one line.
func TestErrorsQuoteExcerpts(t *testing.T) {
	long := strings.Repeat("x", 500)
	for _, src := range []string{
		"version: 1\ngate:\n  images: ['" + long + " y']\n",
		"version: 1\n" + long + ": 1\n",
		long + "\n" + long + "\n",
		"secrets:\n  " + long + "-:\n    scopes: [read]\n",
	} {
		_, err := Parse("cfg.yaml", t.TempDir(), []byte(src))
		if err == nil {
			t.Fatalf("no error for %.40q", src)
		}
		if n := len(err.Error()); n > 300 || strings.Contains(err.Error(), strings.Repeat("x", maxExcerpt+1)) {
			t.Errorf("message of %d bytes quotes too much: %.120q", n, err)
		}
	}
}

// A committed configuration that is a symlink out of the repository, or
// a special file, is refused naming the path, never quoting what it
// leads to, and without blocking or reading without bound.
func TestLoadBoundary(t *testing.T) {
	base := t.TempDir()
	repo, outside := filepath.Join(base, "repo"), filepath.Join(base, "outside")
	must(t, os.MkdirAll(filepath.Join(repo, ".git"), 0o755))
	must(t, os.MkdirAll(outside, 0o755))
	const secret = "ghp_notarealtokenbutsecretlooking"
	must(t, os.WriteFile(filepath.Join(outside, "token"), []byte(secret+": x\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(repo, "real.yaml"), []byte("version: 1\n"), 0o644))
	link := func(target, name string) string {
		p := filepath.Join(repo, name)
		must(t, os.Symlink(target, p))
		return p
	}
	fifo := filepath.Join(repo, "fifo.yaml")
	must(t, syscall.Mkfifo(fifo, 0o644))
	big := filepath.Join(repo, "big.yaml")
	must(t, os.WriteFile(big, append([]byte("version: 1\n#"), bytes.Repeat([]byte("x"), MaxFileBytes)...), 0o644))
	tests := []struct {
		name string
		file string
		root string
		want string
	}{
		{"symlink to a token outside", link("../outside/token", ".releasegate.yaml"), repo, "leads outside the repository"},
		{"symlink to /dev/zero", link("/dev/zero", "zero.yaml"), repo, "leads outside the repository"},
		{"--config /dev/zero", "/dev/zero", "", "not a regular file (a device)"},
		{"FIFO", fifo, repo, "not a regular file (a FIFO)"},
		{"too large", big, repo, "larger than"},
		{"directory", filepath.Join(repo, ".git"), repo, "not a regular file (a directory)"},
		{"missing", filepath.Join(repo, "none.yaml"), repo, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.file, WithRoot(tt.root))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), tt.file+":") {
				t.Fatalf("Load(%s) = %v, want an error naming the file and %q", tt.file, err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error quotes the file outside the repository: %v", err)
			}
		})
	}
	if _, err := Load(link("real.yaml", "inside.yaml"), WithRoot(repo)); err != nil {
		t.Errorf("a symlink inside the repository: %v", err)
	}
}

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, ".git"), 0o755))
	deep := filepath.Join(root, "a", "b")
	must(t, os.MkdirAll(deep, 0o755))

	got, err := Discover(deep)
	if err != nil || got != "" {
		t.Fatalf("Discover with no config = %q, %v; want none", got, err)
	}
	must(t, os.WriteFile(filepath.Join(root, ".releasegate.yml"), []byte("version: 1\n"), 0o644))
	if got, _ := Discover(deep); got != filepath.Join(root, ".releasegate.yml") {
		t.Errorf("Discover = %q, want the repository root's .releasegate.yml", got)
	}
	must(t, os.WriteFile(filepath.Join(root, "a", ".releasegate.yaml"), []byte("version: 1\n"), 0o644))
	if got, _ := Discover(deep); got != filepath.Join(root, "a", ".releasegate.yaml") {
		t.Errorf("Discover = %q, want the nearest file", got)
	}
	// Discovery stops at the repository root: a config above it is not used.
	outer := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outer, ".releasegate.yaml"), []byte("version: 1\n"), 0o644))
	repo := filepath.Join(outer, "repo")
	must(t, os.MkdirAll(filepath.Join(repo, ".git"), 0o755))
	if got, _ := Discover(repo); got != "" {
		t.Errorf("Discover crossed the repository root: %q", got)
	}
}

// TestSchemaAcceptsExamples keeps the shipped JSON Schema in step with the
// loader: every configuration the loader accepts in this repository must
// validate, and the schema must reject an unknown key.
func TestSchemaAcceptsExamples(t *testing.T) {
	sch := compileSchema(t)
	files, _ := filepath.Glob("../fixtures/*/*/*/.releasegate.yaml")
	files = append(files, "testdata/spec-example.yaml", "testdata/probe.yaml")
	files = append(files, globAll("../fixtures", ".releasegate.yaml")...)
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("loader rejects %s: %v", f, err)
			continue
		}
		if err := sch.Validate(yamlToJSON(t, f, nil)); err != nil {
			t.Errorf("schema rejects %s: %v", f, err)
		}
	}
	bad := yamlToJSON(t, "", []byte("version: 1\nsecretz: {}\n"))
	if err := sch.Validate(bad); err == nil {
		t.Error("schema accepts an unknown top-level key")
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("releasegate.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("releasegate.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func yamlToJSON(t *testing.T, file string, src []byte) any {
	t.Helper()
	if src == nil {
		var err error
		if src, err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
	}
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func globAll(root, name string) []string {
	var out []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == name {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzParse checks that no input makes the loader panic and that every
// rejection is a positioned, one-line *Error.
func FuzzParse(f *testing.F) {
	seed, _ := os.ReadFile("testdata/spec-example.yaml")
	f.Add(seed)
	for _, s := range []string{"", "version: 1", "secrets: {A: {scopes: [read]}}", "gate: {arch-tag: '{arch}'}", "parity: [{name: a}]", "&a [*a]", "rules: {x: off}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Parse("fuzz.yaml", "/", data)
		if err == nil {
			return
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("error of type %T: %v", err, err)
		}
	})
}

func TestExcluded(t *testing.T) {
	c, err := Parse("cfg.yaml", "/repo", []byte("exclude: [fixtures, 'docs/*.draft.md']\n"))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		"/repo/fixtures/a/.github/workflows/x.yml": true,
		"/repo/docs/plan.draft.md":                 true,
		"/repo/docs/plan.md":                       false,
		"/repo/src/fixtures.md":                    false,
		"/elsewhere/fixtures/x.md":                 false,
	} {
		if got := c.Excluded(p); got != want {
			t.Errorf("Excluded(%s) = %v, want %v", p, got, want)
		}
	}
}

// TestDoublestarGlobs: ** matches any number of directories in exclude
// patterns and workflow scopes, and a pattern that matches nothing is
// reported with its position.
func TestDoublestarGlobs(t *testing.T) {
	c, err := Parse(".releasegate.yaml", "/repo", []byte("version: 1\nexclude:\n  - '**/*.draft.md'\n  - vendor\n  - 'old/**'\n"+
		"secrets:\n  T_RW:\n    scopes: [read]\n    allowed: ['release/**']\n"))
	if err != nil {
		t.Fatal(err)
	}
	ex := c.NewExclusions()
	for file, want := range map[string]bool{
		"/repo/notes.draft.md": true, "/repo/docs/a/b/plan.draft.md": true, "/repo/vendor/x/y.md": true,
		"/repo/docs/plan.md": false, "/elsewhere/x.draft.md": false,
	} {
		if got := ex.Excluded(file); got != want {
			t.Errorf("Excluded(%s) = %v, want %v", file, got, want)
		}
	}
	if u := ex.Unmatched(); len(u) != 1 || u[0].Glob != "old/**" || u[0].Pos.Line != 5 {
		t.Errorf("unmatched %+v, want old/** at line 5", u)
	}
	s, _ := c.Secret("T_RW")
	if !s.Allowed[0].MatchesWorkflow("release/nightly/x.yml") || s.Allowed[0].MatchesWorkflow("other.yml") {
		t.Errorf("release/** does not match as a path glob")
	}
	if _, err := Parse("c.yaml", "/repo", []byte("version: 1\nexclude: ['a/[b']\n")); err == nil {
		t.Error("a malformed glob was accepted")
	}
}
