package registry_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/releasegate/releasegate/registry"
)

// fakeDNS answers lookups from a table: the test's stand-in for DNS, so a
// name can claim any address while the connection goes to loopback.
type fakeDNS map[string][]netip.Addr

func (d fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := d[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// routedTransport dials each host name in routes at the loopback address
// it maps to: where the packets really go, whatever fakeDNS claims. With
// a proxy, requests for realm.test go through it.
func routedTransport(routes map[string]string, proxy string) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = func(req *http.Request) (*url.URL, error) {
		if proxy == "" || req.URL.Hostname() != "realm.test" {
			return nil, nil
		}
		return url.Parse(proxy)
	}
	var d net.Dialer
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if ip, ok := routes[host]; ok {
			addr = net.JoinHostPort(ip, port)
		}
		return d.DialContext(ctx, network, addr)
	}
	return t
}

// deployer is the registry login every test client holds.
type deployer struct{}

func (deployer) Resolve(authn.Resource) (authn.Authenticator, error) {
	return &authn.Basic{Username: "deployer", Password: "registry-password-7"}, nil
}

var deployerBasic = "Basic " + base64.StdEncoding.EncodeToString([]byte("deployer:registry-password-7"))

// tokenRealm is a token service on 127.0.0.2 that hands out a token to
// anyone and remembers the Authorization headers it was sent.
type tokenRealm struct {
	port string
	mu   sync.Mutex
	auth []string
}

func startRealm(t *testing.T) *tokenRealm {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	r := &tokenRealm{}
	_, r.port, _ = net.SplitHostPort(ln.Addr().String())
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auth = append(r.auth, req.Header.Get("Authorization"))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"token": "granted"}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r
}

func (r *tokenRealm) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.auth
	r.auth = nil
	return out
}

