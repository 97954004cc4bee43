package plugin_test

import (
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"

	_ "github.com/releasegate/releasegate/checks/goanalysis/plugin"
)

func TestPlugin(t *testing.T) {
	newPlugin, err := register.GetPlugin("releasegate")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		settings any
		err      string
	}{
		{name: "no settings", settings: nil},
		{name: "config file", settings: map[string]any{"config": ".releasegate.yaml"}},
		{name: "unknown key", settings: map[string]any{"confg": "x"}, err: "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newPlugin(tt.settings)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			as, err := p.BuildAnalyzers()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range as {
				names = append(names, a.Name)
			}
			if got := strings.Join(names, ","); got != "go_secret_variant,go_delete_scope,go_json_interpolation" {
				t.Errorf("analyzers %s", got)
			}
			if p.GetLoadMode() != register.LoadModeTypesInfo {
				t.Errorf("load mode %s", p.GetLoadMode())
			}
		})
	}
}
