package action

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeBinary stands in for a released releasegate: install.sh runs
// `releasegate version` once it is installed.
const fakeBinary = "#!/bin/sh\necho 'releasegate 1.2.3 (from the test release)'\n"

// release is a GitHub release as the download URLs see it:
// /TAG/FILE -> content.
type release map[string][]byte

// server serves releases like github.com/…/releases/download and records
// the paths asked for.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	asked []string
}

func serve(t *testing.T, files release) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.asked = append(s.asked, r.URL.Path)
		s.mu.Unlock()
		b, ok := files[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.asked)
}

// tarGz is a release archive holding content under each of names (the
// two binaries, unless a test leaves one out).
func tarGz(t *testing.T, content string, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	files := []struct{ name, body string }{{"README.md", "# releasegate\n"}}
	for _, name := range names {
		files = append(files, struct{ name, body string }{name, content})
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipped(t *testing.T, content string, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range names {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// published is release v1.2.3 with the given archives and a checksums.txt
// listing them as GoReleaser writes it ("SUM  NAME").
func published(archives map[string][]byte) release {
	r := release{}
	var sums strings.Builder
	for name, b := range archives {
		r["v1.2.3/"+name] = b
		fmt.Fprintf(&sums, "%s  %s\n", sum(b), name)
	}
	r["v1.2.3/checksums.txt"] = []byte(sums.String())
	return r
}

// runner is the part of a GitHub runner install.sh reads and writes.
type runner struct {
	toolCache, temp, output, path, env string
}

func newRunner(t *testing.T) runner {
	dir := t.TempDir()
	r := runner{
		toolCache: filepath.Join(dir, "tool-cache"),
		temp:      filepath.Join(dir, "temp"),
		output:    filepath.Join(dir, "github_output"),
		path:      filepath.Join(dir, "github_path"),
		env:       filepath.Join(dir, "github_env"),
	}
	for _, d := range []string{r.toolCache, r.temp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// install runs install.sh with the runner's variables plus vars, and
// returns its exit code and combined output.
func (r runner) install(t *testing.T, vars ...string) (int, string) {
	t.Helper()
	// Read the script here, not only in bash, so that go test's cache
	// notices when it changes.
	if _, err := os.ReadFile("install.sh"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "install.sh")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RG_") && !strings.HasPrefix(kv, "RUNNER_") && !strings.HasPrefix(kv, "GITHUB_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "RUNNER_OS=Linux", "RUNNER_ARCH=X64",
		"RUNNER_TOOL_CACHE="+r.toolCache, "RUNNER_TEMP="+r.temp,
		"GITHUB_OUTPUT="+r.output, "GITHUB_PATH="+r.path, "GITHUB_ENV="+r.env)
	cmd.Env = append(cmd.Env, vars...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("bash install.sh: %v", err)
		}
		code = ee.ExitCode()
	}
	return code, string(out)
}

// installed is the binary path install.sh wrote to $GITHUB_OUTPUT, or "".
func (r runner) installed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(r.output)
	if os.IsNotExist(err) {
		return ""
	} else if err != nil {
		t.Fatal(err)
	}
	path, _ := strings.CutPrefix(strings.TrimSpace(string(b)), "path=")
	return path
}

// untouched fails if install.sh changed the job's PATH or environment.
func (r runner) untouched(t *testing.T) {
	t.Helper()
	for _, f := range []string{r.path, r.env} {
		if b, err := os.ReadFile(f); err == nil && len(b) > 0 {
			t.Errorf("install.sh wrote to %s:\n%s", filepath.Base(f), b)
		}
	}
}

// halves are the two binaries of a release archive.
var halves = []string{"releasegate", "releasegate-gate"}

func TestInstallRelease(t *testing.T) {
	linux := tarGz(t, fakeBinary, halves...)
	good := published(map[string][]byte{
		"releasegate_1.2.3_linux_amd64.tar.gz":  linux,
		"releasegate_1.2.3_darwin_arm64.tar.gz": tarGz(t, fakeBinary, halves...),
		"releasegate_1.2.3_windows_amd64.zip":   zipped(t, fakeBinary, "releasegate.exe", "releasegate-gate.exe"),
	})
	// tampered: the archive was replaced after checksums.txt was written.
	tampered := published(map[string][]byte{"releasegate_1.2.3_linux_amd64.tar.gz": linux})
	tampered["v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz"] = tarGz(t, "#!/bin/sh\necho pwned\n", halves...)
	// unlisted: checksums.txt does not name the archive.
	unlisted := published(map[string][]byte{"releasegate_1.2.3_linux_arm64.tar.gz": linux})
	unlisted["v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz"] = linux
	// ambiguous: two different sums for the same archive.
	ambiguous := published(map[string][]byte{"releasegate_1.2.3_linux_amd64.tar.gz": linux})
	ambiguous["v1.2.3/checksums.txt"] = append(ambiguous["v1.2.3/checksums.txt"], []byte(strings.Repeat("0", 64)+"  releasegate_1.2.3_linux_amd64.tar.gz\n")...)
	noSums := published(map[string][]byte{"releasegate_1.2.3_linux_amd64.tar.gz": linux})
	delete(noSums, "v1.2.3/checksums.txt")
	// lintOnly: an archive without the gate half.
	lintOnly := published(map[string][]byte{"releasegate_1.2.3_linux_amd64.tar.gz": tarGz(t, fakeBinary, "releasegate")})

	for _, tc := range []struct {
		name    string
		release release
		vars    []string
		want    string // the binary under the tool cache; "" means refused
		asks    string // the archive requested
		message string // in the output
	}{
		{"the action's own tag", good, []string{"RG_ACTION_REF=v1.2.3"},
			"releasegate/1.2.3/amd64/releasegate", "/v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz", "matches checksums.txt"},
		{"the version input wins over the ref", good, []string{"RG_VERSION=1.2.3", "RG_ACTION_REF=main"},
			"releasegate/1.2.3/amd64/releasegate", "/v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz", "matches checksums.txt"},
		{"the tag from the action's directory when action_ref is empty", good, []string{"RG_ACTION_PATH=/home/runner/work/_actions/releasegate/releasegate/v1.2.3"},
			"releasegate/1.2.3/amd64/releasegate", "/v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz", "matches checksums.txt"},
		{"macOS on arm64", good, []string{"RG_ACTION_REF=v1.2.3", "RUNNER_OS=macOS", "RUNNER_ARCH=ARM64"},
			"releasegate/1.2.3/arm64/releasegate", "/v1.2.3/releasegate_1.2.3_darwin_arm64.tar.gz", "matches checksums.txt"},
		{"Windows gets the zip", good, []string{"RG_ACTION_REF=v1.2.3", "RUNNER_OS=Windows"},
			"releasegate/1.2.3/amd64/releasegate.exe", "/v1.2.3/releasegate_1.2.3_windows_amd64.zip", "matches checksums.txt"},
		{"an archive that does not match checksums.txt is refused", tampered, []string{"RG_ACTION_REF=v1.2.3"},
			"", "/v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz", "checksum mismatch for releasegate_1.2.3_linux_amd64.tar.gz"},
		{"an archive checksums.txt does not list is refused", unlisted, []string{"RG_ACTION_REF=v1.2.3"},
			"", "/v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz", "does not list exactly one SHA-256"},
		{"two sums for one archive are refused", ambiguous, []string{"RG_ACTION_REF=v1.2.3"},
			"", "/v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz", "does not list exactly one SHA-256"},
		{"an archive without the gate binary is refused", lintOnly, []string{"RG_ACTION_REF=v1.2.3"},
			"", "/v1.2.3/releasegate_1.2.3_linux_amd64.tar.gz", "has no releasegate-gate"},
		{"a release without checksums.txt is refused", noSums, []string{"RG_ACTION_REF=v1.2.3"},
			"", "", "could not download"},
		{"a missing release is refused", release{}, []string{"RG_VERSION=v9.9.9"},
			"", "", "could not download"},
		{"a version input that is no release", good, []string{"RG_VERSION=latest"},
			"", "", "is not a release such as v1.2.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, tc.release)
			r := newRunner(t)
			code, out := r.install(t, append([]string{"RG_RELEASES=" + srv.URL}, tc.vars...)...)
			r.untouched(t)
			if tc.asks != "" && !slices.Contains(srv.requests(), tc.asks) {
				t.Errorf("asked for %v, want %s", srv.requests(), tc.asks)
			}
			if !strings.Contains(out, tc.message) {
				t.Errorf("output lacks %q:\n%s", tc.message, out)
			}
			if tc.want == "" {
				if code == 0 || r.installed(t) != "" {
					t.Errorf("exit %d, installed %q; want a refusal\n%s", code, r.installed(t), out)
				}
				if entries, _ := os.ReadDir(filepath.Join(r.toolCache, "releasegate")); len(entries) > 0 {
					t.Errorf("a refused download reached the tool cache")
				}
				return
			}
			want := filepath.Join(r.toolCache, tc.want)
			if code != 0 || r.installed(t) != want {
				t.Fatalf("exit %d, installed %q, want %s\n%s", code, r.installed(t), want, out)
			}
			for _, name := range halves {
				p := filepath.Join(filepath.Dir(want), name+filepath.Ext(want))
				if b, err := os.ReadFile(p); err != nil || string(b) != fakeBinary {
					t.Errorf("%s is not the released one (%v)", p, err)
				}
			}
			if !strings.Contains(out, "releasegate 1.2.3 (from the test release)") {
				t.Errorf("install.sh did not run the installed binary:\n%s", out)
			}
		})
	}
}

// TestInstallUsesToolCache: a verified release is installed once per
// runner; the next job neither downloads nor verifies again.
func TestInstallUsesToolCache(t *testing.T) {
	archive := tarGz(t, fakeBinary, halves...)
	srv := serve(t, published(map[string][]byte{"releasegate_1.2.3_linux_amd64.tar.gz": archive}))
	r := newRunner(t)
	if code, out := r.install(t, "RG_RELEASES="+srv.URL, "RG_ACTION_REF=v1.2.3"); code != 0 {
		t.Fatalf("first install: exit %d\n%s", code, out)
	}
	first := len(srv.requests())
	if err := os.Remove(r.output); err != nil {
		t.Fatal(err)
	}
	code, out := r.install(t, "RG_RELEASES="+srv.URL, "RG_ACTION_REF=v1.2.3")
	if code != 0 || !strings.Contains(out, "from the tool cache") || r.installed(t) == "" {
		t.Fatalf("second install: exit %d\n%s", code, out)
	}
	if n := len(srv.requests()); n != first {
		t.Errorf("second install sent %d requests; want none", n-first)
	}
}

// TestInstallBuildsUntaggedRefFromSource: `uses: ./` or a branch has no
// release; the action builds its own source with the Go on PATH and
// leaves the job's PATH and environment alone. The source is a stand-in
// module with the same layout (cmd/releasegate, `version` naming the
// commit it was given): the test is about the script, and a real build
// of releasegate would cost CI minutes from a cold cache.
func TestInstallBuildsUntaggedRefFromSource(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	src := standInSource(t)
	r := newRunner(t)
	// A job cross-compiling for another platform must still get a
	// releasegate that runs here.
	code, out := r.install(t, "RG_ACTION_REF=main", "RG_ACTION_PATH="+src, "GOOS=plan9", "GOFLAGS=-mod=vendor")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	r.untouched(t)
	bin := r.installed(t)
	if bin == "" || !strings.HasPrefix(bin, r.temp) {
		t.Fatalf("installed %q, want a binary under RUNNER_TEMP", bin)
	}
	head, err := exec.Command("git", "-C", src, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "commit:  " + strings.TrimSpace(string(head)); !strings.Contains(out, want) {
		t.Errorf("the source build does not name its commit (%s):\n%s", want, out)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(bin), "releasegate-gate")); err != nil {
		t.Errorf("the source build left no gate binary beside releasegate: %v", err)
	}
}

// standInSource writes a git repository holding a module laid out like
// releasegate's, whose binary prints what `releasegate version` prints
// about the commit it was built with (-X main.commit).
func standInSource(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.test/releasegate\n\ngo 1.22\n",
		"cmd/releasegate/main.go": "package main\n\nimport \"fmt\"\n\nvar commit string\n\n" +
			"func main() { fmt.Printf(\"releasegate devel\\ncommit:  %s\\n\", commit) }\n",
		"cmd/releasegate-gate/main.go": "package main\n\nfunc main() {}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "-m", "stand-in"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func TestInstallWithoutGoAsksForAVersion(t *testing.T) {
	r := newRunner(t)
	cmd := exec.Command("bash", "-c", "command -v go", "x")
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	if cmd.Run() == nil {
		t.Skip("go is installed in /usr/bin or /bin; cannot hide it")
	}
	code, out := r.install(t, "RG_ACTION_REF=main", "RG_ACTION_PATH=/nowhere", "PATH=/usr/bin:/bin")
	if code == 0 || !strings.Contains(out, "set the action's version input") {
		t.Errorf("exit %d, want a refusal that names the version input:\n%s", code, out)
	}
	r.untouched(t)
}
