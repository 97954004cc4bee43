package markdown

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestDepthBound: hostile nesting is refused at once, with the line; what
// people write is parsed.
func TestDepthBound(t *testing.T) {
	nested := func(n int, marker string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat("  ", i) + marker + " x\n")
		}
		return b.String()
	}
	tests := []struct {
		name string
		src  string
		line int // 0: parsed
	}{
		{"runbook", "# R\n\n- a\n  - b\n    > quote\n    > ```sh\n    > x\n    > ```\n\n---\n" + strings.Repeat("-", 80) + "\n* * *\n", 0},
		{"nested lists 20 deep", nested(20, "-"), 0},
		{"nested lists 2000 deep", nested(2000, "-"), 17},
		{"quotes 40 deep", strings.Repeat("> ", 40) + "x\n", 1},
		{"one line of markers", strings.Repeat("- ", 5000) + "x\n", 1},
		{"long and nested", strings.Repeat(nested(30, "*"), 20000), 1},
		{"long and flat", strings.Repeat("Some prose.\n\n- item\n", 200000), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			tree, err := Parse([]byte(tt.src))
			var deep *ErrTooDeep
			switch {
			case tt.line == 0 && (err != nil || tree == nil):
				t.Fatalf("refused: %v", err)
			case tt.line > 0 && !errors.As(err, &deep):
				t.Fatalf("parsed in %v, want it refused", time.Since(start))
			case tt.line > 0 && deep.Line < tt.line:
				t.Errorf("refused at line %d, want line %d or later: %v", deep.Line, tt.line, err)
			}
		})
	}
}
