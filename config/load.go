package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/releasegate/releasegate/internal/inputfile"
	"github.com/releasegate/releasegate/internal/yamlerr"
	"github.com/releasegate/releasegate/internal/yamlguard"
	"github.com/releasegate/releasegate/rule"

	"github.com/releasegate/releasegate/internal/lazyre"
)

// Error is a configuration problem at a position in the file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	default:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
}

// Discover looks for a configuration file in start (a file's directory or
// a directory) and its parents, stopping at the repository root (the first
// directory holding .git). It returns "" when there is none.
func Discover(start string) (string, error) {
	file, _, err := discover(start)
	return file, err
}

// RepositoryRoot returns the first directory from start (a file's
// directory or a directory) upward that holds .git, or "" outside any
// repository. It is the boundary Load's WithRoot expects.
func RepositoryRoot(start string) (string, error) {
	_, root, err := discover(start)
	return root, err
}

// discover walks up from start: the nearest configuration file below the
// repository root, and the root itself.
func discover(start string) (file, root string, err error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", "", err
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	for {
		if file == "" {
			for _, name := range FileNames {
				p := filepath.Join(dir, name)
				if st, err := os.Lstat(p); err == nil && !st.IsDir() {
					file = p
					break
				}
			}
		}
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return file, dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return file, "", nil
		}
		dir = parent
	}
}

// LoadOption configures Load.
type LoadOption func(*loadOptions)

type loadOptions struct{ root string }

// WithRoot sets the repository root the file must stay inside once
// symbolic links are resolved (a committed .releasegate.yaml that links
// to /etc/passwd is refused, naming the path, never quoting the target).
// Without it the file may be anywhere, but must still be a regular file.
func WithRoot(dir string) LoadOption { return func(o *loadOptions) { o.root = dir } }

// MaxFileBytes is the most of a configuration file Load reads.
const MaxFileBytes = 1 << 20

// Load reads and validates a configuration file: a regular file (inside
// the root, see WithRoot) of at most MaxFileBytes.
func Load(file string, opts ...LoadOption) (*Config, error) {
	var o loadOptions
	for _, opt := range opts {
		opt(&o)
	}
	root, err := inputfile.NewRoot(o.root)
	if err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	data, err := root.ReadFile(file, MaxFileBytes)
	if err != nil {
		return nil, &Error{File: file, Msg: "cannot read configuration: " + readReason(err)}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, filepath.Dir(abs), data)
}

// readReason is why a file could not be read, without its path (the
// Error names it).
func readReason(err error) string {
	var ie *inputfile.Error
	if errors.As(err, &ie) {
		return ie.Message()
	}
	return err.Error()
}

// Parse decodes configuration text. name is used in error messages and dir
// is where relative paths resolve from. The text must hold exactly one
// YAML document, a mapping, whose aliases stay within yamlguard's bound.
func Parse(name, dir string, data []byte) (*Config, error) {
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, &Error{File: name, Msg: "not a text file (binary content): expected YAML"}
	}
	top, err := document(name, data)
	if err != nil {
		return nil, err
	}
	c := Default(dir)
	c.Path = name
	d := &decoder{file: name}
	if err := d.config(top, c); err != nil {
		return nil, err
	}
	return c, nil
}

// document returns the top mapping of the file's only document.
func document(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: name, Msg: "configuration is empty: expected a mapping with at least \"version: 1\""}
		}
		return nil, yamlError(name, err)
	}
	if err := yamlguard.CheckNode(&doc); err != nil {
		var ge *yamlguard.Error
		if errors.As(err, &ge) {
			return nil, &Error{File: name, Line: ge.Line, Col: ge.Column, Msg: err.Error()}
		}
		return nil, &Error{File: name, Msg: err.Error()}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &Error{File: name, Line: next.Line, Col: 1,
			Msg: "more than one YAML document: the configuration is one document; remove the \"---\" separator and merge what follows it"}
	case !errors.Is(err, io.EOF):
		return nil, yamlError(name, err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: name, Msg: "configuration is empty: expected a mapping with at least \"version: 1\""}
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: top.Line, Col: top.Column,
			Msg: "configuration: expected a mapping of keys (version:, secrets:, gate:, ...), got " + kindName(top)}
	}
	return top, nil
}

