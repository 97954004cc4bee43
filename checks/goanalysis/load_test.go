package goanalysis_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/checks/goanalysis"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// TestCgoIsNeverRun: a package whose preamble includes /dev/zero would
// keep a C preprocessor growing until the machine gives out. Lint reads
// the cgo file (its finding is reported) without running cgo or any C
// compiler, even with CGO_ENABLED=1 in the user's environment, and says
// once that the package was checked in part.
func TestCgoIsNeverRun(t *testing.T) {
	bin := t.TempDir()
	marker := filepath.Join(bin, "compiler-ran")
	cc := filepath.Join(bin, "fake-cc")
	script := "#!/bin/sh\necho \"$@\" >> '" + marker + "'\nexit 1\n"
	if err := os.WriteFile(cc, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("CC", cc)
	t.Setenv("CXX", cc)
	dir, _ := filepath.Abs("testdata/cgobomb")

	start := time.Now()
	res := lintDir(t, dir)
	if took := time.Since(start); took > time.Minute {
		t.Errorf("lint took %v on the cgo bomb", took)
	}
	if _, err := os.Stat(marker); err == nil {
		ran, _ := os.ReadFile(marker)
		t.Errorf("a C compiler ran: %s", ran)
	}
	if len(res.Errors) != 0 {
		t.Fatalf("input errors %v, want none", res.Errors)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message, "cgo is not run") ||
		!strings.HasSuffix(res.Warnings[0].File, "cgobomb/zero.go") || res.Warnings[0].Line != 8 {
		t.Errorf("warnings %+v, want one at zero.go:8 saying cgo is not run", res.Warnings)
	}
	if len(res.Findings) != 1 || !strings.HasSuffix(res.Findings[0].File, "zero.go") || res.Findings[0].Line != 14 {
		t.Errorf("findings:\n%s want go-json-interpolation at zero.go:14", dump(res.Findings))
	}
	if code := res.Outcome(rule.Error).ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1 (from the finding)", code)
	}
}

// TestGoCommandDeadline: a go command that never answers ends in a
// warning naming the deadline, and the module's Go code is still read
// from its syntax. The go command runs offline, without cgo and
// without toolchain switches, whatever the user's environment says.
func TestGoCommandDeadline(t *testing.T) {
	bin := t.TempDir()
	envFile := filepath.Join(bin, "env")
	fake := "#!/bin/sh\nenv > '" + envFile + "'\nexec sleep 60\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for k, v := range map[string]string{"CGO_ENABLED": "1", "GOFLAGS": "-mod=mod -tags=release", "GOTOOLCHAIN": "auto", "GOPROXY": "https://proxy.golang.org"} {
		t.Setenv(k, v)
	}
	dir := linttest.Write(t, map[string]string{
		"go.mod": "module example.test/slow\n\ngo 1.22\n",
		"slow.go": "package slow\n\nimport \"fmt\"\n\nfunc Body(s string) string { return fmt.Sprintf(`{\"a\":\"%s\"}`, s) }\n" +
			"\nfunc Member(n string) string { return `\"name\": \"` + n + `\",` }\n",
	})
	start := time.Now()
	res := lintDirWith(t, dir, goanalysis.NewCheck(goanalysis.Options{GoTimeout: 300 * time.Millisecond}))
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("lint took %v with a go command that hangs", took)
	}
	if len(res.Errors) != 0 {
		t.Fatalf("input errors %v, want none", res.Errors)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message, "ran longer than 300ms and was stopped") ||
		!strings.HasSuffix(res.Warnings[0].File, "go.mod") {
		t.Errorf("warnings %+v, want one on go.mod naming the deadline", res.Warnings)
	}
	if res.Scanned.GoPackages != 1 {
		t.Errorf("scanned %d Go packages, want 1", res.Scanned.GoPackages)
	}
	// Without the go command there are no types for fmt; the + chain is
	// found from its literals.
	if !slices.ContainsFunc(res.Findings, func(f report.Finding) bool {
		return f.Rule == "go-json-interpolation" && f.Line == 7 && strings.Contains(f.Message, "string concatenation")
	}) {
		t.Errorf("findings:\n%s want the + chain at slow.go:7", dump(res.Findings))
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatalf("the go command was not run: %v", err)
	}
	lines := strings.Split(string(env), "\n")
	for _, want := range []string{"CGO_ENABLED=0", "GOFLAGS=-tags=release", "GOTOOLCHAIN=local", "GOPROXY=off"} {
		if !slices.Contains(lines, want) {
			t.Errorf("the go command ran without %s:\n%s", want, env)
		}
	}
}

