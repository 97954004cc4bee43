package registry

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Resolver looks up the addresses of a host name; *net.Resolver is one.
// Tests inject their own, so names can stand for any address.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// WithResolver sets how the host names of token realms and registries are
// resolved for the realm check (default net.DefaultResolver).
func WithResolver(r Resolver) Option { return func(o *options) { o.resolver = r } }

// addrKind is where an address leads, as far as credentials are
// concerned: anywhere, or somewhere only this machine or its network
// reaches (where a cloud metadata service or an admin port may listen).
type addrKind int

const (
	public addrKind = iota
	loopback
	linkLocal
	private
)

func (k addrKind) String() string {
	return [...]string{"public", "loopback", "link-local", "private"}[k]
}

// kindOf classifies a as go-containerregistry's realm check does IP
// literals: loopback (and the unspecified address, which reaches this
// machine), link-local unicast and multicast, RFC 1918 and fc00::/7.
func kindOf(a netip.Addr) addrKind {
	a = a.WithZone("").Unmap()
	switch {
	case a.IsLoopback(), a.IsUnspecified():
		return loopback
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return linkLocal
	case a.IsPrivate():
		return private
	}
	return public
}

// RealmError is a token realm refused before any request was sent to it.
type RealmError struct {
	Realm    string // the realm URL, without its query
	Registry string // host[:port] that sent the challenge
	Host     string // the realm's host name
	Addr     netip.Addr
	Kind     string // loopback, link-local or private
}

func (e *RealmError) Error() string {
	return fmt.Sprintf("refusing token realm %s from %s: %s resolves to %s, a %s address, and the registry has none of that kind",
		e.Realm, e.Registry, e.Host, e.Addr, e.Kind)
}

// guardRealms checks the realm of every Bearer challenge (a 401 from a
// registry, a ping or any later request) before go-containerregistry,
// above this transport, sends credentials there. go-containerregistry
// refuses realms that are private IP literals; a host name that resolves
// to the same places is refused here, by the rule in docs/gate.md: a
// realm on another host may resolve only to public addresses, or to
// loopback, link-local or private addresses of a kind the registry that
// challenged also resolves to.
//
// base is the transport that dials: where it sends a realm's requests
// through a proxy, a name this machine cannot resolve is the proxy's to
// resolve, and is let through (an address it does resolve to is still
// judged).
func guardRealms(inner, base http.RoundTripper, r Resolver) http.RoundTripper {
	return &realmGuard{inner: inner, resolver: r, proxied: proxiedBy(base), addrs: map[string][]netip.Addr{}}
}

// proxiedBy reports whether base sends a request for a URL through a
// proxy: an *http.Transport's Proxy (the default one's reads HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY).
func proxiedBy(base http.RoundTripper) func(*url.URL) bool {
	t, ok := base.(*http.Transport)
	if !ok || t.Proxy == nil {
		return func(*url.URL) bool { return false }
	}
	return func(u *url.URL) bool {
		p, err := t.Proxy(&http.Request{URL: u})
		return err == nil && p != nil
	}
}

type realmGuard struct {
	inner    http.RoundTripper
	resolver Resolver
	proxied  func(*url.URL) bool

	mu    sync.Mutex
	addrs map[string][]netip.Addr // host name -> its addresses, once per run
}

func (g *realmGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.inner.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	for _, realm := range bearerRealms(resp.Header) {
		if err := g.check(req.Context(), req.URL.Host, realm); err != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil, err
		}
	}
	return resp, nil
}

// realmParam finds realm="..." parameters. It may find more than
// go-containerregistry's parser reads (a key ending in "realm", a realm
// repeated), never less: an extra realm checked only refuses more.
var realmParam = regexp.MustCompile(`(?i)realm="((?:[^"\\]|\\.)*)"`)

// bearerRealms returns the realms of the Bearer challenges in h, with
// quoted-pair escapes undone as go-containerregistry undoes them.
func bearerRealms(h http.Header) []string {
	var out []string
	for _, v := range h.Values("WWW-Authenticate") {
		// go-containerregistry's scheme is the leading token, whatever
		// separator follows it (a tab, a comma): any value that starts
		// with "bearer" is read.
		if v = strings.TrimSpace(v); len(v) < 6 || !strings.EqualFold(v[:6], "bearer") {
			continue
		}
		for _, m := range realmParam.FindAllStringSubmatch(v, -1) {
			out = append(out, unquote(m[1]))
		}
	}
	return out
}

func unquote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// check applies the realm rule to realm, challenged by registry
// (host[:port]). A realm without a host cannot be sent anything, and
// go-containerregistry refuses it with its own message.
func (g *realmGuard) check(ctx context.Context, registry, realm string) error {
	u, perr := url.Parse(realm)
	if perr != nil || u.Host == "" || u.Host == registry {
		return nil //nolint:nilerr // an unparsable realm is go-containerregistry's to refuse, with its own message
	}
	host := u.Hostname()
	addrs, err := g.lookup(ctx, host)
	switch {
	case err != nil && g.proxied(u):
		return nil
	case err != nil:
		// Fail closed; a lookup that timed out is a net.Error, retried.
		return fmt.Errorf("token realm %s from %s: %w", redactURL(u), registry, err)
	}
	var own map[addrKind]bool // the registry's kinds, looked up when needed
	for _, a := range addrs {
		k := kindOf(a)
		if k == public {
			continue
		}
		if own == nil {
			own = g.kinds(ctx, registry)
		}
		if !own[k] {
			return &RealmError{Realm: redactURL(u), Registry: registry, Host: host, Addr: a, Kind: k.String()}
		}
	}
	return nil
}

// kinds returns the kinds of the registry's addresses. One it cannot
// resolve has none, so nothing non-public is allowed on its account.
func (g *realmGuard) kinds(ctx context.Context, hostport string) map[addrKind]bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	out := map[addrKind]bool{}
	addrs, _ := g.lookup(ctx, host)
	for _, a := range addrs {
		out[kindOf(a)] = true
	}
	return out
}

// lookup resolves host (an IP literal is its own address), once per run.
func (g *realmGuard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{a}, nil
	}
	g.mu.Lock()
	addrs, ok := g.addrs[host]
	g.mu.Unlock()
	if ok {
		return addrs, nil
	}
	addrs, err := g.resolver.LookupNetIP(ctx, "ip", host)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("%s has no addresses", host)
	}
	if err == nil {
		// Only answers are kept: a lookup that failed is asked again
		// on the retry.
		g.mu.Lock()
		g.addrs[host] = addrs
		g.mu.Unlock()
	}
	return addrs, err
}
