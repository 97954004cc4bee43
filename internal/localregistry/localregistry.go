// Package localregistry runs the distribution (registry:2) registry in
// process on a loopback port, with filesystem storage and deletes enabled.
//
// It backs the registry tests and `releasegate demo`: both need a real OCI
// registry with real digests, and neither may touch the network.
package localregistry

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"github.com/distribution/distribution/v3/registry/storage"
	"github.com/distribution/distribution/v3/registry/storage/driver"
	"github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	"github.com/sirupsen/logrus"
)

// quietOnce silences the registry's logger. The registry logs through
// logrus' standard logger and reports every 404 at error level, which would
// drown test and demo output; there is no per-instance logger to set.
var quietOnce sync.Once

// Registry is a running in-process registry.
type Registry struct {
	// Host is "127.0.0.1:PORT", usable in image references.
	Host string
	// URL is "http://127.0.0.1:PORT".
	URL string

	root   string
	app    *handlers.App
	server *http.Server
	ln     net.Listener
	cancel context.CancelFunc
}

// Option configures a Registry.
type Option func(*options)

type options struct {
	handler        func(http.Handler) http.Handler
	catalogEntries int
}

// WithMiddleware wraps the registry's HTTP handler, e.g. to count or fault
// requests in tests.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(o *options) { o.handler = mw }
}

// WithCatalogPage sets the most repositories one catalog page returns
// (registry:2's catalog.maxentries; default 1000, as there), so tests can
// make the catalog paginate.
func WithCatalogPage(n int) Option {
	return func(o *options) { o.catalogEntries = n }
}

// Start serves a registry whose storage lives under dir (which must exist).
func Start(dir string, opts ...Option) (*Registry, error) {
	o := options{catalogEntries: 1000}
	for _, opt := range opts {
		opt(&o)
	}
	quietOnce.Do(func() {
		logrus.SetOutput(io.Discard)
		logrus.SetLevel(logrus.PanicLevel)
	})

	cfg := &configuration.Configuration{}
	cfg.Storage = configuration.Storage{
		"filesystem": configuration.Parameters{"rootdirectory": dir},
		"delete":     configuration.Parameters{"enabled": true},
		"maintenance": configuration.Parameters{
			"uploadpurging": map[any]any{"enabled": false},
		},
	}
	cfg.Catalog.MaxEntries = o.catalogEntries
	cfg.Log.Level = "panic"
	cfg.Log.AccessLog.Disabled = true
	cfg.HTTP.Headers = http.Header{"X-Content-Type-Options": []string{"nosniff"}}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("local registry: listen on loopback: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	app := handlers.NewApp(ctx, cfg)
	var h http.Handler = app
	if o.handler != nil {
		h = o.handler(h)
	}
	r := &Registry{
		Host:   ln.Addr().String(),
		URL:    "http://" + ln.Addr().String(),
		root:   dir,
		app:    app,
		ln:     ln,
		cancel: cancel,
		server: &http.Server{Handler: h},
	}
	go func() { _ = r.server.Serve(ln) }()
	return r, nil
}

// Close stops the server.
func (r *Registry) Close() error {
	r.cancel()
	return r.server.Close()
}

// GarbageCollect runs the registry's own mark-and-sweep over its storage,
// removing untagged manifests, exactly as `registry garbage-collect
// --delete-untagged` would. Tests use it to produce orphaned indexes.
func (r *Registry) GarbageCollect(ctx context.Context) error {
	d := r.driver()
	ns, err := storage.NewRegistry(ctx, d, storage.EnableDelete)
	if err != nil {
		return fmt.Errorf("local registry: open storage: %w", err)
	}
	return storage.MarkAndSweep(ctx, d, ns, storage.GCOpts{RemoveUntagged: true, Quiet: true})
}

func (r *Registry) driver() driver.StorageDriver {
	return filesystem.New(filesystem.DriverParameters{
		RootDirectory: r.root,
		MaxThreads:    10,
	})
}
