package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// cleanupTimeout bounds dropping the tables at the end.
const cleanupTimeout = 30 * time.Second

// sample is one path's measurement in one round.
type sample struct {
	ops  int64
	wall time.Duration
	cpu  time.Duration // the whole process's user+system time: the client's cost
}

// perOp returns the wall time per operation (the inverse of throughput
// at the configured concurrency) and the client CPU time per operation.
func (s sample) perOp() (wall, cpu float64) {
	if s.ops == 0 {
		return 0, 0
	}
	return float64(s.wall.Nanoseconds()) / float64(s.ops), float64(s.cpu.Nanoseconds()) / float64(s.ops)
}

// measure runs op from goroutines goroutines for d and counts the
// operations finished. The first error stops the run and is returned.
func measure(ctx context.Context, op func(context.Context, int) error, goroutines int, d time.Duration) (sample, error) {
	var (
		stop    atomic.Bool
		total   atomic.Int64
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	cpu0 := cpuTime()
	start := time.Now()
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := int64(0)
			// Each goroutine walks its own part of the id sequence.
			for i := g * 1_000_003; !stop.Load(); i++ {
				if err := op(ctx, i); err != nil {
					if ctx.Err() == nil {
						errOnce.Do(func() { first = err })
					}
					stop.Store(true)
					break
				}
				n++
			}
			total.Add(n)
		}()
	}
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	stop.Store(true)
	wg.Wait()
	s := sample{ops: total.Load(), wall: time.Since(start), cpu: cpuTime() - cpu0}
	if first != nil {
		return s, first
	}
	return s, ctx.Err()
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// result holds every round of one server.
type result struct {
	srv      *server
	paths    []string                       // the keys measured, in order
	labels   map[string]string              // key -> label
	samples  map[string]map[string][]sample // workload -> key -> rounds
	ceilings map[string][]ceilingSample     // workload -> rounds
	ceilNote string                         // why there is no ceiling, or how it was measured
}

// runServer measures every path and workload on one server: for each
// workload, rounds of a, b, c, d (and the ceiling) in turn.
func runServer(ctx context.Context, cfg *config, srv *server, stderr io.Writer) (*result, error) {
	res := &result{srv: srv, labels: map[string]string{}, samples: map[string]map[string][]sample{}, ceilings: map[string][]ceilingSample{}}
	var clients []*client
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()
	for _, key := range cfg.paths {
		if !pathApplies(key, srv.name) {
			continue
		}
		c, err := srv.newClient(ctx, key, cfg.conns)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", srv.name, pathLabels[key], err)
		}
		clients = append(clients, c)
		res.paths = append(res.paths, key)
		res.labels[key] = c.label
	}
	warnConnections(ctx, srv, len(clients)*cfg.conns+cfg.conns, stderr)
	ceil := newCeiling(cfg, srv)
	defer ceil.close()
	res.ceilNote = ceil.note
	for _, w := range cfg.workloads {
		res.samples[w] = map[string][]sample{}
		for _, c := range clients {
			if cfg.warmup > 0 {
				if _, err := retrying(ctx, stderr, func() (sample, error) { return measure(ctx, c.ops[w], cfg.goroutines, cfg.warmup) }); err != nil {
					return nil, fmt.Errorf("%s %s %s (warm-up): %w", srv.name, w, c.label, err)
				}
			}
		}
		for r := range cfg.rounds {
			for _, c := range clients {
				fmt.Fprintf(stderr, "\r%s %s round %d/%d %-40s", srv.name, w, r+1, cfg.rounds, c.label)
				s, err := retrying(ctx, stderr, func() (sample, error) { return measure(ctx, c.ops[w], cfg.goroutines, cfg.duration) })
				if err != nil {
					return nil, fmt.Errorf("%s %s %s: %w", srv.name, w, c.label, err)
				}
				res.samples[w][c.key] = append(res.samples[w][c.key], s)
			}
			if ceil.available() {
				fmt.Fprintf(stderr, "\r%s %s round %d/%d %-40s", srv.name, w, r+1, cfg.rounds, ceil.tool)
				cs, err := retrying(ctx, stderr, func() (ceilingSample, error) { return ceil.run(ctx, w) })
				if err != nil {
					return nil, fmt.Errorf("%s %s %s: %w", srv.name, w, ceil.tool, err)
				}
				res.ceilings[w] = append(res.ceilings[w], cs)
			}
		}
	}
	fmt.Fprintf(stderr, "\r%-80s\r", "")
	return res, nil
}

// measureAttempts bounds how often a failed measurement is tried: on a
// shared server another client may take the last connections for a
// moment ("too many clients"), which says nothing about the paths.
const measureAttempts = 3

// retrying runs m until it succeeds, up to measureAttempts times, saying
// on stderr why it tries again. Only a measurement that succeeded is
// kept, so a retry never mixes into the figures.
func retrying[T any](ctx context.Context, stderr io.Writer, m func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		s, err := m()
		if err == nil || ctx.Err() != nil || attempt == measureAttempts {
			return s, err
		}
		fmt.Fprintf(stderr, "\nalchemy-perf: attempt %d failed, trying again in 1s: %v\n", attempt, err)
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return s, ctx.Err()
		}
	}
}

// runTable is the default mode: measure every server and print the table.
func runTable(ctx context.Context, cfg *config, args []string, stdout, stderr io.Writer) error {
	m := describeMachine()
	var results []*result
	for _, name := range cfg.servers {
		url := cfg.pgURL
		if name == "mysql" {
			url = cfg.myURL
		}
		if url == "" {
			fmt.Fprintf(stderr, "alchemy-perf: %s left out: no URL (set %s or -%s)\n", name, envOf(name), flagOf(name))
			continue
		}
		srv, err := openServer(ctx, name, url)
		if err != nil {
			return err
		}
		res, err := runServer(ctx, cfg, srv, stderr)
		cerr := srv.close(ctx)
		if err != nil {
			return err
		}
		if cerr != nil {
			return fmt.Errorf("%s: clean up: %w", name, cerr)
		}
		results = append(results, res)
	}
	if len(results) == 0 {
		return usagef("no server to measure: set ALCHEMY_TEST_POSTGRES_URL and/or ALCHEMY_TEST_MYSQL_URL (or -postgres, -mysql)")
	}
	m.loadAfter = loadAvg()
	report(stdout, cfg, args, m, results)
	return nil
}

func envOf(name string) string {
	if name == "mysql" {
		return "ALCHEMY_TEST_MYSQL_URL"
	}
	return "ALCHEMY_TEST_POSTGRES_URL"
}

func flagOf(name string) string {
	if name == "mysql" {
		return "mysql"
	}
	return "postgres"
}

// warnConnections says on stderr when the server may not have the
// connections the run needs (every path's pool stays open for the
// interleaving, and the ceiling's clients come on top): a shared server
// would then refuse some ("too many clients"), and retries would not
// help for long.
func warnConnections(ctx context.Context, srv *server, need int, stderr io.Writer) {
	var q string
	if srv.name == "mysql" {
		q = "SELECT @@max_connections - (SELECT COUNT(*) FROM information_schema.processlist)"
	} else {
		q = "SELECT current_setting('max_connections')::int - (SELECT COUNT(*) FROM pg_stat_activity)"
	}
	var free int
	if err := srv.admin.QueryRowContext(ctx, q).Scan(&free); err != nil {
		return // only a warning: the measurements will say
	}
	if free < need {
		fmt.Fprintf(stderr, "alchemy-perf: warning: %s has %d free connections, the run needs about %d (lower -conns or -paths)\n", srv.name, free, need)
	}
}
