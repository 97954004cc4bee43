// Package config loads .releasegate.yaml (SPEC §4): token scopes, token
// families, parity specs and the gate settings shared by both halves.
//
// Loading is strict: an unknown key, a value of the wrong type or a
// reference that points nowhere is an error naming file:line:col, because a
// typo in a policy file must never silently turn a check off.
package config

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/releasegate/releasegate/rule"
)

// FileNames are the names searched for, in order.
var FileNames = []string{".releasegate.yaml", ".releasegate.yml"}

// Config is a loaded configuration file.
type Config struct {
	Version  int
	Secrets  []Secret // in file order
	Families []Family // in file order
	Parity   []Parity
	Gate     Gate
	Rules    map[string]rule.Setting // per-rule severity override or "off"
	// Runbooks are globs (relative to Dir) of the Markdown files that
	// runbook-link checks besides those it finds on its own: files under a
	// runbooks folder, files the workflows link to, parity sources. "**"
	// checks every Markdown file.
	Runbooks []string
	// Exclude lists paths (relative to Dir, slash-separated) or globs
	// (doublestar: ** matches any number of directories) that lint skips;
	// a directory excludes everything below it.
	Exclude    []string
	excludePos []Pos
	Lint       Lint
	rulePos    []rulePos

	// Path is the file the configuration came from ("" for the built-in
	// default), and Dir the directory relative paths in it resolve from.
	Path string
	Dir  string
}

// Lint holds settings of the lint command.
type Lint struct {
	// Baseline is a baseline file (relative to Dir, slash-separated)
	// whose recorded findings lint hides: `lint --baseline-write` makes it.
	Baseline string
	Pos      Pos
}

// BaselinePath is the configured baseline as a file system path, or "".
func (c *Config) BaselinePath() string {
	if c.Lint.Baseline == "" {
		return ""
	}
	return filepath.Join(c.Dir, filepath.FromSlash(c.Lint.Baseline))
}

// Secret is a declared secret and where it may and must be used.
type Secret struct {
	Name     string
	Scopes   []string // read, write, delete
	Allowed  []Scope
	Required []Scope
	Pos      Pos
}

// HasScope reports whether the secret was declared with scope s.
func (s Secret) HasScope(scope string) bool {
	for _, x := range s.Scopes {
		if x == scope {
			return true
		}
	}
	return false
}

// Scope is a workflow (glob, relative to .github/workflows) optionally
// narrowed to jobs ("file.yml#job-glob").
type Scope struct {
	Workflow string
	Job      string // "" means every job
	Raw      string
	Pos      Pos
}

// MatchesWorkflow reports whether the scope covers the workflow file name
// (relative to .github/workflows) at all, for any job.
func (s Scope) MatchesWorkflow(name string) bool {
	ok, _ := doublestar.Match(s.Workflow, name)
	return ok
}

// Matches reports whether the scope covers job in workflow name. An empty
// job means workflow-level (outside any job), which only a job-less scope
// covers.
func (s Scope) Matches(name, job string) bool {
	if !s.MatchesWorkflow(name) {
		return false
	}
	if s.Job == "" {
		return true
	}
	if job == "" {
		return false
	}
	ok, _ := path.Match(s.Job, job)
	return ok
}

// Family is a name prefix under which only declared secrets may exist.
type Family struct {
	Prefix string
	Hosts  []string
	Pos    Pos
}

// Contains reports whether name belongs to the family.
func (f Family) Contains(name string) bool {
	return strings.HasPrefix(strings.ToUpper(name), strings.ToUpper(f.Prefix))
}

// Parity is a source section and the copies that must mirror it.
type Parity struct {
	Name   string
	Source string // path#anchor, relative to the config directory
	Mode   string // facts | exact
	Copies []ParityCopy
	Pos    Pos
}

// ParityCopy is one copy of a parity source.
type ParityCopy struct {
	File       string
	Section    string
	Replace    map[string]string
	ExtraItems string // deny | allow
	Pos        Pos
}

// Gate holds the registry-side settings.
type Gate struct {
	Images       []string
	Platforms    []string
	ArchTag      string
	MovingTags   []string
	OnExisting   string // fail | skip | warn
	Attestations Attestations
	Policies     []string
	Probe        Probe
	Pos          Pos
}

