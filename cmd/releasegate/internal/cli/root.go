// Package cli implements the releasegate command line (SPEC §2, §3).
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Version is set at build time with -ldflags "-X github.com/releasegate/releasegate/cmd/releasegate/internal/cli.Version=v1.2.3".
var Version = "dev"

// exitError carries a run's outcome out of a cobra command.
type exitError struct {
	outcome report.Outcome
	err     error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

// withOutcome returns an error that makes Main exit with the outcome's
// code. A nil err means "exit quietly".
func withOutcome(o report.Outcome, err error) error { return &exitError{o, err} }

// undecided is the error of a run that could not run or decide (exit 2).
func undecided(err error) error { return &exitError{report.Undecided, err} }

// common holds the flags every command takes.
type common struct {
	configFile string
	format     string // set by the commands that write results (formatFlag)
	output     string
	failOn     string
	quiet      bool
	colorMode  string

	stdin          io.Reader
	stdout, stderr io.Writer
	rules          *rule.Set
}

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &common{stdin: stdin, stdout: stdout, stderr: stderr, rules: Rules()}
	root := newRoot(c)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return report.Holds.ExitCode()
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "releasegate: "+oneLine(ee.err.Error()))
		}
		return ee.outcome.ExitCode()
	}
	// Flag and argument errors from cobra.
	fmt.Fprintln(stderr, "releasegate: "+oneLine(err.Error()))
	return report.Undecided.ExitCode()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func newRoot(c *common) *cobra.Command {
	root := &cobra.Command{
		Use:   "releasegate",
		Short: "Stop broken container releases before they ship",
		Long: "releasegate lints release workflows, composite actions, runbooks and Go release tools " +
			"(lint), and checks registries at release time (gate).\n\n" +
			"Exit codes: 0 everything checked holds, 1 findings at or above --fail-on, 2 could not run or decide.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&c.configFile, "config", "", "configuration `FILE` (default: .releasegate.yaml searched upward from the first PATH)")
	pf.StringVarP(&c.output, "output", "o", "", "write output to `FILE` instead of stdout")
	pf.StringVar(&c.failOn, "fail-on", "error", "lowest severity that fails the run (`error|warning|note`)")
	pf.BoolVarP(&c.quiet, "quiet", "q", false, "print nothing when there is nothing to report")
	pf.StringVar(&c.colorMode, "color", "auto", "when to colour text output (`auto|always|never`); auto colours a terminal unless NO_COLOR is set")
	complete(root, "fail-on", severities...)
	complete(root, "color", colorModes...)
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return undecided(err) })
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if !slices.Contains(colorModes, c.colorMode) {
			return undecided(fmt.Errorf("--color %q: want auto, always or never", c.colorMode))
		}
		return nil
	}

	root.AddCommand(newLintCmd(c), newGateCmd(c), newDemoCmd(c), newRulesCmd(c), newExplainCmd(c), newVersionCmd(c))
	return root
}

// threshold parses --fail-on.
func (c *common) threshold() (rule.Severity, error) {
	s, err := rule.ParseSeverity(c.failOn)
	if err != nil {
		return "", fmt.Errorf("--fail-on: %w", err)
	}
	return s, nil
}

// loadConfig reads --config, or discovers a file upward from start. With
// no file it returns the default configuration.
func (c *common) loadConfig(start string) (*config.Config, error) {
	file := c.configFile
	if file == "" {
		found, err := config.Discover(start)
		if err != nil {
			return nil, err
		}
		file = found
	}
	if file == "" {
		dir, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		return config.Default(dir), nil
	}
	cfg, err := config.Load(file)
	if err != nil {
		return nil, err
	}
	if err := cfg.CheckRuleIDs(c.rules.Check); err != nil {
		return nil, err
	}
	return cfg, nil
}

// openOutput returns where results go: --output FILE or stdout.
func (c *common) openOutput() (io.Writer, func() error, error) {
	if c.output == "" || c.output == "-" {
		return c.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(c.output)
	if err != nil {
		return nil, nil, fmt.Errorf("--output: %w", err)
	}
	return f, f.Close, nil
}

// colorModes are the values of --color.
var colorModes = []string{"auto", "always", "never"}

// color reports whether text output should be coloured: --color always or
// never decides; auto colours a terminal, unless NO_COLOR is set.
func (c *common) color() bool {
	switch c.colorMode {
	case "always":
		return true
	case "never":
		return false
	}
	if c.output != "" && c.output != "-" {
		return false
	}
	f, ok := c.stdout.(*os.File)
	return ok && report.ColorWanted(f)
}

// formatFlag gives a command --format with the formats it writes; help
// and shell completion list exactly those.
func (c *common) formatFlag(cmd *cobra.Command, formats []string) {
	cmd.Flags().StringVar(&c.format, "format", "text", "output format (`"+strings.Join(formats, "|")+"`)")
	complete(cmd, "format", formats...)
}