// yamlError turns a yaml.v3 syntax error ("yaml: line 3: ...") into an
// Error with the line pulled out, so every config error has one shape.
func yamlError(name string, err error) error {
	line, msg := yamlerr.Split(err)
	msg = clipTo(msg, 2*maxExcerpt)
	if line > 0 {
		return &Error{File: name, Line: line, Col: 1, Msg: "invalid YAML: " + msg}
	}
	return &Error{File: name, Msg: "invalid YAML: " + msg}
}

var envName = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (d *decoder) config(n *yaml.Node, c *Config) error {
	return d.mapping(n, "configuration", fields{
		"version": func(v *yaml.Node) error {
			ver, err := d.integer(v)
			if err != nil {
				return err
			}
			if ver != 1 {
				return d.errf(v, "unsupported configuration version %d (this releasegate reads version 1)", ver)
			}
			c.Version = ver
			return nil
		},
		"secrets":  func(v *yaml.Node) error { return d.secrets(v, c) },
		"families": func(v *yaml.Node) error { return d.families(v, c) },
		"parity":   func(v *yaml.Node) error { return d.parity(v, c) },
		"gate":     func(v *yaml.Node) error { return d.gate(v, &c.Gate) },
		"rules":    func(v *yaml.Node) error { return d.rules(v, c) },
		"runbooks": func(v *yaml.Node) error { return d.list(v, "runbooks", &c.Runbooks, relativeGlob) },
		"lint":     func(v *yaml.Node) error { return d.lint(v, c) },
		"exclude": func(v *yaml.Node) error {
			if err := d.list(v, "exclude", &c.Exclude, relativeGlob); err != nil {
				return err
			}
			for _, item := range v.Content {
				c.excludePos = append(c.excludePos, pos(item))
			}
			return nil
		},
	})
}

