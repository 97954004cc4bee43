package goanalysis_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/releasegate/releasegate/checks/goanalysis"
	"github.com/releasegate/releasegate/checks/goanalysis/suite"
	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/fix"
	"github.com/releasegate/releasegate/lint/linttest"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

const fixtures = "../../fixtures/testdata/gotool"

// lintDir runs the Go analyzers check the way `releasegate lint DIR` does.
func lintDir(t testing.TB, dir string) *report.Result {
	t.Helper()
	return lintDirWith(t, dir, goanalysis.Check)
}

// lintDirWith runs check (the Go analyzers with options) on dir.
func lintDirWith(t testing.TB, dir string, check lint.Check) *report.Result {
	t.Helper()
	cfg := config.Default(dir)
	if file, err := config.Discover(dir); err != nil {
		t.Fatal(err)
	} else if file != "" {
		if cfg, err = config.Load(file); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := workspace.Load(workspace.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(lint.Options{
		Workspace: ws, Config: cfg, Checks: []lint.Check{check},
		Rules: rule.NewSet(goanalysis.Rules),
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type want struct {
	rule, file string
	line       int
	contains   string
}

func TestLintFixtureTool(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		want  []want
		pkgs  int
		exitC int
	}{
		{
			name: "violations",
			dir:  "violations",
			pkgs: 3,
			want: []want{
				{"go-json-interpolation", "hub/hub.go", 18, "fmt.Sprintf builds JSON text with user, token"},
				{"go-delete-scope", "main.go", 32, "DeleteTag sends a DELETE (HTTP DELETE at hub/hub.go:50) authorized by its argument, derived from DOCKERHUB_TOKEN "},
				{"go-delete-scope", "main.go", 32, "derived from DOCKERHUB_TOKEN_RW (read by os.Getenv at violations/main.go:42), a secret declared without the delete scope"},
				{"go-delete-scope", "main.go", 35, "Untag sends a DELETE (remote.Delete at registry/registry.go:21) authorized by its argument, derived from DOCKERHUB_TOKEN "},
				{"go-delete-scope", "main.go", 35, "derived from DOCKERHUB_TOKEN_RW"},
				{"go-secret-variant", "main.go", 45, "os.Getenv reads DOCKERHUB_TOKEN, a name of the DOCKERHUB_TOKEN token family"},
			},
			exitC: 1,
		},
		{name: "clean twin", dir: "clean", pkgs: 3, exitC: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Join(fixtures, tt.dir))
			res := lintDir(t, dir)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors)
			}
			if res.Scanned.GoPackages != tt.pkgs {
				t.Errorf("scanned %d Go packages, want %d", res.Scanned.GoPackages, tt.pkgs)
			}
			if len(res.Findings) != len(tt.want) {
				t.Errorf("got %d findings, want %d:\n%s", len(res.Findings), len(tt.want), dump(res.Findings))
			}
			for _, w := range tt.want {
				found := slices.ContainsFunc(res.Findings, func(f report.Finding) bool {
					return f.Rule == w.rule && f.Line == w.line &&
						strings.HasSuffix(f.File, tt.dir+"/"+w.file) && strings.Contains(f.Message, w.contains)
				})
				if !found {
					t.Errorf("missing %s at %s:%d containing %q in:\n%s", w.rule, w.file, w.line, w.contains, dump(res.Findings))
				}
			}
			if got := res.Outcome(rule.Error).ExitCode(); got != tt.exitC {
				t.Errorf("exit code %d, want %d", got, tt.exitC)
			}
		})
	}
}

func dump(fs []report.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s:%d:%d [%s] %s\n", f.File, f.Line, f.Column, f.Rule, f.Message)
	}
	return b.String()
}

func TestNoGoCodeIsNotAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# release notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := lintDir(t, dir)
	if len(res.Errors) != 0 || res.Scanned.GoPackages != 0 || len(res.Findings) != 0 {
		t.Fatalf("errors %v, %d packages, findings %v", res.Errors, res.Scanned.GoPackages, res.Findings)
	}
	if got := res.Outcome(rule.Error).ExitCode(); got != 0 {
		t.Errorf("exit code %d, want 0", got)
	}
}

