package envcall

import (
	"slices"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"$A and ${B_2}", []string{"A", "B_2"}},
		{"token=${DOCKERHUB_TOKEN}x", []string{"DOCKERHUB_TOKEN"}},
		{"$$ $1 ${} plain", nil},
		{"${UNCLOSED", nil},
	}
	for _, tt := range tests {
		got := Names(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Names(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNames(f *testing.F) {
	for _, s := range []string{"$A", "${B}", "${", "$", "x$y${z}", "\x00$\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range Names(s) {
			if n == "" || !strings.Contains(s, n) {
				t.Fatalf("Names(%q) returned %q", s, n)
			}
		}
	})
}
