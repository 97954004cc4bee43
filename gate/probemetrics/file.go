package probemetrics

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// maxPrevious bounds how much of a previous metrics file is read back.
const maxPrevious = 16 << 20

// WriteFile writes the run's metrics to path in the Prometheus text
// format, for node_exporter's textfile collector: into a temporary file
// in the same directory, then renamed over path, so the collector never
// reads half a file. An undecided run carries the findings of the
// previous file over. shard is the shard's index ("" when not sharded).
func WriteFile(path string, run Run, shard string) error {
	fams, err := Families(run, shard)
	if err != nil {
		return fmt.Errorf("--metrics-file %s: %w", path, err)
	}
	if !run.Decided() {
		fams = merge(fams, previous(path))
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("--metrics-file %s: %w", path, err)
		}
	}
	if err := writeAtomically(path, buf.Bytes()); err != nil {
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

// writeAtomically replaces path with data: a temporary file next to it
// (hidden, without the .prom suffix the collector reads), synced, then
// renamed.
func writeAtomically(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	// After a successful rename there is nothing left to remove.
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
