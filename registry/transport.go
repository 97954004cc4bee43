package registry

import (
	"net/http"
	"sort"
	"strconv"
	"sync"
)

// Counter counts the HTTP requests a Client sends, by method. It sits at
// the bottom of the transport stack, so pings, token requests and retries
// are all counted: it measures what the registry actually saw.
type Counter struct {
	mu       sync.Mutex
	byMethod map[string]int
	byAnswer map[Answer]int
}

// Answer is a request method and the status it got: "200", "404", …, or
// "error" when no response came (refused, reset, timed out).
type Answer struct {
	Method string
	Code   string
}

// Answers returns how many requests got each answer so far.
func (c *Counter) Answers() map[Answer]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[Answer]int, len(c.byAnswer))
	for a, n := range c.byAnswer {
		out[a] = n
	}
	return out
}

func (c *Counter) answered(method string, resp *http.Response) {
	code := "error"
	if resp != nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byAnswer == nil {
		c.byAnswer = map[Answer]int{}
	}
	c.byAnswer[Answer{method, code}]++
}

// Requests is a snapshot of a Counter, shaped as in the gate JSON output.
type Requests struct {
	Total    int            `json:"total"`
	ByMethod map[string]int `json:"by_method"`
}

// Snapshot returns the counts so far.
func (c *Counter) Snapshot() Requests {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := Requests{ByMethod: map[string]int{}}
	for m, n := range c.byMethod {
		r.ByMethod[m] = n
		r.Total += n
	}
	return r
}

func (c *Counter) add(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byMethod == nil {
		c.byMethod = map[string]int{}
	}
	c.byMethod[method]++
}

// String renders "N (GET a, HEAD b)".
func (r Requests) String() string {
	methods := make([]string, 0, len(r.ByMethod))
	for m := range r.ByMethod {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	s := itoa(r.Total)
	for i, m := range methods {
		if i == 0 {
			s += " ("
		} else {
			s += ", "
		}
		s += m + " " + itoa(r.ByMethod[m])
		if i == len(methods)-1 {
			s += ")"
		}
	}
	return s
}

// CountingTransport returns an http.RoundTripper that counts every request
// it sends in c before handing it to inner.
func CountingTransport(inner http.RoundTripper, c *Counter) http.RoundTripper {
	return countingTransport{inner, c}
}

type countingTransport struct {
	inner http.RoundTripper
	c     *Counter
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.c.add(req.Method)
	resp, err := t.inner.RoundTrip(req)
	t.c.answered(req.Method, resp)
	return resp, err
}
