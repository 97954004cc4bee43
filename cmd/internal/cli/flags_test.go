package cli

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/checks/catalog"
	"github.com/releasegate/releasegate/cmd/internal/command"
	"github.com/releasegate/releasegate/cmd/internal/gatecli"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// help returns a command's --help text.
func help(t *testing.T, args ...string) string {
	t.Helper()
	code, out, stderr := run(t, "", append(args, "--help")...)
	if code != 0 {
		t.Fatalf("%v --help: exit %d %s", args, code, stderr)
	}
	return out
}

// TestGateCommandsShowTheirOwnFlags: each gate command lists the flags it
// uses, no other command's, and --format lists only what the gate writes.
func TestGateCommandsShowTheirOwnFlags(t *testing.T) {
	tests := []struct {
		cmd       string
		has, lack []string
	}{
		{"preflight", []string{"--version V", "--on-existing fail|skip|warn", "--platform os/arch"}, []string{"--expect", "--ledger"}},
		{"verify", []string{"--version V", "--expect PLATFORM=DIGEST", "--ledger FILE"}, []string{"--on-existing"}},
		{"record", []string{"--version V", "--ledger FILE"}, []string{"--expect", "--on-existing"}},
	}
	for _, tt := range tests {
		out := help(t, "gate", tt.cmd)
		for _, want := range append(tt.has, "--format text|json|github", "--image REF", "--timeout DURATION", "--config FILE", "--color auto|always|never",
			"--jobs N", "--attempt-timeout DURATION", "--trusted-root FILE") {
			if !strings.Contains(out, want) {
				t.Errorf("gate %s --help lacks %q:\n%s", tt.cmd, want, out)
			}
		}
		for _, bad := range append(tt.lack, "sarif", "gate record`") {
			if strings.Contains(out, bad) {
				t.Errorf("gate %s --help shows %q:\n%s", tt.cmd, bad, out)
			}
		}
	}
	if out := help(t, "lint"); !strings.Contains(out, "--format text|json|sarif|github") || !strings.Contains(out, "--disable RULE[,RULE]") {
		t.Errorf("lint --help:\n%s", out)
	}
}

// TestEveryValueFlagNamesItsValue: no flag's placeholder is a Go type
// ("string", "stringArray", "duration"); each says what to give.
func TestEveryValueFlagNamesItsValue(t *testing.T) {
	root := newRoot(&common{Env: &command.Env{Rules: catalog.Rules()}, extra: gatecli.Commands})
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		visit := func(f *pflag.Flag) {
			name, _ := pflag.UnquoteUsage(f)
			if f.Value.Type() != "bool" && slices.Contains([]string{"string", "strings", "stringArray", "int", "duration"}, name) {
				t.Errorf("%s --%s: placeholder %q names a type, not a value", cmd.CommandPath(), f.Name, name)
			}
		}
		cmd.LocalFlags().VisitAll(visit)
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestColorFlag: --color always colours even into a file, never never
// does; auto colours only a terminal and respects NO_COLOR.
func TestColorFlag(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".github/workflows/w.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-lastest\n    steps:\n      - run: echo\n",
	})
	for _, tt := range []struct {
		args   []string
		colour bool
	}{
		{[]string{"--color", "always"}, true},
		{[]string{"--color", "never"}, false},
		{nil, false}, // auto, and the output is not a terminal
	} {
		_, out, _ := run(t, dir, append([]string{"lint"}, tt.args...)...)
		if strings.Contains(out, "\x1b[") != tt.colour {
			t.Errorf("lint %v: colour %v, want %v:\n%q", tt.args, !tt.colour, tt.colour, out)
		}
	}
	if code, _, stderr := run(t, dir, "lint", "--color", "sometimes"); code != 2 || !strings.Contains(stderr, "--color") {
		t.Errorf("--color sometimes: exit %d %s", code, stderr)
	}
}

