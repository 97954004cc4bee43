package probemetrics

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Job is the Pushgateway job the probe pushes as.
const Job = "releasegate-probe"

// Push sends the run's metrics to the Pushgateway at url, grouped by job
// and, when sharded, by shard (its index), so each shard owns its group
// and alerts sum over shards. A decided run replaces its group (PUT); an
// undecided one replaces only the metrics it has (POST), leaving the last
// decided run's findings in place.
func Push(ctx context.Context, url string, run Run, shard string) error {
	fams, err := Families(run, "")
	if err != nil {
		return fmt.Errorf("--push-gateway %s: %w", url, err)
	}
	p := push.New(url, Job).
		Gatherer(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return fams, nil })).
		Format(expfmt.NewFormat(expfmt.TypeTextPlain)).
		Client(boundedClient{http.DefaultClient})
	if shard != "" {
		p = p.Grouping("shard", shard)
	}
	if run.Decided() {
		err = p.PushContext(ctx)
	} else {
		err = p.AddContext(ctx)
	}
	if err != nil {
		return fmt.Errorf("--push-gateway: %w", err)
	}
	return nil
}

// boundedClient caps what is read of a Pushgateway's answer: the push
// library reads an error body whole into its message.
type boundedClient struct{ c *http.Client }

func (b boundedClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := b.c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.LimitReader(resp.Body, 4<<10), resp.Body}
	return resp, nil
}
