package expr

import "testing"

// TestClosing: the one quote-aware scanner behind matching parentheses
// (failure-step-unreachable's call text and enclosed conditions) and the
// end of a ${{ }} placeholder.
func TestClosing(t *testing.T) {
	tests := []struct {
		name, s        string
		from           int
		opener, closer byte
		want           int
	}{
		{"simple call", "f(a)", 2, '(', ')', 3},
		{"nested", "f(g(a), h(b)) || c", 2, '(', ')', 12},
		{"closes before the end", "(a) || (b)", 1, '(', ')', 2},
		{"whole condition", "((a) || b)", 1, '(', ')', 9},
		{"close paren in a literal", "(a == ')') || b", 1, '(', ')', 9},
		{"open paren in a literal", "(a == '(' || b)", 1, '(', ')', 14},
		{"doubled quote inside a literal", "f('it''s )', x) y", 2, '(', ')', 14},
		{"unclosed", "f(a, (b)", 2, '(', ')', -1},
		{"unterminated literal hides the close", "f('a)", 2, '(', ')', -1},
		{"from past the end", "f(", 2, '(', ')', -1},
		{"no opener: the first close outside a literal", "a '}' } }", 0, 0, '}', 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closing(tt.s, tt.from, tt.opener, tt.closer); got != tt.want {
				t.Errorf("Closing(%q, %d, %q, %q) = %d, want %d", tt.s, tt.from, tt.opener, tt.closer, got, tt.want)
			}
		})
	}
}

// TestPlaceholderEnd: the end of a ${{ }} body is the first "}}" outside
// a literal, found with Closing.
func TestPlaceholderEnd(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"${{ x }} y", 6},
		{"${{ '}}' }}", 9},
		{"${{ format('{0}}', a) }}", 22},
		{"${{ fromJSON('{}') } }}", 21},
		{"${{ x } }", -1},
		{"${{ x }", -1},
		{"${{ 'x }}", -1},
	} {
		if got := placeholderEnd(tt.s, 3); got != tt.want {
			t.Errorf("placeholderEnd(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
