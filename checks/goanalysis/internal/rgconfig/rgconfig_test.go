package rgconfig

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/releasegate/releasegate/config"
)

const good = "version: 1\nsecrets:\n  HUB_RW:\n    scopes: [read, write]\nfamilies:\n  HUB:\n    hosts: [hub.example.test]\n"

// passIn builds a pass whose single file lives in dir.
func passIn(t *testing.T, dir string) *analysis.Pass {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(dir, "x.go"), "package x\n", 0)
	if err != nil {
		t.Fatal(err)
	}
	return &analysis.Pass{Fset: fset, Files: []*ast.File{f}}
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSource(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, ".git", "HEAD"), "ref: refs/heads/main\n") // stop discovery here
	write(t, filepath.Join(root, "tools", ".releasegate.yaml"), good)
	write(t, filepath.Join(root, "other.yaml"), good)
	write(t, filepath.Join(root, "bad.yaml"), "version: 1\nsecrts: {}\n")
	pkgDir := filepath.Join(root, "tools", "release", "cmd")
	bare := filepath.Join(root, "elsewhere")

	tests := []struct {
		name    string
		src     *Source
		dir     string
		secrets int
		path    string // suffix of the loaded file; "" = built-in default
		err     string
	}{
		{name: "discovered upward", src: &Source{}, dir: pkgDir, secrets: 1, path: "tools/.releasegate.yaml"},
		{name: "none up to the repository root", src: &Source{}, dir: bare, secrets: 0},
		{name: "flag wins over discovery", src: File(filepath.Join(root, "other.yaml")), dir: pkgDir, secrets: 1, path: "other.yaml"},
		{name: "fixed config", src: Fixed(config.Default(root)), dir: pkgDir, secrets: 0},
		{name: "malformed file is an error with its line", src: File(filepath.Join(root, "bad.yaml")), dir: pkgDir, err: "bad.yaml:2:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.src.For(passIn(t, tt.dir))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Secrets) != tt.secrets || !strings.HasSuffix(filepath.ToSlash(cfg.Path), tt.path) {
				t.Errorf("got %d secrets from %q, want %d from ...%s", len(cfg.Secrets), cfg.Path, tt.secrets, tt.path)
			}
		})
	}
}

func TestConfigFlag(t *testing.T) {
	var s Source
	fs := flag.NewFlagSet("a", flag.ContinueOnError)
	s.RegisterFlags(fs)
	if err := fs.Parse([]string{"-config", "x.yaml"}); err != nil {
		t.Fatal(err)
	}
	if s.Path != "x.yaml" {
		t.Errorf("Path = %q after -config x.yaml", s.Path)
	}
}