// TestFileThatDoesNotParse: a syntax error is an input error (exit 2),
// as for a YAML file; the other packages are still checked.
func TestFileThatDoesNotParse(t *testing.T) {
	dir := linttest.Write(t, map[string]string{
		"go.mod":         "module example.test/broken\n\ngo 1.22\n",
		"main.go":        "package main\n\nfunc main() {\n\tx := \n}\n",
		"ok/ok.go":       "package ok\n\nimport \"os\"\n\nvar Token = os.Getenv(\"HOME\")\n",
		"tools/deps.go":  "//go:build tools\n\npackage tools\n",
		"only/x_test.go": "package only\n",
	})
	res := lintDir(t, dir)
	if len(res.Errors) != 1 {
		t.Fatalf("want one input error, got %v", res.Errors)
	}
	e := res.Errors[0]
	if !strings.HasSuffix(e.File, "main.go") || e.Line != 5 || !strings.Contains(e.Message, "does not parse") {
		t.Errorf("error %+v: want main.go:5 \"does not parse\"", e)
	}
	if res.Scanned.GoPackages != 1 {
		t.Errorf("scanned %d packages, want 1 (the package that parses)", res.Scanned.GoPackages)
	}
	if got := res.Outcome(rule.Error).ExitCode(); got != 2 {
		t.Errorf("exit code %d, want 2", got)
	}
}

// TestPackageThatDoesNotTypeCheck: a type error in the package's own code
// leaves the rest of its types; it is analysed with them and reported
// once as a warning, and the exit code comes from the findings.
func TestPackageThatDoesNotTypeCheck(t *testing.T) {
	dir := linttest.Write(t, map[string]string{
		"go.mod": "module example.test/broken\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar n int = \"three\"\n" +
			"\tfmt.Println(fmt.Sprintf(`{\"n\":\"%s\"}`, fmt.Sprint(n)))\n}\n",
		"main_test.go": "package main\n\nimport \"testing\"\n\nfunc TestMain(t *testing.T) { main() }\n",
	})
	res := lintDir(t, dir)
	if len(res.Errors) != 0 {
		t.Fatalf("input errors %v, want none", res.Errors)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message, "example.test/broken could not be fully loaded") ||
		res.Warnings[0].Line != 6 {
		t.Errorf("warnings %+v, want one for example.test/broken at line 6", res.Warnings)
	}
	if len(res.Findings) != 1 || res.Findings[0].Line != 7 {
		t.Errorf("findings:\n%s want one at line 7", dump(res.Findings))
	}
	if got := res.Outcome(rule.Error).ExitCode(); got != 1 {
		t.Errorf("exit code %d, want 1 (from the finding)", got)
	}
}

// missingDeps is a module whose dependency is absent from the module
// cache: go.sum knows it, the cache does not have it, and lint must not
// fetch it.
var missingDeps = map[string]string{
	"go.mod": "module example.test/publisher\n\ngo 1.22\n\nrequire example.invalid/registry v1.0.0\n",
	"go.sum": "example.invalid/registry v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" +
		"example.invalid/registry v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	".releasegate.yaml": "version: 1\nsecrets:\n  DOCKERHUB_TOKEN_RW:\n    scopes: [read, write]\n" +
		"  DOCKERHUB_TOKEN_DELETE:\n    scopes: [read, write, delete]\nfamilies:\n  DOCKERHUB_TOKEN:\n    hosts: [hub.docker.com]\n",
	"publish/publish.go": `package publish

import (
	"fmt"
	"net/http"
	"os"

	"example.invalid/registry/client"
)

// Login builds its body by hand: found from fmt's types and the syntax.
func Login(c client.Config) string {
	return fmt.Sprintf(` + "`" + `{"username":"%s","password":"%s"}` + "`" + `, c.User, c.Token)
}

// Untag deletes with the push token through net/http: every type it
// uses resolves, so the flow is followed.
func Untag(repo string) error {
	tok := os.Getenv("DOCKERHUB_TOKEN_RW")
	req, err := http.NewRequest(http.MethodDelete, "https://hub.docker.com/v2/repositories/"+repo+"/tags/old/", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	_, err = http.DefaultClient.Do(req)
	return err
}

// Prune deletes through the missing client: its types are unknown, so
// nothing is guessed about it.
func Prune(repo string) error {
	return client.New(os.Getenv("DOCKERHUB_TOKEN_RW")).Delete(repo)
}
`,
	"version/version.go": "package version\n\n// Version is set at build time.\nvar Version = \"dev\"\n",
}