func (d *decoder) lint(n *yaml.Node, c *Config) error {
	c.Lint.Pos = pos(n)
	return d.mapping(n, "lint", fields{
		"baseline": func(v *yaml.Node) error {
			s, err := d.str(v)
			if err != nil {
				return err
			}
			if s == "" || strings.HasPrefix(s, "/") || strings.Contains(s, `\`) {
				return d.errf(v, "lint.baseline: %q is not a relative path (slash-separated, from this file's directory)", s)
			}
			c.Lint.Baseline = s
			return nil
		},
	})
}

func (d *decoder) secrets(n *yaml.Node, c *Config) error {
	return d.each(n, "secrets", func(k, v *yaml.Node) error {
		s := Secret{Name: k.Value, Pos: pos(k)}
		if !envName().MatchString(s.Name) {
			return d.errf(k, "secret name %q is not a valid identifier", s.Name)
		}
		err := d.mapping(v, "secret "+s.Name, fields{
			"scopes":   func(v *yaml.Node) error { return d.scopes(v, &s) },
			"allowed":  func(v *yaml.Node) error { return d.workflowScopes(v, "secrets."+s.Name+".allowed", &s.Allowed) },
			"required": func(v *yaml.Node) error { return d.workflowScopes(v, "secrets."+s.Name+".required", &s.Required) },
		})
		if err != nil {
			return err
		}
		if len(s.Scopes) == 0 {
			return d.errf(k, "secret %s: scopes is required (a list of read, write, delete)", s.Name)
		}
		if err := d.requiredWithinAllowed(s); err != nil {
			return err
		}
		c.Secrets = append(c.Secrets, s)
		return nil
	})
}

func (d *decoder) scopes(n *yaml.Node, s *Secret) error {
	return d.list(n, "", &s.Scopes, func(v string) error {
		if v != "read" && v != "write" && v != "delete" {
			return complaint("unknown scope %q (want read, write or delete)", v)
		}
		return nil
	})
}

func (d *decoder) workflowScopes(n *yaml.Node, what string, out *[]Scope) error {
	if n.Kind != yaml.SequenceNode {
		return d.errf(n, "expected a list of workflow files (file.yml or file.yml#job)")
	}
	for _, item := range n.Content {
		raw, err := d.str(item)
		if err != nil {
			return err
		}
		wf, job, _ := strings.Cut(raw, "#")
		if wf == "" {
			return d.errf(item, "empty workflow name in %q", raw)
		}
		for _, g := range []string{wf, job} {
			if _, err := filepathMatch(g); err != nil {
				return d.errf(item, "bad glob %q: %v", g, err)
			}
			if err := globBound(g); err != nil {
				return d.at(item, clip(what)+": "+err.Error())
			}
		}
		*out = append(*out, Scope{Workflow: wf, Job: job, Raw: raw, Pos: pos(item)})
	}
	return nil
}

// requiredWithinAllowed rejects a required consumer that the allow list
// forbids: the two rules could never both hold.
func (d *decoder) requiredWithinAllowed(s Secret) error {
	if len(s.Allowed) == 0 {
		return nil
	}
	for _, r := range s.Required {
		covered := false
		for _, a := range s.Allowed {
			if a.Matches(r.Workflow, r.Job) || (r.Job == "" && a.MatchesWorkflow(r.Workflow)) {
				covered = true
			}
		}
		if !covered {
			return &Error{File: d.file, Line: r.Pos.Line, Col: r.Pos.Col,
				Msg: fmt.Sprintf("secret %s: required %q is not covered by its allowed list", s.Name, clip(r.Raw))}
		}
	}
	return nil
}

func (d *decoder) families(n *yaml.Node, c *Config) error {
	return d.each(n, "families", func(k, v *yaml.Node) error {
		f := Family{Prefix: k.Value, Pos: pos(k)}
		if !envName().MatchString(f.Prefix) {
			return d.errf(k, "family prefix %q is not a valid identifier", f.Prefix)
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			c.Families = append(c.Families, f)
			return nil
		}
		err := d.mapping(v, "family "+f.Prefix, fields{
			"hosts": func(v *yaml.Node) error { return d.list(v, "", &f.Hosts, checkHost) },
		})
		c.Families = append(c.Families, f)
		return err
	})
}

func (d *decoder) parity(n *yaml.Node, c *Config) error {
	if n.Kind != yaml.SequenceNode {
		return d.errf(n, "parity: expected a list of parity specs")
	}
	seen := map[string]bool{}
	for _, item := range n.Content {
		p := Parity{Mode: "facts", Pos: pos(item)}
		err := d.mapping(item, "parity spec", fields{
			"name":   func(v *yaml.Node) error { return d.into(v, &p.Name) },
			"source": func(v *yaml.Node) error { return d.into(v, &p.Source) },
			"mode": func(v *yaml.Node) error {
				return d.enum(v, &p.Mode, "facts", "exact")
			},
			"copies": func(v *yaml.Node) error { return d.copies(v, &p) },
		})
		if err != nil {
			return err
		}
		switch {
		case p.Name == "":
			return d.errf(item, "parity spec needs a name")
		case seen[p.Name]:
			return d.errf(item, "duplicate parity spec name %q", p.Name)
		case p.Source == "":
			return d.errf(item, "parity %s: source is required (path/to/file.md#anchor)", p.Name)
		case len(p.Copies) == 0:
			return d.errf(item, "parity %s: copies is required and must not be empty", p.Name)
		}
		seen[p.Name] = true
		c.Parity = append(c.Parity, p)
	}
	return nil
}

func (d *decoder) copies(n *yaml.Node, p *Parity) error {
	if n.Kind != yaml.SequenceNode {
		return d.errf(n, "copies: expected a list")
	}
	for _, item := range n.Content {
		cp := ParityCopy{ExtraItems: "deny", Pos: pos(item)}
		err := d.mapping(item, "parity copy", fields{
			"file":    func(v *yaml.Node) error { return d.into(v, &cp.File) },
			"section": func(v *yaml.Node) error { return d.into(v, &cp.Section) },
			"replace": func(v *yaml.Node) error {
				cp.Replace = map[string]string{}
				return d.each(v, "replace", func(k, v *yaml.Node) error {
					s, err := d.str(v)
					cp.Replace[k.Value] = s
					return err
				})
			},
			"extra-items": func(v *yaml.Node) error { return d.enum(v, &cp.ExtraItems, "deny", "allow") },
		})
		if err != nil {
			return err
		}
		if cp.File == "" || cp.Section == "" {
			return d.errf(item, "parity copy needs both file and section")
		}
		p.Copies = append(p.Copies, cp)
	}
	return nil
}

func (d *decoder) gate(n *yaml.Node, g *Gate) error {
	g.Pos = pos(n)
	return d.mapping(n, "gate", fields{
		"images":    func(v *yaml.Node) error { return d.list(v, "", &g.Images, CheckImage) },
		"platforms": func(v *yaml.Node) error { return d.list(v, "", &g.Platforms, CheckPlatform) },
		"arch-tag": func(v *yaml.Node) error {
			if err := d.into(v, &g.ArchTag); err != nil {
				return err
			}
			if err := CheckArchTag(g.ArchTag); err != nil {
				return d.at(v, err.Error())
			}
			return nil
		},
		"moving-tags":  func(v *yaml.Node) error { return d.list(v, "", &g.MovingTags, checkMovingTag) },
		"on-existing":  func(v *yaml.Node) error { return d.enum(v, &g.OnExisting, OnExistingValues...) },
		"attestations": func(v *yaml.Node) error { return d.attestations(v, &g.Attestations) },
		"policies":     func(v *yaml.Node) error { return d.list(v, "", &g.Policies) },
		"probe":        func(v *yaml.Node) error { return d.probe(v, &g.Probe) },
	})
}

func (d *decoder) probe(n *yaml.Node, p *Probe) error {
	p.Pos = pos(n)
	return d.mapping(n, "probe", fields{
		"catalogs": func(v *yaml.Node) error { return d.list(v, "probe catalogs", &p.Catalogs, CheckCatalog) },
		"repos":    func(v *yaml.Node) error { return d.list(v, "probe repos", &p.Repos, probeGlobSyntax, probeGlobBound) },
		"tags":     func(v *yaml.Node) error { return d.list(v, "probe tags", &p.Tags, probeGlobSyntax, probeGlobBound) },
	})
}

func (d *decoder) attestations(n *yaml.Node, a *Attestations) error {
	a.Pos = pos(n)
	return d.mapping(n, "attestations", fields{
		"required":     func(v *yaml.Node) error { return d.boolean(v, &a.Required) },
		"trusted-root": func(v *yaml.Node) error { return d.into(v, &a.TrustedRoot) },
		"public-key":   func(v *yaml.Node) error { return d.into(v, &a.PublicKey) },
		"identity": func(v *yaml.Node) error {
			id := &a.Identity
			return d.mapping(v, "identity", fields{
				"issuer": func(v *yaml.Node) error { return d.into(v, &id.Issuer) },
				"san-regex": func(v *yaml.Node) error {
					if err := d.into(v, &id.SANRegex); err != nil {
						return err
					}
					if _, err := regexp.Compile(id.SANRegex); err != nil {
						return d.errf(v, "san-regex does not compile: %v", err)
					}
					return nil
				},
				"source-repository": func(v *yaml.Node) error { return d.into(v, &id.SourceRepository) },
				"source-ref":        func(v *yaml.Node) error { return d.into(v, &id.SourceRef) },
				"build-signer-uri":  func(v *yaml.Node) error { return d.into(v, &id.BuildSignerURI) },
			})
		},
		"predicate-types": func(v *yaml.Node) error { return d.list(v, "", &a.PredicateTypes) },
	})
}

func (d *decoder) rules(n *yaml.Node, c *Config) error {
	return d.each(n, "rules", func(k, v *yaml.Node) error {
		var s string
		if err := d.enum(v, &s, "off", "error", "warning", "note"); err != nil {
			return err
		}
		if s == "off" {
			c.Rules[k.Value] = rule.Setting{Off: true}
		} else {
			c.Rules[k.Value] = rule.Setting{Severity: rule.Severity(s)}
		}
		c.rulePos = append(c.rulePos, rulePos{k.Value, pos(k)})
		return nil
	})
}

type rulePos struct {
	id  string
	pos Pos
}

// CheckRuleIDs rejects `rules:` keys that name no rule; check returns the
// error for an unknown id (rule.Set.Check, which suggests a near one).
func (c *Config) CheckRuleIDs(check func(string) error) error {
	for _, rp := range c.rulePos {
		if err := check(rp.id); err != nil {
			msg := err.Error()
			if clip(rp.id) != rp.id {
				// Quote the configuration only in short excerpts.
				msg = fmt.Sprintf("unknown rule %q (see `releasegate rules`)", clip(rp.id))
			}
			return &Error{File: c.Path, Line: rp.pos.Line, Col: rp.pos.Col, Msg: "rules: " + msg}
		}
	}
	return nil
}
