// Package rgconfig gives the Go analyzers the same .releasegate.yaml the
// rest of releasegate reads.
//
// An analyzer gets its configuration from, in order: a Config fixed by the
// driver (`releasegate lint` passes the one it already loaded), a file named
// with the analyzer's -config flag (go vet, golangci-lint settings), or the
// first .releasegate.yaml found upward from the package's directory. A
// package with no configuration anywhere gets config.Default, which
// declares no secrets or families, so the secret rules find nothing rather
// than guess.
package rgconfig

import (
	"flag"
	"fmt"
	"path/filepath"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/releasegate/releasegate/config"
)

// Source finds the configuration for each package an analyzer sees. The
// zero value discovers the file; it is safe for concurrent use because
// drivers run packages in parallel.
type Source struct {
	// Path is an explicit configuration file ("" = discover).
	Path string
	// Fixed, when set, is used for every package.
	Fixed *config.Config

	mu    sync.Mutex
	cache map[string]result // by configuration file path ("" = none found)
}

type result struct {
	cfg *config.Config
	err error
}

// Fixed returns a Source that always yields cfg.
func Fixed(cfg *config.Config) *Source { return &Source{Fixed: cfg} }

// File returns a Source that reads path.
func File(path string) *Source { return &Source{Path: path} }

// HonorSuppressions reports whether the analyzers must drop findings
// covered by //releasegate:ignore comments themselves: true for every
// driver except `releasegate lint` (which fixes the configuration and
// applies suppressions on its own, keeping them visible in its output).
func (s *Source) HonorSuppressions() bool { return s == nil || s.Fixed == nil }

// RegisterFlags adds the -config flag to an analyzer's flag set.
func (s *Source) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&s.Path, "config", s.Path, "releasegate configuration file (default: .releasegate.yaml found upward from the package directory)")
}

// For returns the configuration that applies to the pass's package.
func (s *Source) For(pass *analysis.Pass) (*config.Config, error) {
	if s.Fixed != nil {
		return s.Fixed, nil
	}
	dir := packageDir(pass)
	file := s.Path
	if file == "" && dir != "" {
		found, err := config.Discover(dir)
		if err != nil {
			return nil, fmt.Errorf("looking for .releasegate.yaml above %s: %w", dir, err)
		}
		file = found
	}
	return s.load(file, dir)
}

// load reads file once per Source; packages of one module share it.
func (s *Source) load(file, dir string) (*config.Config, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.cache[file]; ok {
		return r.cfg, r.err
	}
	var r result
	if file == "" {
		r.cfg = config.Default(dir)
	} else {
		r.cfg, r.err = config.Load(file)
	}
	if s.cache == nil {
		s.cache = map[string]result{}
	}
	s.cache[file] = r
	return r.cfg, r.err
}

// packageDir is the directory of the package's first Go file, or "" for
// a package without files (export-data-only dependencies).
func packageDir(pass *analysis.Pass) string {
	for _, f := range pass.Files {
		if tf := pass.Fset.File(f.Pos()); tf != nil && tf.Name() != "" {
			return filepath.Dir(tf.Name())
		}
	}
	return ""
}