// TestMissingDependencies: a repository whose module cache lacks a
// dependency (a runner before go mod download, an offline machine) gets
// its Go findings from syntax and the types that resolve, one warning for
// the module, and an exit code from its findings. Nothing is
// downloaded, even with GOFLAGS=-mod=mod and a proxy configured.
func TestMissingDependencies(t *testing.T) {
	var asked atomic.Int32 // requests to the user's module proxy
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.NotFound(w, r)
	}))
	defer proxy.Close()
	modcache := t.TempDir()
	t.Setenv("GOMODCACHE", modcache)
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", proxy.URL)
	t.Setenv("GONOSUMDB", "example.invalid")
	dir := linttest.Write(t, missingDeps)
	goSum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))

	res := lintDir(t, dir)
	if len(res.Errors) != 0 {
		t.Fatalf("input errors %v, want none", res.Errors)
	}
	if len(res.Warnings) != 1 {
		t.Fatalf("warnings %+v, want one (for publish)", res.Warnings)
	}
	w := res.Warnings[0]
	if !strings.Contains(w.Message, "Go package example.test/publisher/publish could not be fully loaded (could not import example.invalid/registry/client") ||
		!strings.HasSuffix(w.File, "publish/publish.go") || w.Line != 8 || strings.Contains(w.Message, "\n") {
		t.Errorf("warning %+v: want publish/publish.go:8, one line, naming the package and the import", w)
	}
	got := map[string]int{}
	for _, f := range res.Findings {
		got[f.Rule]++
	}
	if got["go-json-interpolation"] != 1 || got["go-delete-scope"] != 1 || len(res.Findings) != 2 {
		t.Errorf("findings:\n%s want one go-json-interpolation (Login) and one go-delete-scope (Untag)", dump(res.Findings))
	}
	for _, f := range res.Findings {
		if f.Rule == "go-delete-scope" && f.Line != 25 {
			t.Errorf("go-delete-scope at line %d, want 25 (Untag's Do, not Prune)", f.Line)
		}
	}
	if res.Scanned.GoPackages != 2 {
		t.Errorf("scanned %d packages, want 2", res.Scanned.GoPackages)
	}
	if code := res.Outcome(rule.Error).ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1 (from the findings)", code)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "go.sum")); !bytes.Equal(after, goSum) {
		t.Error("go.sum was rewritten")
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("lint asked the module proxy %d times", n)
	}
	_ = filepath.WalkDir(modcache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".lock") {
			t.Errorf("the module cache was written to: %s", p)
		}
		return err
	})
}

// TestMissingGoSumLines: a go.sum without the lines for a requirement
// leaves every package that imports it loaded in part. The module gets
// one warning that counts them, not one each, and its findings still
// come from syntax and the types that resolve.
func TestMissingGoSumLines(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	files := maps.Clone(missingDeps)
	delete(files, "go.sum")
	files["mirror/mirror.go"] = "package mirror\n\nimport \"example.invalid/registry/client\"\n\n" +
		"// Copy hands its work to the client the module cache lacks.\n" +
		"func Copy(c client.Config) error { return client.New(c.Token).Copy() }\n"
	res := lintDir(t, linttest.Write(t, files))
	if len(res.Errors) != 0 {
		t.Fatalf("input errors %v, want none", res.Errors)
	}
	if len(res.Warnings) != 1 || !strings.HasSuffix(res.Warnings[0].Message, "; likewise example.test/publisher/publish") {
		t.Fatalf("warnings %+v, want one for the module, naming the second package", res.Warnings)
	}
	if len(res.Findings) != 2 {
		t.Errorf("findings:\n%s want the two of publish", dump(res.Findings))
	}
	if code := res.Outcome(rule.Error).ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1 (from the findings)", code)
	}
}

// vetTool builds cmd/releasegate-vet once per test binary.
var vetTool = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "releasegate-vet")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "releasegate-vet")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/releasegate/releasegate/cmd/releasegate-vet").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build releasegate-vet: %w\n%s", err, out)
	}
	return bin, nil
})

