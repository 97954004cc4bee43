package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/releasegate/releasegate"

// layers ranks the top-level folders (and a few second-level ones) from
// the ground up. A package may import packages of its own folder, or of a
// lower layer; never of a higher one. CONTRIBUTING.md explains each.
var layers = []struct {
	prefix string
	rank   int
}{
	{"internal/lazyre", 0},  // patterns compiled on first use, for any package
	{"internal/yamlerr", 5}, // low-level helpers
	{"internal/suppress", 5},
	{"internal/markdown", 5},
	{"internal/yamlguard", 5},
	{"internal/inputfile", 5},
	{"internal/outputfile", 5},
	{"rule", 10}, // the shared vocabulary
	{"config", 20},
	{"report", 20},
	{"registry", 30}, // libraries: registry facts and Rego decisions
	{"policies", 30},
	{"scenario", 35}, // demo content (releases pushed into registries), over the libraries it serves
	{"internal", 6},  // test doubles: below everything, importing nothing of the project outside internal/
	{"lint", 40},     // the lint engine and its input model
	{"checks", 50},   // rule families, and the gate engine
	{"gate", 50},
	{"cmd", 60},    // the binaries
	{"action", 60}, // how the binaries are installed: the action's install script
}

func layerOf(pkg string) (string, int, bool) {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	best, rank, found := "", 0, false
	for _, l := range layers {
		if (rel == l.prefix || strings.HasPrefix(rel, l.prefix+"/")) && len(l.prefix) > len(best) {
			best, rank, found = l.prefix, l.rank, true
		}
	}
	return best, rank, found
}

type listed struct {
	ImportPath string
	Name       string
	Imports    []string
}

func listModule(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Name,Imports", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestImportsRunDownhill checks the import graph: no package imports one
// of a higher layer, so each folder reads as one layer.
func TestImportsRunDownhill(t *testing.T) {
	pkgs := listModule(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		from, rank, ok := layerOf(p.ImportPath)
		if !ok {
			t.Errorf("%s is in no layer; add its folder to the layers table", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to, impRank, _ := layerOf(imp)
			if impRank > rank || (impRank == rank && to != from) {
				t.Errorf("%s (layer %s) imports %s (layer %s)", p.ImportPath, from, imp, to)
			}
		}
	}
}

// TestInternalImportsOnlyInternal keeps internal/ the ground floor: no
// package there depends, even indirectly, on a package of the module
// outside internal/, so anything may import it.
func TestInternalImportsOnlyInternal(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", module+"/internal/...").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, module+"/internal/localregistry") {
		t.Fatalf("go list -deps did not list internal/localregistry: %v", deps)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, module+"/") && !strings.HasPrefix(d, module+"/internal/") {
			t.Errorf("a package under internal/ depends on %s", d)
		}
	}
}

// TestMainPackagesOnlyUnderCmd keeps `go install ./...` to the binaries:
// no fixture program or tool is a main package elsewhere.
func TestMainPackagesOnlyUnderCmd(t *testing.T) {
	for _, p := range listModule(t) {
		if p.Name == "main" && !strings.HasPrefix(p.ImportPath, module+"/cmd/") {
			t.Errorf("main package outside cmd/: %s", p.ImportPath)
		}
	}
}

// TestContributingListsEveryPackage keeps CONTRIBUTING.md's layout table
// in step with the tree.
func TestContributingListsEveryPackage(t *testing.T) {
	doc, err := os.ReadFile("../../CONTRIBUTING.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range listModule(t) {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		if !strings.Contains(string(doc), "`"+rel+"`") {
			t.Errorf("CONTRIBUTING.md does not list %s", rel)
		}
	}
}
