package walk

import (
	"os"
	"testing"

	"github.com/rhysd/actionlint"
)

func BenchmarkStrings(b *testing.B) {
	src, err := os.ReadFile("../../../internal/benchcorpus/testdata/realistic/.github/workflows/images-per-arch.yml")
	if err != nil {
		b.Fatal(err)
	}
	wf, _ := actionlint.Parse(src)
	b.ReportAllocs()
	for b.Loop() {
		Strings(wf)
	}
}
