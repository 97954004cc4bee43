package rule

import (
	"strings"
	"testing"
)

func TestCheckSuggests(t *testing.T) {
	set := NewSet([]Rule{{ID: "secret-scope"}, {ID: "secret-bulk"}, {ID: "delete-scope"}, {ID: "go-delete-scope"}, {ID: "runbook-link"}})
	tests := []struct{ id, near string }{
		{"secret-scope", ""}, // known: no error
		{"secret-scop", "secret-scope"},
		{"secrets-bulk", "secret-bulk"},
		{"delete_scope", "delete-scope"},
		{"Delete-Scope", "delete-scope"},
		{"runbook", "runbook-link"},
		{"frobnicate", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		err := set.Check(tt.id)
		switch {
		case tt.id == "secret-scope":
			if err != nil {
				t.Errorf("%s: %v", tt.id, err)
			}
		case err == nil:
			t.Errorf("%s: accepted", tt.id)
		case tt.near == "" && strings.Contains(err.Error(), "did you mean"):
			t.Errorf("%s: %v, want no suggestion", tt.id, err)
		case tt.near != "" && !strings.Contains(err.Error(), `did you mean "`+tt.near+`"?`):
			t.Errorf("%s: %v, want %q suggested", tt.id, err, tt.near)
		}
	}
}