// TestRealmByName: a registry's Bearer realm on another host is checked
// by what its name resolves to, as go-containerregistry checks IP
// literals. Loopback, link-local and private addresses are refused before
// the registry's credentials are sent, unless the registry itself
// resolves to an address of that kind.
func TestRealmByName(t *testing.T) {
	realm := startRealm(t)
	var challenge atomic.Pointer[string] // the realm URL; nil while publishing
	var pings atomic.Int32
	mw := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			url := challenge.Load()
			if url == nil || r.Header.Get("Authorization") == "Bearer granted" {
				next.ServeHTTP(w, r)
				return
			}
			if r.URL.Path == "/v2/" {
				pings.Add(1)
			}
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s",service="gate-test"`, *url))
			w.WriteHeader(http.StatusUnauthorized)
		})
	}
	env, _, _ := published(t, mw)
	_, port, _ := net.SplitHostPort(env.Registries[0].Host)
	realmURL := "http://realm.test:" + realm.port + "/token"
	challenge.Store(&realmURL)

	addrs := func(ss ...string) []netip.Addr {
		var out []netip.Addr
		for _, s := range ss {
			out = append(out, netip.MustParseAddr(s))
		}
		return out
	}
	tests := []struct {
		name     string
		registry []netip.Addr // what registry.test resolves to; nil: the registry is named 127.0.0.1
		realm    []netip.Addr // what realm.test resolves to; nil: it does not resolve
		proxied  bool         // realm.test is reached through a proxy (the token service itself)
		refused  string       // the kind named in the refusal, "unresolved", or "" when the token is fetched
	}{
		{"public registry, realm on loopback", addrs("198.51.100.7"), addrs("127.0.0.2"), false, "loopback"},
		{"public registry, realm on a metadata address", addrs("198.51.100.7"), addrs("169.254.169.254"), false, "link-local"},
		{"public registry, realm on a private network", addrs("198.51.100.7"), addrs("10.20.30.40"), false, "private"},
		{"public registry, realm on a private IPv6 network", addrs("2001:db8::7"), addrs("fd12:3456::1"), false, "private"},
		{"public registry, realm on loopback as IPv4-mapped IPv6", addrs("198.51.100.7"), addrs("::ffff:127.0.0.2"), false, "loopback"},
		{"public registry, realm with a public and a loopback address", addrs("198.51.100.7"), addrs("203.0.113.9", "127.0.0.2"), false, "loopback"},
		{"public registry, public realm", addrs("198.51.100.7"), addrs("203.0.113.9"), false, ""},
		{"loopback registry by address, realm on loopback", nil, addrs("127.0.0.2"), false, ""},
		{"loopback registry by name, realm on loopback", addrs("127.0.0.1", "::1"), addrs("127.0.0.2"), false, ""},
		{"loopback registry, realm on a private network", addrs("127.0.0.1"), addrs("10.1.1.1"), false, "private"},
		{"private registry, realm on the same kind of network", addrs("10.0.0.5"), addrs("10.9.9.9"), false, ""},
		{"private registry, realm on loopback", addrs("10.0.0.5"), addrs("127.0.0.2"), false, "loopback"},
		{"public registry, realm that does not resolve", addrs("198.51.100.7"), nil, false, "unresolved"},
		{"public registry, realm only the proxy resolves", addrs("198.51.100.7"), nil, true, ""},
		{"public registry, proxied realm on loopback", addrs("198.51.100.7"), addrs("127.0.0.2"), true, "loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := env.Registries[0].Host
			dns := fakeDNS{}
			if tt.realm != nil {
				dns["realm.test"] = tt.realm
			}
			proxy := ""
			if tt.proxied {
				proxy = "http://127.0.0.2:" + realm.port
			}
			if tt.registry != nil {
				host = "registry.test:" + port
				dns["registry.test"] = tt.registry
			}
			c := fast(registry.WithKeychain(deployer{}), registry.WithResolver(dns), registry.WithInsecureRegistry(host),
				registry.WithTransport(routedTransport(map[string]string{"registry.test": "127.0.0.1", "realm.test": "127.0.0.2"}, proxy)))
			image := host + strings.TrimPrefix(env.Images[0], env.Registries[0].Host)
			repo, err := c.ParseRepository(image)
			if err != nil {
				t.Fatal(err)
			}
			pings.Store(0)
			realm.sent()
			f := c.HeadTag(context.Background(), repo, "2.0.0")
			sent := realm.sent()
			if tt.refused == "" {
				if f.State != registry.Present || len(sent) != 1 || sent[0] != deployerBasic {
					t.Fatalf("tag %s %q; the realm was sent %q, want present after one token request with the login", f.State, f.Error, sent)
				}
				return
			}
			if len(sent) != 0 {
				t.Fatalf("the realm was sent %q; it must get no request", sent)
			}
			if tt.refused == "unresolved" {
				// Fail closed: retried like a connection error, then unknown.
				if f.State != registry.Unknown || !strings.Contains(f.Error, "token realm "+realmURL) || !strings.Contains(f.Error, "no such host") {
					t.Fatalf("tag %s %q, want unknown naming the realm and the lookup", f.State, f.Error)
				}
				return
			}
			for _, want := range []string{"refusing token realm " + realmURL, "realm.test resolves to", "a " + tt.refused + " address"} {
				if f.State != registry.Unknown || !strings.Contains(f.Error, want) {
					t.Errorf("tag %s %q, want unknown naming %q", f.State, f.Error, want)
				}
			}
			if n := pings.Load(); n != 1 {
				t.Errorf("%d pings: a refused realm will be refused again, it must not be retried", n)
			}
			// Other go-containerregistry callers of the run (attestation
			// discovery) go through the same check.
			ref, err := c.ParseReference(image + ":2.0.0")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := remote.Head(ref, c.RemoteOptions()...); err == nil || !strings.Contains(err.Error(), "refusing token realm") {
				t.Errorf("remote.Head with RemoteOptions: %v, want the realm refused", err)
			}
			if sent := realm.sent(); len(sent) != 0 {
				t.Errorf("RemoteOptions: the realm was sent %q", sent)
			}
		})
	}
}
