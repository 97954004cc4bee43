package gate

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/faultproxy"
	"github.com/releasegate/releasegate/registry"
	"github.com/releasegate/releasegate/scenario"
	"github.com/releasegate/releasegate/scenario/scenariotest"
)

var (
	soakRuns = flag.Int("soak.runs", 0, "runs of TestSoak (0: the short version for go test)")
	soakSeed = flag.Int64("soak.seed", 0, "seed of TestSoak's random faults (0: from the clock; printed either way)")
)

// shortSoakRuns keeps TestSoak under half a minute on two cores.
const shortSoakRuns = 100

// soakFaults are the faults drawn at random: 5xx, 429 with Retry-After,
// refused credentials, resets, stalls, trickles, truncated and corrupted
// bodies.
var soakFaults = []faultproxy.Fault{
	faultproxy.Status500, faultproxy.Status429, faultproxy.Status401, faultproxy.Reset,
	faultproxy.Stall, faultproxy.Trickle, faultproxy.Truncate, faultproxy.Corrupt,
}

// soakTarget is one scenario published into two registries, with the
// fault-free result of each phase.
type soakTarget struct {
	scenario scenario.Scenario
	env      *scenario.Env
	want     map[string]string // phase -> decision and violations, fault-free
}

// TestSoak proves "never a false pass" under random faults: every
// registry scenario, in preflight, verify and probe, runs again and again
// behind fault proxies that fault requests at random (each run its own
// rate, fault mix, bursts and seed). Every run must end in the scenario's
// fault-free result or in decision error (exit 2): never a pass the
// release does not earn, never a failure it does not have.
//
//	go test ./gate -run TestSoak -soak.runs=2000 -timeout 2h
func TestSoak(t *testing.T) {
	runs := shortSoakRuns
	if *soakRuns > 0 {
		runs = *soakRuns
	} else if testing.Short() {
		runs = 30
	}
	seed := *soakSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("soak: %d runs, -soak.seed=%d", runs, seed)
	start := time.Now()
	targets := startSoakTargets(t)
	t.Logf("soak: scenarios published in %s", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	defer func() { t.Logf("soak: runs took %s", time.Since(start).Round(time.Millisecond)) }()
	fdsBefore := openFiles()
	phases := []Phase{Preflight{}, Verify{}, Probe{}}

	type outcome struct {
		same, undecided int
		bad             []string
	}
	var mu sync.Mutex
	var total outcome
	jobs := make(chan int)
	var wg sync.WaitGroup
	// A few at a time: runs mostly wait on stalls and backoff, but each
	// also compiles the policies, and a starved CPU would make healthy
	// answers look stalled.
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rng := rand.New(rand.NewSource(seed + int64(i)))
				tg := targets[rng.Intn(len(targets))]
				phase := phases[rng.Intn(len(phases))]
				got, desc, err := soakRun(tg, phase, rng)
				mu.Lock()
				switch {
				case err != nil:
					total.bad = append(total.bad, fmt.Sprintf("run %d (%s %s, %s): %v", i, tg.scenario.Name, phase.Name(), desc, err))
				case got == tg.want[phase.Name()]:
					total.same++
				case strings.HasPrefix(got, Error+" "):
					total.undecided++
				default:
					total.bad = append(total.bad, fmt.Sprintf("run %d (%s %s, %s):\n  got  %s\n  want %s",
						i, tg.scenario.Name, phase.Name(), desc, got, tg.want[phase.Name()]))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range runs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.Logf("soak: %d runs: %d with the fault-free result, %d undecided (exit 2), %d wrong; %d file descriptors open (%d before the runs)",
		runs, total.same, total.undecided, len(total.bad), openFiles(), fdsBefore)
	for _, b := range total.bad {
		t.Errorf("FALSE RESULT (replay with -soak.seed=%d): %s", seed, b)
	}
}

// startSoakTargets publishes every scenario, concurrently, and records its
// fault-free result per phase.
func startSoakTargets(t *testing.T) []*soakTarget {
	t.Helper()
	out := make([]*soakTarget, len(scenario.Scenarios))
	errs := make([]error, len(scenario.Scenarios))
	var wg sync.WaitGroup
	for i, s := range scenario.Scenarios {
		env, err := scenariotest.StartEnv(2)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(env.Close)
		out[i] = &soakTarget{scenario: s, env: env, want: map[string]string{}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = out[i].setup()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func (tg *soakTarget) setup() error {
	if _, err := tg.scenario.Setup(context.Background(), tg.env); err != nil {
		return fmt.Errorf("%s: %w", tg.scenario.Name, err)
	}
	for _, phase := range []Phase{Preflight{}, Verify{}, Probe{}} {
		got, _, err := soakRun(tg, phase, nil)
		if err != nil || strings.HasPrefix(got, Error+" ") {
			return fmt.Errorf("%s %s without faults: %s: %w", tg.scenario.Name, phase.Name(), got, err)
		}
		tg.want[phase.Name()] = got
	}
	return nil
}

// soakRun runs one phase through fresh proxies; with rng, they fault at
// random. It returns the decision and violations with the proxies' hosts
// written A and B, and a description of the faults.
func soakRun(tg *soakTarget, phase Phase, rng *rand.Rand) (string, string, error) {
	var images, hosts []string
	desc := "no faults"
	var opts []faultproxy.Option
	if rng != nil {
		faults := make([]faultproxy.Fault, 0, len(soakFaults))
		for _, f := range soakFaults {
			if rng.Intn(2) == 0 {
				faults = append(faults, f)
			}
		}
		if len(faults) == 0 {
			faults = append(faults, soakFaults[rng.Intn(len(soakFaults))])
		}
		rate := rng.Float64() * 0.3
		opts = append(opts, faultproxy.WithChaos(rng.Int63(), rate, faults...))
		desc = fmt.Sprintf("rate %.2f of %v", rate, faults)
		if rng.Intn(3) == 0 { // a burst at the start
			burst := faultproxy.Rule{Fault: faults[rng.Intn(len(faults))], Times: 1 + rng.Intn(3)}
			opts = append(opts, faultproxy.WithRules(burst))
			desc += fmt.Sprintf(", burst of %d %s", burst.Times, burst.Fault)
		}
	}
	var names []string
	for _, r := range tg.env.Registries {
		p, err := faultproxy.Start(r.URL, opts...)
		if err != nil {
			return "", desc, err
		}
		defer p.Close()
		images = append(images, p.Host+"/acme/app")
		hosts = append(hosts, p.Host)
		names = append(names, p.Host, string(rune('A'+len(names)/2)))
	}
	l := tg.env.Layout
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections() // thousands of runs must not run out of file descriptors
	res, err := Run(ctx, Options{
		Phase: phase, Version: scenario.Version, Images: images, Platforms: l.Platforms,
		ArchTag: l.ArchTag, MovingTags: l.MovingTags,
		Client: registry.New(registry.WithTransport(tr), registry.WithInsecureRegistry(hosts...),
			registry.WithRetry(4, time.Millisecond, 5*time.Millisecond),
			registry.WithMaxRetryAfter(10*time.Millisecond), registry.WithAttemptTimeout(400*time.Millisecond)),
	})
	if err != nil {
		return "", desc, err
	}
	r := strings.NewReplacer(names...)
	var vs []string
	for _, v := range res.Violations {
		vs = append(vs, v.Rule+"/"+string(v.Severity)+" "+r.Replace(v.Target))
	}
	slices.Sort(vs)
	return res.Decision + " " + strings.Join(vs, ", "), desc, nil
}

// openFiles counts this process's open file descriptors where /proc says
// (-1 elsewhere): thousands of runs must not leak them.
func openFiles() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries)
}
