package lazyre

import (
	"testing"
)

func TestCompiledOnceOnFirstUse(t *testing.T) {
	re := New(`^v(\d+)$`)
	first := re()
	if !first.MatchString("v12") || first.MatchString("12") {
		t.Fatalf("pattern does not match as compiled: %v", first)
	}
	if re() != first {
		t.Error("a second call compiled the pattern again")
	}
}

func TestInvalidPatternPanicsAtFirstUse(t *testing.T) {
	re := New(`(`) // declaring it must not panic
	defer func() {
		if recover() == nil {
			t.Error("an invalid pattern did not panic at first use")
		}
	}()
	re()
}