// TestQuietPrintsNothingWhenNothingIsReported, suppressed findings
// included; a finding is still printed.
func TestQuietPrintsNothingWhenNothingIsReported(t *testing.T) {
	wf := "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.T_RW }}\n"
	cfg := "version: 1\nsecrets:\n  T_RW: {scopes: [read], allowed: [a.yml]}\n"
	suppressed := writeTree(t, map[string]string{".releasegate.yaml": cfg,
		".github/workflows/b.yml": strings.Replace(wf, "      - run", "      # releasegate:ignore[secret-scope] reviewed\n      - run", 1)})
	if code, out, stderr := run(t, suppressed, "lint", "--quiet"); code != 0 || out != "" || stderr != "" {
		t.Errorf("suppressed only: exit %d, printed %q %q", code, out, stderr)
	}
	reported := writeTree(t, map[string]string{".releasegate.yaml": cfg, ".github/workflows/b.yml": wf})
	if code, out, _ := run(t, reported, "lint", "--quiet"); code != 1 || !strings.Contains(out, "[secret-scope]") {
		t.Errorf("a finding: exit %d, printed %q", code, out)
	}
}

// TestDidYouMean: a mistyped rule id is refused with the closest one,
// wherever rule ids are accepted.
func TestDidYouMean(t *testing.T) {
	dir := writeTree(t, map[string]string{"README.md": "# x\n"})
	bad := writeTree(t, map[string]string{"README.md": "# x\n", ".releasegate.yaml": "version: 1\nrules:\n  secret-scop: off\n"})
	for _, tt := range []struct {
		dir  string
		args []string
	}{
		{dir, []string{"lint", "--disable", "secret-scop"}},
		{dir, []string{"lint", "--enable-only", "delete-scope,runbook-links"}},
		{dir, []string{"explain", "empty-expresion"}},
		{bad, []string{"lint"}},
	} {
		code, _, stderr := run(t, tt.dir, tt.args...)
		if code != 2 || !strings.Contains(stderr, "did you mean") {
			t.Errorf("%v: exit %d, %s", tt.args, code, stderr)
		}
	}
	_, _, stderr := run(t, dir, "lint", "--disable", "secret-scop")
	if !strings.Contains(stderr, `--disable: unknown rule "secret-scop" (did you mean "secret-scope"?`) {
		t.Errorf("message %q", stderr)
	}
	if _, _, stderr := run(t, bad, "lint"); !strings.Contains(stderr, `.releasegate.yaml:3:3: rules: unknown rule "secret-scop" (did you mean "secret-scope"?`) {
		t.Errorf("config message %q", stderr)
	}
}

// TestCompletion asks cobra's completion entry point what a shell would.
func TestCompletion(t *testing.T) {
	complete := func(args ...string) []string {
		t.Helper()
		var out, errOut bytes.Buffer
		runMain(append([]string{cobra.ShellCompRequestCmd}, args...), strings.NewReader(""), &out, &errOut)
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			if !strings.HasPrefix(l, ":") {
				got = append(got, strings.SplitN(l, "\t", 2)[0])
			}
		}
		return got
	}
	tests := []struct {
		args       []string
		has, lacks []string
	}{
		{[]string{"explain", "secret-s"}, []string{"secret-scope"}, []string{"delete-scope"}},
		{[]string{"explain", ""}, []string{"tag-exists", "go-delete-scope"}, nil},
		{[]string{"lint", "--disable", "secret-scope,del"}, []string{"secret-scope,delete-scope"}, []string{"secret-scope,secret-scope"}},
		{[]string{"lint", "--enable-only", ""}, []string{"parity-drift", "go-json-interpolation"}, []string{"tag-exists"}},
		{[]string{"lint", "--format", ""}, []string{"text", "json", "sarif", "github"}, nil},
		{[]string{"gate", "verify", "--format", ""}, []string{"text", "json", "github"}, []string{"sarif"}},
		{[]string{"lint", "--fail-on", ""}, []string{"error", "warning", "note"}, nil},
		{[]string{"lint", "--color", ""}, []string{"auto", "always", "never"}, nil},
		{[]string{"gate", "preflight", "--on-existing", ""}, []string{"fail", "skip", "warn"}, nil},
	}
	for _, tt := range tests {
		got := complete(tt.args...)
		for _, w := range tt.has {
			if !slices.ContainsFunc(got, func(g string) bool { return g == w }) {
				t.Errorf("completing %q: %v lacks %q", tt.args, got, w)
			}
		}
		for _, w := range tt.lacks {
			if slices.Contains(got, w) {
				t.Errorf("completing %q: %v offers %q", tt.args, got, w)
			}
		}
	}
}