// TestModulesThatDoNotList: a module the go command cannot list or
// resolve is still read. Its findings come from the syntax and the
// types that resolve (the standard library, the module's own packages),
// with one warning, and the exit code comes from the findings alone.
// Nothing is downloaded: the module cache stays empty.
func TestModulesThatDoNotList(t *testing.T) {
	config := missingDeps[".releasegate.yaml"]
	pkgs := map[string]string{
		".releasegate.yaml": config,
		"names/names.go":    "package names\n\n// PushToken is the retired unsuffixed name.\nconst PushToken = \"DOCKERHUB_TOKEN\"\n",
		"cmd/pub/main.go": `package main

import (
	"fmt"
	"os"

	"example.test/pub/names"
)

func main() {
	tok := os.Getenv(names.PushToken)
	fmt.Println(fmt.Sprintf(` + "`" + `{"token":"%s"}` + "`" + `, tok))
}
`,
	}
	with := func(extra map[string]string) map[string]string {
		files := map[string]string{}
		for k, v := range pkgs {
			files[k] = v
		}
		for k, v := range extra {
			files[k] = v
		}
		return files
	}
	tests := []struct {
		name     string
		files    map[string]string
		goflags  string
		warnFile string
		warning  string
	}{
		{
			name:     "go.mod newer than the toolchain",
			files:    with(map[string]string{"go.mod": "module example.test/pub\n\ngo 1.99\n\ntoolchain go1.99.1\n"}),
			warnFile: "go.mod",
			warning:  "Go module example.test/pub could not be loaded by the go command (go: go.mod requires go >= 1.99",
		},
		{
			name: "go.sum without the dependency's lines",
			files: with(map[string]string{
				"go.mod":       "module example.test/pub\n\ngo 1.22\n\nrequire example.invalid/registry v1.0.0\n",
				"hub/login.go": "package hub\n\nimport _ \"example.invalid/registry/client\"\n",
			}),
			warnFile: "hub/login.go",
			warning:  "missing go.sum entry",
		},
		{
			name: "a requirement outside the cache, with -mod=mod in GOFLAGS",
			files: with(map[string]string{
				"go.mod":       "module example.test/pub\n\ngo 1.16\n\nrequire example.invalid/registry v1.0.0\n",
				"hub/login.go": "package hub\n\nimport _ \"example.invalid/registry/client\"\n",
			}),
			goflags:  "-mod=mod",
			warnFile: "go.mod",
			warning:  "Go module example.test/pub could not be loaded by the go command",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			modcache := t.TempDir()
			t.Setenv("GOMODCACHE", modcache)
			t.Setenv("GOFLAGS", tt.goflags)
			t.Setenv("GOPROXY", "http://127.0.0.1:9/") // never listened on; lint must not ask
			dir := linttest.Write(t, tt.files)
			res := lintDir(t, dir)
			if len(res.Errors) != 0 {
				t.Fatalf("input errors %v, want none", res.Errors)
			}
			if len(res.Warnings) != 1 || !strings.HasSuffix(res.Warnings[0].File, tt.warnFile) ||
				!strings.Contains(res.Warnings[0].Message, tt.warning) {
				t.Errorf("warnings %+v, want one on %s containing %q", res.Warnings, tt.warnFile, tt.warning)
			}
			got := map[string]int{}
			for _, f := range res.Findings {
				got[f.Rule]++
			}
			if got["go-json-interpolation"] != 1 || got["go-secret-variant"] != 1 || len(res.Findings) != 2 {
				t.Errorf("findings:\n%s want go-json-interpolation and go-secret-variant (through names.PushToken) in cmd/pub", dump(res.Findings))
			}
			if code := res.Outcome(rule.Error).ExitCode(); code != 1 {
				t.Errorf("exit code %d, want 1 (from the findings)", code)
			}
			if res.Scanned.GoPackages < 2 {
				t.Errorf("scanned %d Go packages, want names and cmd/pub at least", res.Scanned.GoPackages)
			}
			if entries, _ := os.ReadDir(modcache); len(entries) > 0 {
				t.Errorf("the module cache was written to: %v", entries)
			}
		})
	}
}