// vetFindings runs go vet -vettool=releasegate-vet -json on dir/... and
// returns its findings as "rule abs-file:line:col message" lines.
func vetFindings(t testing.TB, dir string) []string {
	t.Helper()
	bin, err := vetTool()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "-vettool="+bin, "-json", "./...")
	cmd.Dir = dir
	// -json prints (on stdout or stderr, depending on the Go version) a
	// "# package" line and one JSON object per package.
	combined, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go vet: %v\n%s", err, combined)
	}
	var js bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(combined))
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			js.WriteString(sc.Text() + "\n")
		}
	}
	var out []string
	dec := json.NewDecoder(&js)
	for dec.More() {
		var tree map[string]map[string]json.RawMessage
		if err := dec.Decode(&tree); err != nil {
			t.Fatalf("decoding go vet -json output: %v\n%s", err, combined)
		}
		for _, byAnalyzer := range tree {
			for analyzer, raw := range byAnalyzer {
				var diags []struct{ Posn, Message string }
				if err := json.Unmarshal(raw, &diags); err != nil {
					t.Fatalf("%s: %v (%s)", analyzer, err, raw) // an analyzer error, e.g. a bad config
				}
				for _, d := range diags {
					out = append(out, suite.RuleID(analyzer)+" "+d.Posn+" "+d.Message)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func lintFindings(t testing.TB, dir string) []string {
	res := lintDir(t, dir)
	if len(res.Errors) > 0 {
		t.Fatalf("lint errors: %v", res.Errors)
	}
	cwd, _ := os.Getwd()
	var out []string
	for _, f := range res.Findings {
		file := filepath.FromSlash(f.File)
		if !filepath.IsAbs(file) {
			file = filepath.Join(cwd, file)
		}
		out = append(out, fmt.Sprintf("%s %s:%d:%d %s", f.Rule, file, f.Line, f.Column, f.Message))
	}
	slices.Sort(out)
	return out
}

// TestVetAndLintAgree proves that `go vet -vettool=releasegate-vet` and
// `releasegate lint` report the same findings on the fixture tool.
func TestVetAndLintAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds releasegate-vet and runs go vet")
	}
	for _, name := range []string{"violations", "clean"} {
		t.Run(name, func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Join(fixtures, name))
			vet, lnt := vetFindings(t, dir), lintFindings(t, dir)
			if !slices.Equal(vet, lnt) {
				t.Errorf("go vet and lint differ\n go vet:\n  %s\n lint:\n  %s", strings.Join(vet, "\n  "), strings.Join(lnt, "\n  "))
			}
			if name == "violations" && len(lnt) == 0 {
				t.Error("no findings on the violations fixture")
			}
		})
	}
}

// BenchmarkLintVsVet compares `releasegate lint` on the fixture tool's Go
// packages with two baselines on the same packages: plain `go vet` and
// `go vet -vettool=releasegate-vet`. It prints the ratios (lower is
// faster for lint). go vet keeps results in the build cache, so after the
// first iteration it mostly replays them; lint has no cache and re-loads
// and re-analyses the packages every time. Run with
//
//	go test -run '^$' -bench LintVsVet -benchtime 5x ./checks/goanalysis/
func BenchmarkLintVsVet(b *testing.B) {
	dir, _ := filepath.Abs(filepath.Join(fixtures, "violations"))
	bin, err := vetTool()
	if err != nil {
		b.Fatal(err)
	}
	goVet := func(args ...string) {
		cmd := exec.Command("go", append(append([]string{"vet"}, args...), "./...")...)
		cmd.Dir = dir
		// Exit status 1 just means findings.
		if out, err := cmd.CombinedOutput(); err != nil && cmd.ProcessState.ExitCode() != 1 {
			b.Fatalf("go vet %v: %v\n%s", args, err, out)
		}
	}
	goVet() // warm the build cache for both baselines
	goVet("-vettool=" + bin)
	var lintT, vetT, toolT time.Duration
	for b.Loop() {
		t0 := time.Now()
		lintDir(b, dir)
		t1 := time.Now()
		goVet()
		t2 := time.Now()
		goVet("-vettool=" + bin)
		t3 := time.Now()
		lintT, vetT, toolT = lintT+t1.Sub(t0), vetT+t2.Sub(t1), toolT+t3.Sub(t2)
	}
	b.ReportMetric(float64(lintT)/float64(vetT), "lint/go-vet")
	b.ReportMetric(float64(lintT)/float64(toolT), "lint/vettool")
	b.Logf("lint %v, go vet %v, go vet -vettool=releasegate-vet %v (totals over %d runs)", lintT, vetT, toolT, b.N)
}

