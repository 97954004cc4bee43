package probemetrics

import (
	"fmt"
	"io"
	"os"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/releasegate/releasegate/internal/outputfile"
)

// maxPrevious bounds how much of a previous metrics file is read back.
const maxPrevious = 16 << 20

// WriteFile writes the run's metrics to path in the Prometheus text
// format, for node_exporter's textfile collector, atomically (package
// outputfile). An undecided run carries the findings of the
// previous file over. shard is the shard's index ("" when not sharded).
func WriteFile(path string, run Run, shard string) error {
	fams, err := Families(run, shard)
	if err != nil {
		return fmt.Errorf("--metrics-file %s: %w", path, err)
	}
	if !run.Decided() {
		fams = merge(fams, previous(path))
	}
	// A temporary file renamed over path: the collector never reads half
	// a file (the temporary name is hidden and lacks the .prom suffix the
	// collector reads), and a path that is a symbolic link is refused.
	write := func(w io.Writer) error {
		enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
		for _, f := range fams {
			if err := enc.Encode(f); err != nil {
				return err
			}
		}
		return nil
	}
	if err := outputfile.Write(path, write); err != nil {
		return fmt.Errorf("--metrics-file: %w", err)
	}
	return nil
}

// previous reads the metric families of an earlier run's file. A missing
// or unreadable file carries nothing over: the stale alert then speaks
// for the probe.
func previous(path string) []*dto.MetricFamily {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(io.LimitReader(f, maxPrevious))
	if err != nil {
		return nil
	}
	out := make([]*dto.MetricFamily, 0, len(fams))
	for _, mf := range fams {
		out = append(out, mf)
	}
	return out
}