// TestWarningsNameFilesOfTheirPackage: a Go module in a subdirectory
// whose packages type-check only in part. Each warning names a file of
// the package it names first, relative to the repository root, in every
// format, and the module's other package loaded in part is named in it
// (one warning for the module's missing go.sum lines, not one each).
func TestWarningsNameFilesOfTheirPackage(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	dir := linttest.Write(t, map[string]string{
		"tools/pub/go.mod": "module example.test/pub\n\ngo 1.22\n\nrequire example.invalid/registry v1.0.0\n",
		"tools/pub/pub.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.invalid/registry/client\"\n" +
			"\t\"example.test/pub/config\"\n)\n\nfunc main() { fmt.Println(client.New(), config.Repo) }\n",
		"tools/pub/config/config.go": "package config\n\nimport \"example.invalid/registry/auth\"\n\n" +
			"// Repo is where releases go.\nvar Repo = auth.Realm + \"/releases\"\n",
	})
	t.Chdir(dir)
	res := lintDir(t, dir)
	if len(res.Errors) != 0 {
		t.Fatalf("input errors %v, want none", res.Errors)
	}
	want := map[string]string{ // warning file -> its package
		"tools/pub/pub.go": "example.test/pub ",
	}
	if len(res.Warnings) != len(want) {
		t.Fatalf("warnings %+v, want %d", res.Warnings, len(want))
	}
	for _, w := range res.Warnings {
		if pkg, ok := want[w.File]; !ok || !strings.Contains(w.Message, "Go package "+pkg) {
			t.Errorf("warning %+v: want a file of the package it names, one of %v", w, want)
		}
		if !strings.HasSuffix(w.Message, "; likewise example.test/pub/config") {
			t.Errorf("warning %+v: want the module's other package named", w)
		}
	}
	outputs := map[string]func(out []byte) []string{
		"text": func(out []byte) []string {
			var files []string
			for _, line := range strings.Split(string(out), "\n") {
				if file, _, ok := strings.Cut(line, ":"); ok && strings.Contains(line, ": checked in part: ") {
					files = append(files, file)
				}
			}
			return files
		},
		"json": func(out []byte) []string {
			var doc struct{ Warnings []struct{ File string } }
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, w := range doc.Warnings {
				files = append(files, w.File)
			}
			return files
		},
		"github": func(out []byte) []string {
			var files []string
			for _, line := range strings.Split(string(out), "\n") {
				if rest, ok := strings.CutPrefix(line, "::warning file="); ok {
					file, _, _ := strings.Cut(rest, ",")
					files = append(files, file)
				}
			}
			return files
		},
		"sarif": func(out []byte) []string {
			var doc struct {
				Runs []struct {
					Invocations []struct {
						ToolExecutionNotifications []struct {
							Locations []struct {
								PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, n := range doc.Runs[0].Invocations[0].ToolExecutionNotifications {
				for _, l := range n.Locations {
					files = append(files, l.PhysicalLocation.ArtifactLocation.URI)
				}
			}
			return files
		},
	}
	wantFiles := []string{"tools/pub/pub.go"}
	for format, files := range outputs {
		var out bytes.Buffer
		if err := report.Write(&out, format, res, report.Options{Rules: rule.NewSet(goanalysis.Rules)}); err != nil {
			t.Fatal(err)
		}
		got := files(out.Bytes())
		slices.Sort(got)
		if !slices.Equal(got, wantFiles) {
			t.Errorf("%s: warning files %q, want %q\n%s", format, got, wantFiles, out.String())
		}
	}
}

// TestScannedCodeIsNeverBuilt: two modules of one repository, the app
// requiring the library through a replace directive. The go command
// builds no package of either (a -toolexec script would record any
// compile), and the app is checked against the library's own types.
func TestScannedCodeIsNeverBuilt(t *testing.T) {
	marker := recordBuilds(t)
	dir := linttest.Write(t, map[string]string{
		"lib/go.mod": "module example.test/lib\n\ngo 1.22\n",
		"lib/lib.go": "package lib\n\n// Open starts a JSON object with a string member.\nconst Open = `{\"id\":\"`\n",
		"app/go.mod": "module example.test/app\n\ngo 1.22\n\nrequire example.test/lib v0.0.0\n\nreplace example.test/lib => ../lib\n",
		"app/app.go": "package app\n\nimport \"example.test/lib\"\n\nfunc Body(id string) string { return lib.Open + id + `\"}` }\n",
	})
	res := lintDir(t, dir)
	if ran, err := os.ReadFile(marker); err == nil {
		t.Errorf("the go command built code:\n%s", ran)
	}
	if len(res.Errors)+len(res.Warnings) != 0 {
		t.Errorf("errors %v, warnings %v: want none", res.Errors, res.Warnings)
	}
	if len(res.Findings) != 1 || !strings.HasSuffix(res.Findings[0].File, "app/app.go") {
		t.Errorf("findings:\n%s want the + chain in app/app.go, through lib.Open's value", dump(res.Findings))
	}
	if res.Scanned.GoPackages != 2 {
		t.Errorf("scanned %d Go packages, want 2", res.Scanned.GoPackages)
	}
}

// TestGoFilesStayInsideTheRepository: a Go file that is a symbolic link
// out of the repository is not read (nothing of it reaches a finding);
// it is an input error naming the file, as for a workflow.
func TestGoFilesStayInsideTheRepository(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.go")
	body := "package tool\n\nimport \"fmt\"\n\nfunc Leak(s string) string { return fmt.Sprintf(`{\"k\":\"%s\"}`, s) }\n"
	if err := os.WriteFile(outside, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := linttest.Write(t, map[string]string{
		"go.mod":  "module example.test/tool\n\ngo 1.22\n",
		"tool.go": "package tool\n\n// Name is the tool's name.\nconst Name = \"tool\"\n",
	})
	if err := os.Symlink(outside, filepath.Join(dir, "leak.go")); err != nil {
		t.Fatal(err)
	}
	res := lintDir(t, dir)
	if len(res.Findings) != 0 {
		t.Errorf("findings from a file outside the repository:\n%s", dump(res.Findings))
	}
	if len(res.Errors) != 1 || !strings.HasSuffix(res.Errors[0].File, "leak.go") || !strings.Contains(res.Errors[0].Message, "outside") {
		t.Errorf("errors %v, want one naming leak.go as outside the repository", res.Errors)
	}
	if code := res.Outcome(rule.Error).ExitCode(); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
}

// TestRepositoryDependenciesAreNeverBuilt: code of the repository that
// the scanned module imports as a dependency — a vendored module, or a
// replace directive to a directory the lint was not pointed at — is
// repository content too, so the go command must not build it for its
// export data. The imports stay unresolved instead (a warning, types in
// part); a -toolexec script records any build.
func TestRepositoryDependenciesAreNeverBuilt(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		lint  string // the directory lint is pointed at, under the repository
	}{
		{"vendored module", map[string]string{
			"go.mod":                         "module example.test/app\n\ngo 1.22\n\nrequire example.test/dep v1.0.0\n",
			"vendor/modules.txt":             "# example.test/dep v1.0.0\n## explicit\nexample.test/dep\n",
			"vendor/example.test/dep/dep.go": "package dep\n\n// Open starts a JSON object.\nconst Open = `{\"id\":\"`\n",
			"app.go":                         "package app\n\nimport \"example.test/dep\"\n\nfunc Body(id string) string { return dep.Open + id + `\"}` }\n",
		}, "."},
		{"replace to a directory not scanned", map[string]string{
			"lib/go.mod": "module example.test/lib\n\ngo 1.22\n",
			"lib/lib.go": "package lib\n\n// Open starts a JSON object.\nconst Open = `{\"id\":\"`\n",
			"app/go.mod": "module example.test/app\n\ngo 1.22\n\nrequire example.test/lib v0.0.0\n\nreplace example.test/lib => ../lib\n",
			"app/app.go": "package app\n\nimport \"example.test/lib\"\n\nfunc Body(id string) string { return lib.Open + id + `\"}` }\n",
		}, "app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			marker := recordBuilds(t)
			repo := linttest.NewGitRepo(t) // the repository is the checkout, above the directory linted
			for name, body := range tt.files {
				repo.Write(name, body)
			}
			repo.Commit("repository")
			res := lintDir(t, filepath.Join(repo.Dir, tt.lint))
			if ran, err := os.ReadFile(marker); err == nil {
				t.Errorf("the go command built repository code:\n%s", ran)
			}
			if len(res.Errors) != 0 {
				t.Errorf("errors %v, want none", res.Errors)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message, "lint never builds") {
				t.Errorf("warnings %v, want one saying the repository's dependency is not built", res.Warnings)
			}
		})
	}
}

// TestGoModLinkOutside: a go.mod that is a symbolic link out of the
// repository is not read by releasegate: nothing of the outside file
// (here, the module path it declares) shows in any message.
func TestGoModLinkOutside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "go.mod")
	if err := os.WriteFile(outside, []byte("module example.test/outsidename\n\ngo 9.99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := linttest.Write(t, map[string]string{
		"tool.go": "package tool\n\nimport \"fmt\"\n\nfunc Body(s string) string { return fmt.Sprintf(`{\"k\":\"%s\"}`, s) }\n",
	})
	if err := os.Symlink(outside, filepath.Join(dir, "go.mod")); err != nil {
		t.Fatal(err)
	}
	res := lintDir(t, dir)
	var all []string
	for _, e := range append(res.Errors, res.Warnings...) {
		all = append(all, e.File+": "+e.Message)
	}
	for _, f := range res.Findings {
		all = append(all, f.File+": "+f.Message)
	}
	for _, m := range all {
		if strings.Contains(m, "outsidename") {
			t.Errorf("a message carries the outside go.mod's module path: %s", m)
		}
	}
}

// recordBuilds makes every tool the go command runs (compile, asm, link)
// append its command line to the file it returns, through -toolexec: the
// file exists afterwards only if something was built.
func recordBuilds(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	marker := filepath.Join(bin, "tools-ran")
	script := filepath.Join(bin, "toolexec")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >> '"+marker+"'\nexec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-toolexec="+script)
	return marker
}