// Probe configures `gate probe` over whole registries.
type Probe struct {
	Catalogs []string // HOST[:PORT] whose every repository and tag is walked
	Repos    []string // repository globs; a leading ! excludes
	Tags     []string // tag globs; a leading ! excludes
	Pos      Pos
}

// Attestations configures signature and attestation verification.
type Attestations struct {
	Required       bool
	TrustedRoot    string
	PublicKey      string // PEM file, for key-based verification instead of certificates
	Identity       Identity
	PredicateTypes []string
	Pos            Pos
}

// Identity is the expected signer of an attestation.
type Identity struct {
	Issuer           string
	SANRegex         string
	SourceRepository string
	SourceRef        string
	BuildSignerURI   string
}

// Pos is a position in the configuration file.
type Pos struct{ Line, Col int }

// Secret returns the declared secret with the given name.
func (c *Config) Secret(name string) (Secret, bool) {
	for _, s := range c.Secrets {
		if s.Name == name {
			return s, true
		}
	}
	return Secret{}, false
}

// FamilyOf returns the family a name belongs to (the longest prefix wins).
func (c *Config) FamilyOf(name string) (Family, bool) {
	var best Family
	found := false
	for _, f := range c.Families {
		if f.Contains(name) && len(f.Prefix) > len(best.Prefix) {
			best, found = f, true
		}
	}
	return best, found
}

// Where renders a config position for messages.
func (c *Config) Where(p Pos) string {
	file := c.Path
	if file == "" {
		file = "<default config>"
	}
	if p.Line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col)
}

// Default is the configuration used when no file is found: no secrets, no
// families, no parity, gate settings empty.
func Default(dir string) *Config {
	return &Config{Version: 1, Dir: dir, Gate: Gate{OnExisting: "fail", ArchTag: ""}, Rules: map[string]rule.Setting{}}
}

// Excluded reports whether a file (absolute path) is excluded from lint.
func (c *Config) Excluded(abs string) bool { return c.excludedBy(abs) >= 0 }

// excludedBy returns the index of the first exclude pattern that covers
// the file or a directory above it, or -1.
func (c *Config) excludedBy(abs string) int {
	if len(c.Exclude) == 0 {
		return -1
	}
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return -1
	}
	rel = filepath.ToSlash(rel)
	for i, pat := range c.Exclude {
		pat = strings.TrimSuffix(pat, "/")
		for p := rel; p != "."; p = path.Dir(p) {
			if ok, _ := doublestar.Match(pat, p); ok {
				return i
			}
		}
	}
	return -1
}

// Exclusions applies the exclude patterns to one lint run and remembers
// which matched, so a pattern that matches nothing (a typo, a moved
// directory) can be reported instead of silently excluding nothing.
type Exclusions struct {
	cfg     *Config
	mu      sync.Mutex
	matched []bool
}

// NewExclusions starts tracking the exclude patterns.
func (c *Config) NewExclusions() *Exclusions {
	return &Exclusions{cfg: c, matched: make([]bool, len(c.Exclude))}
}

// Excluded reports whether a file (absolute path) is excluded, and notes
// the pattern that excluded it.
func (e *Exclusions) Excluded(abs string) bool {
	i := e.cfg.excludedBy(abs)
	if i < 0 {
		return false
	}
	e.mu.Lock()
	e.matched[i] = true
	e.mu.Unlock()
	return true
}

// Pattern is an exclude pattern and where the configuration says it.
type Pattern struct {
	Glob string
	Pos  Pos
}

// Unmatched returns the patterns that excluded no file so far.
func (e *Exclusions) Unmatched() []Pattern {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Pattern
	for i, m := range e.matched {
		if !m {
			p := Pattern{Glob: e.cfg.Exclude[i]}
			if i < len(e.cfg.excludePos) {
				p.Pos = e.cfg.excludePos[i]
			}
			out = append(out, p)
		}
	}
	return out
}

// IsRunbook reports whether a Markdown file (absolute path) matches one of
// the configured runbooks globs.
func (c *Config) IsRunbook(abs string) bool {
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, pat := range c.Runbooks {
		if ok, _ := doublestar.Match(pat, rel); ok {
			return true
		}
	}
	return false
}
