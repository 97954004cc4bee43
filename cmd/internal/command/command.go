// Package command holds what every releasegate subcommand shares, in
// whichever binary it is linked: the global flags and streams (Env), the
// outcome a command exits with, and the helpers that write its results.
//
// The lint binary (cmd/releasegate) and the gate binary
// (cmd/releasegate-gate) both build their commands on it; it imports
// neither half.
package command

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/releasegate/releasegate/config"
	"github.com/releasegate/releasegate/internal/outputfile"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// Env holds the flags every command takes, the streams it writes to, the
// rule catalogue and the build identity.
type Env struct {
	ConfigFile string
	Format     string // set by the commands that write results (FormatFlag)
	Output     string
	FailOn     string
	Quiet      bool
	ColorMode  string

	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Rules          *rule.Set
	Build          Build // what the release build stamped, completed from Go's build information
}

// GlobalFlags declares the flags every command takes on root.
func (c *Env) GlobalFlags(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&c.ConfigFile, "config", "", "configuration `FILE` (default: .releasegate.yaml searched upward from the first PATH)")
	pf.StringVarP(&c.Output, "output", "o", "", "write output to `FILE` instead of stdout")
	pf.StringVar(&c.FailOn, "fail-on", "error", "lowest severity that fails the run (`error|warning|note`)")
	pf.BoolVarP(&c.Quiet, "quiet", "q", false, "print nothing when there is nothing to report")
	pf.StringVar(&c.ColorMode, "color", "auto", "when to colour text output (`auto|always|never`); auto colours a terminal unless NO_COLOR is set")
	Complete(root, "fail-on", Severities...)
	Complete(root, "color", ColorModes...)
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")
}

// CheckGlobalFlags validates the global flags cobra cannot.
func (c *Env) CheckGlobalFlags() error {
	if !slices.Contains(ColorModes, c.ColorMode) {
		return Undecided(fmt.Errorf("--color %q: want auto, always or never", c.ColorMode))
	}
	return nil
}

// Threshold parses --fail-on.
func (c *Env) Threshold() (rule.Severity, error) {
	s, err := rule.ParseSeverity(c.FailOn)
	if err != nil {
		return "", fmt.Errorf("--fail-on: %w", err)
	}
	return s, nil
}

// LoadConfig reads --config, or discovers a file upward from start. With
// no file it returns the default configuration. The file must stay inside
// the repository that holds it (the path as given): a checkout is
// untrusted, and its configuration may be a symlink to anywhere.
func (c *Env) LoadConfig(start string) (*config.Config, error) {
	file := c.ConfigFile
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
	root, err := config.RepositoryRoot(file)
	if err != nil {
		return nil, err
	}
	if root == "" && c.ConfigFile == "" {
		root = filepath.Dir(file) // discovered outside any repository: it must not lead elsewhere either
	}
	cfg, err := config.Load(file, config.WithRoot(root))
	if err != nil {
		return nil, err
	}
	if err := cfg.CheckRuleIDs(c.Rules.Check); err != nil {
		return nil, err
	}
	return cfg, nil
}

// OpenOutput returns where results go: --output FILE or stdout. A file
// is written as every output is (package outputfile): its close renames
// it into place, and a path that is a symbolic link is refused.
func (c *Env) OpenOutput() (io.Writer, func() error, error) {
	if c.Output == "" || c.Output == "-" {
		return c.Stdout, func() error { return nil }, nil
	}
	f, err := outputfile.Create(c.Output)
	if err != nil {
		return nil, nil, fmt.Errorf("--output: %w", err)
	}
	return f, f.Close, nil
}

// Color reports whether text output should be coloured: --color always or
// never decides; auto colours a terminal, unless NO_COLOR is set.
func (c *Env) Color() bool {
	switch c.ColorMode {
	case "always":
		return true
	case "never":
		return false
	}
	if c.Output != "" && c.Output != "-" {
		return false
	}
	f, ok := c.Stdout.(*os.File)
	return ok && report.ColorWanted(f)
}

// FormatFlag gives a command --format with the formats it writes; help
// and shell completion list exactly those.
func (c *Env) FormatFlag(cmd *cobra.Command, formats []string) {
	cmd.Flags().StringVar(&c.Format, "format", "text", "output format (`"+strings.Join(formats, "|")+"`)")
	Complete(cmd, "format", formats...)
}

// ColorModes are the values of --color.
var ColorModes = []string{"auto", "always", "never"}

// Severities are the values of --fail-on.
var Severities = []string{string(rule.Error), string(rule.Warning), string(rule.Note)}

// Complete completes a flag of cmd with fixed values, and no file names.
func Complete(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// ExitError carries a run's outcome out of a cobra command.
type ExitError struct {
	Outcome report.Outcome
	Err     error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

// WithOutcome returns an error that makes Main exit with the outcome's
// code. A nil err means "exit quietly".
func WithOutcome(o report.Outcome, err error) error { return &ExitError{o, err} }

// Undecided is the error of a run that could not run or decide (exit 2).
func Undecided(err error) error { return &ExitError{report.Undecided, err} }

// ExitCode maps what a command returned to the process exit code, and
// prints its error as one line, escaped as every untrusted string in text
// output is (report.Text): errors name files of the checkout.
func ExitCode(err error, stderr io.Writer) int {
	if err == nil {
		return report.Holds.ExitCode()
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(stderr, "releasegate: "+report.Text(OneLine(ee.Err.Error())))
		}
		return ee.Outcome.ExitCode()
	}
	// Flag and argument errors from cobra.
	fmt.Fprintln(stderr, "releasegate: "+report.Text(OneLine(err.Error())))
	return report.Undecided.ExitCode()
}

// OneLine folds s onto one line.
func OneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// AppendFile appends what write writes to path ($GITHUB_STEP_SUMMARY,
// $GITHUB_OUTPUT), refusing a path that is a symbolic link.
func AppendFile(path string, write func(io.Writer) error) error {
	return outputfile.Append(path, write)
}

// CreateFile replaces path with what write writes, through a temporary
// file renamed into place; a path that is a symbolic link is refused.
func CreateFile(path string, write func(io.Writer) error) error {
	return outputfile.Write(path, write)
}
