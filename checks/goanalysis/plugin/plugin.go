// Package plugin registers releasegate's Go analyzers as a golangci-lint
// module plugin named "releasegate" (see docs/go-analyzers.md for the
// .custom-gcl.yml that builds a golangci-lint with it).
//
// Settings (all optional):
//
//	config: path/to/.releasegate.yaml   # default: discovered per package
package plugin

import (
	"fmt"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/releasegate/releasegate/checks/goanalysis/suite"
)

// Name is the plugin name used in .golangci.yml.
const Name = "releasegate"

// The plugin contract registers constructors from init.
func init() { register.Plugin(Name, New) }

// Settings are the plugin's golangci-lint settings.
type Settings struct {
	Config string `json:"config"`
}

type plugin struct{ settings Settings }

// New decodes the settings; unknown keys are an error.
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, fmt.Errorf("releasegate plugin settings: %w", err)
	}
	return &plugin{settings: s}, nil
}

// BuildAnalyzers returns the three analyzers.
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return suite.WithConfigFile(p.settings.Config), nil
}

// GetLoadMode asks for type information: the analyzers need types and SSA.
func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
