package registry

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Object is one object of the integrity walk.
type Object struct {
	Kind     string `json:"kind"` // index | manifest | config | layer
	Digest   string `json:"digest"`
	Platform string `json:"platform,omitempty"`
	Parent   string `json:"parent,omitempty"` // digest of the manifest that references it
	Ref      string `json:"ref"`              // repository@digest
	State    string `json:"state"`            // present | missing | mismatch | unknown
	Error    string `json:"error,omitempty"`
}

// Walk checks that everything a manifest references can be fetched: an
// index, every child manifest (GET: its content names the blobs), each
// child's config and every layer (HEAD). Each object is visited once even
// when shared or reached from several roots. Missing and mismatched objects are facts, not errors.
func (c *Client) Walk(ctx context.Context, repo name.Repository, digests ...string) []Object {
	w := &walker{c: c, repo: repo, rc: c.repo(repo), seen: map[string]bool{}}
	for _, d := range digests {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.manifest(ctx, d, "", "", "")
		}()
	}
	w.wg.Wait()
	slices.SortFunc(w.objs, func(a, b Object) int {
		return cmp.Or(cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), cmp.Compare(a.Platform, b.Platform),
			cmp.Compare(a.Parent, b.Parent), cmp.Compare(a.Digest, b.Digest))
	})
	return w.objs
}

func kindRank(k string) int {
	return map[string]int{"index": 0, "manifest": 1, "config": 2, "layer": 3}[k]
}

type walker struct {
	c    *Client
	repo name.Repository
	rc   *repoClient
	wg   sync.WaitGroup

	mu   sync.Mutex
	seen map[string]bool
	objs []Object
}

func (w *walker) visit(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen[key] {
		return false
	}
	w.seen[key] = true
	return true
}

func (w *walker) add(o Object) {
	o.Ref = w.repo.Digest(o.Digest).Name()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.objs = append(w.objs, o)
}

// manifest GETs a manifest and walks what it references.
func (w *walker) manifest(ctx context.Context, digest, kind, platform, parent string) {
	if !w.visit("manifest " + digest) {
		return
	}
	m, err := w.rc.get(ctx, digest)
	o := Object{Kind: kind, Digest: digest, Platform: platform, Parent: parent}
	if err != nil {
		if o.Kind == "" {
			o.Kind = "manifest"
		}
		w.add(withErr(o, err))
		return
	}
	if m.IsIndex() {
		o.Kind = "index"
		idx, err := v1.ParseIndexManifest(bytes.NewReader(m.Body))
		if err != nil {
			o.State, o.Error = Unknown, fmt.Sprintf("index %s: %v", digest, err)
			w.add(o)
			return
		}
		if n := len(idx.Manifests); n > w.c.opts.maxChildren {
			o.State, o.Error = Unknown, fmt.Sprintf("index %s lists %d manifests, more than the %d releasegate walks", digest, n, w.c.opts.maxChildren)
			w.add(o)
			return
		}
		if !w.reserve(len(idx.Manifests)) {
			w.add(w.overCap(o))
			return
		}
		o.State = Present
		w.add(o)
		for _, d := range idx.Manifests {
			p := ""
			if d.Platform != nil {
				p = platformString(d.Platform)
			}
			w.wg.Add(1)
			go func() {
				defer w.wg.Done()
				w.manifest(ctx, d.Digest.String(), "", p, digest)
			}()
		}
		return
	}
	o.Kind = "manifest"
	mf, err := v1.ParseManifest(bytes.NewReader(m.Body))
	if err != nil {
		o.State, o.Error = Unknown, fmt.Sprintf("manifest %s: %v", digest, err)
		w.add(o)
		return
	}
	if !w.reserve(1 + len(mf.Layers)) {
		w.add(w.overCap(o))
		return
	}
	o.State = Present
	w.add(o)
	w.blob(ctx, mf.Config, "config", platform, digest)
	for _, l := range mf.Layers {
		if len(l.URLs) > 0 {
			continue // foreign layers live outside the registry
		}
		w.blob(ctx, l, "layer", platform, digest)
	}
}

// blob HEADs a blob concurrently, once per digest.
func (w *walker) blob(ctx context.Context, d v1.Descriptor, kind, platform, parent string) {
	dg := d.Digest.String()
	if !w.visit("blob " + dg) {
		return
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		o := Object{Kind: kind, Digest: dg, Platform: platform, Parent: parent}
		res, err := w.rc.headBlob(ctx, dg)
		switch {
		case err != nil:
			o = withErr(o, err)
		case servesOther(res.header.Get("Docker-Content-Digest"), dg):
			o.State, o.Error = Mismatch, "registry serves digest "+clipRef(res.header.Get("Docker-Content-Digest"))
		case d.Size > 0 && res.header.Get("Content-Length") != "" && res.header.Get("Content-Length") != strconv.FormatInt(d.Size, 10):
			o.State, o.Error = Mismatch, fmt.Sprintf("size %s, manifest says %d", res.header.Get("Content-Length"), d.Size)
		default:
			o.State = Present
		}
		w.add(o)
	}()
}

// servesOther reports whether a blob's Docker-Content-Digest names other
// content than the digest asked for. A digest in another algorithm cannot
// be compared and says nothing either way.
func servesOther(header, want string) bool {
	return header != "" && sameAlgorithm(header, want) && header != want
}

// reserve takes n objects from the run's walk budget (MaxObjects),
// reporting whether there was room for all of them.
func (w *walker) reserve(n int) bool {
	return w.c.walked.Add(int64(n)) <= w.c.opts.maxObjects
}

// overCap marks an object whose references were not walked because the
// run reached its object budget: what it references is unknown.
func (w *walker) overCap(o Object) Object {
	o.State = Unknown
	o.Error = fmt.Sprintf("%s %s: not walked: this run reached its bound of %d objects", o.Kind, o.Digest, w.c.opts.maxObjects)
	return o
}

func withErr(o Object, err error) Object {
	if IsNotFound(err) {
		o.State, o.Error = Missing, err.Error()
	} else {
		o.State, o.Error = Unknown, err.Error()
	}
	return o
}

// headBlob HEADs a blob once per digest per run.
func (r *repoClient) headBlob(ctx context.Context, dg string) (*response, error) {
	v, err := r.once("HEAD blob "+dg, func() (any, error) {
		return r.do(ctx, http.MethodHead, r.endpoint("blobs", dg), "", nil)
	})
	if err != nil {
		return nil, err
	}
	return v.(*response), nil
}