func TestInlineSuppression(t *testing.T) {
	dir := t.TempDir()
	src := "package body\n\nimport \"fmt\"\n\n" +
		"func A(s string) string {\n" +
		"\t//releasegate:ignore[go-json-interpolation] s is a validated slug\n" +
		"\treturn fmt.Sprintf(`{\"slug\":\"%s\"}`, s)\n}\n\n" +
		"func B(s string) string {\n" +
		"\treturn fmt.Sprintf(`{\"slug\":\"%s\"}`, s) //releasegate:ignore[go-json-interpolation]\n}\n"
	for name, body := range map[string]string{"go.mod": "module example.test/body\n\ngo 1.22\n", "body.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := lintDir(t, dir)
	if len(res.Findings) != 2 {
		t.Fatalf("want 2 findings, got:\n%s", dump(res.Findings))
	}
	tests := []struct {
		line       int
		suppressed bool
	}{{7, true}, {11, false}} // a suppression without a reason is not honoured
	for i, tt := range tests {
		f := res.Findings[i]
		if f.Line != tt.line || f.Suppressed != tt.suppressed {
			t.Errorf("finding %d: line %d suppressed %v, want line %d suppressed %v", i, f.Line, f.Suppressed, tt.line, tt.suppressed)
		}
	}
}

// TestTestFilesAreCheckedOnce: like go vet, lint checks _test.go files
// (with the analyzers that read them: go-json-interpolation does not),
// and a finding in a file shared by a package and its test variant is
// reported once.
func TestTestFilesAreCheckedOnce(t *testing.T) {
	dir := linttest.Write(t, map[string]string{
		"go.mod":         "module example.test/tt\n\ngo 1.22\n",
		"tt.go":          "package tt\n\nimport \"fmt\"\n\nfunc Body(s string) string { return fmt.Sprintf(`{\"a\":\"%s\"}`, s) }\n",
		"tt_test.go":     "package tt\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestX(t *testing.T) { _ = os.Getenv(\"DOCKERHUB_TOKEN\") }\n",
		"ext_test.go":    "package tt_test\n\nimport \"testing\"\n\nfunc TestY(t *testing.T) {}\n",
		"only/o_test.go": "package only\n",
		".releasegate.yaml": "version: 1\nsecrets:\n  DOCKERHUB_TOKEN_RW:\n    scopes: [read, write]\n" +
			"families:\n  DOCKERHUB_TOKEN:\n    hosts: [hub.docker.com]\n",
	})
	res := lintDir(t, dir)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line))
	}
	if want := []string{"tt.go:5", "tt_test.go:8"}; !slices.Equal(got, want) {
		t.Errorf("findings at %v, want %v", got, want)
	}
	if res.Scanned.GoPackages != 1 {
		t.Errorf("scanned %d packages, want 1", res.Scanned.GoPackages)
	}
}

// fixModule has two calls that the go-json-interpolation fix rewrites in
// one file, which are that file's only uses of fmt: each fix alone keeps
// fmt (the other call still uses it), so the driver must drop the import.
var fixModule = map[string]string{
	"go.mod": "module example.test/fixme\n\ngo 1.22\n",
	"body.go": `package fixme

import (
	"fmt"
	"strings"
)

// Login and Refresh paste tokens inside JSON quotes.
func Login(user, token string) *strings.Reader {
	return strings.NewReader(fmt.Sprintf(` + "`" + `{"username":"%s","password":"%s"}` + "`" + `, user, token))
}

func Refresh(token string) string {
	return fmt.Sprintf(` + "`" + `{"refresh_token": "%s"}` + "`" + `, token)
}
`,
}

// TestLintFixMatchesVetFix: `releasegate lint --fix` writes what `go vet
// -vettool=releasegate-vet -fix` writes, and the result builds.
func TestLintFixMatchesVetFix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds releasegate-vet and runs go vet -fix")
	}
	bin, err := vetTool()
	if err != nil {
		t.Fatal(err)
	}
	byVet, byLint := linttest.Write(t, fixModule), linttest.Write(t, fixModule)
	cmd := exec.Command("go", "vet", "-vettool="+bin, "-fix", "./...")
	cmd.Dir = byVet
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet -fix: %v\n%s", err, out)
	}
	t.Chdir(byLint)
	res := lintDir(t, byLint)
	plan, err := fix.NewPlan(res.Findings, fix.Options{Read: os.ReadFile})
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Write(func(p string) string { return p }); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(byVet, "body.go"))
	got, _ := os.ReadFile(filepath.Join(byLint, "body.go"))
	if string(got) != string(want) {
		t.Errorf("lint --fix wrote\n%s\ngo vet -fix wrote\n%s", got, want)
	}
	if strings.Contains(string(got), `"fmt"`) || !strings.Contains(string(got), `"encoding/json"`) {
		t.Errorf("imports not tidied:\n%s", got)
	}
	build := exec.Command("go", "build", "./...")
	build.Dir = byLint
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("the fixed module does not build: %v\n%s", err, out)
	}
}
