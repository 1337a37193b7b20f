package main

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"
)

// cell is one point of the sweep.
type cell struct {
	Workload    string
	PoolSize    int
	MaxOverflow int
	Concurrency int
	PoolTimeout time.Duration // noTimeout: none
}

// budget is the connection budget every pool gets.
func (c cell) budget() int { return c.PoolSize + c.MaxOverflow }

// cells returns the cartesian product of the list flags, in the order
// workload, pool size, overflow, concurrency, timeout.
func cells(c *config) []cell {
	var out []cell
	for _, w := range c.Workloads {
		for _, s := range c.PoolSizes {
			for _, o := range c.MaxOverflows {
				for _, n := range c.Concurrency {
					for _, t := range c.PoolTimeouts {
						out = append(out, cell{Workload: w, PoolSize: s, MaxOverflow: o, Concurrency: n, PoolTimeout: t})
					}
				}
			}
		}
	}
	return out
}

// recorder collects one worker's measurements: latency and checkout wait
// of every operation that succeeded within the window, and counts of
// timeouts and errors. Each worker has its own; they are merged after.
type recorder struct {
	lat, wait []time.Duration
	// starts and ends are each operation's start and end as offsets
	// from the window's start, for fifoReplay.
	starts, ends []time.Duration
	timeouts     int64
	errors       int64
	firstErr     string
}

// record files one operation that started at start, had its connection
// at got and ended at end, if it ended inside [from, to]. An error seen
// after ctx ended is the tool's own cancellation, not the pool's.
func (r *recorder) record(ctx context.Context, from, to, start, got, end time.Time, err error) {
	if end.Before(from) || end.After(to) {
		return
	}
	switch {
	case err == nil:
		r.lat = append(r.lat, end.Sub(start))
		r.wait = append(r.wait, got.Sub(start))
		r.starts = append(r.starts, start.Sub(from))
		r.ends = append(r.ends, end.Sub(from))
	case ctx.Err() != nil:
	case errors.Is(err, errCheckoutTimeout):
		r.timeouts++
	default:
		r.errors++
		if r.firstErr == "" {
			r.firstErr = err.Error()
		}
	}
}

// round is what one pool did in one cell, once.
type round struct {
	Measured       time.Duration
	Lat, Wait      []time.Duration
	Starts, Ends   []time.Duration // of each operation, from the window's start (see fifoReplay)
	Timeouts       int64
	Errors         int64
	ErrorSamples   []string
	Opened, Closed int64
	// From alchemy's pool events (zero for the other pools): connections
	// opened and the time opening them took; checkouts returned and the
	// time they were held.
	Creates     int64
	CreateTotal time.Duration
	Uses        int64
	UseTotal    time.Duration
	CPU         time.Duration // the tool's own CPU time during the window (client side)
	MaxConns    int
	ConnsErr    string
	Interrupted bool
}

// mergeRecorders combines the workers' recorders into a round.
func mergeRecorders(rs []*recorder) round {
	var r round
	n := 0
	for _, x := range rs {
		n += len(x.lat)
	}
	r.Lat = make([]time.Duration, 0, n)
	r.Wait = make([]time.Duration, 0, n)
	for _, x := range rs {
		r.Lat = append(r.Lat, x.lat...)
		r.Wait = append(r.Wait, x.wait...)
		r.Starts = append(r.Starts, x.starts...)
		r.Ends = append(r.Ends, x.ends...)
		r.Timeouts += x.timeouts
		r.Errors += x.errors
		if x.firstErr != "" {
			r.ErrorSamples = addSample(r.ErrorSamples, x.firstErr)
		}
	}
	return r
}

// addSample keeps up to three distinct error messages.
func addSample(s []string, msg string) []string {
	if len(s) >= 3 || slices.Contains(s, msg) {
		return s
	}
	return append(s, msg)
}

// result is one row of the report: one pool in one cell, all rounds.
type result struct {
	cell
	Pool        string
	Rounds      int
	Measured    time.Duration
	Ops         int64
	Throughput  float64 // successful operations per second
	P50, P95    time.Duration
	P99, Max    time.Duration
	WaitP50     time.Duration
	WaitP99     time.Duration
	FIFOWaitP99 time.Duration // p99 of fifoReplay's waits: what a strict FIFO would have given
	Timeouts    int64
	Errors      int64
	Opened      int64 // during the measured windows
	Closed      int64
	CreateMean  time.Duration   // alchemy only: mean time to open a connection (PoolEvent EventConnect)
	UseMean     time.Duration   // alchemy only: mean time a connection was checked out (EventCheckin)
	CPUPerOp    time.Duration   // client CPU (this process, user+system) per successful operation
	MaxConns    int             // the most connections seen while the cell ran; -1 if they could not be counted
	CountedBy   string          // countedByServer or countedByPool
	ConnsErr    string          // why they could not be counted
	RoundOps    []float64       // throughput of each round
	RoundP99    []time.Duration // p99 latency of each round
	RoundWait99 []time.Duration // p99 checkout wait of each round
	RoundFIFO99 []time.Duration // FIFOWaitP99 of each round
	ErrorSample []string
	Interrupted bool
}

// summarize turns the rounds of one pool in one cell into a result.
func summarize(c cell, poolName, countedBy string, rounds []round) result {
	r := result{cell: c, Pool: poolName, Rounds: len(rounds), CountedBy: countedBy}
	var lat, wait, fifo []time.Duration
	var cpu, createT, useT time.Duration
	var creates, uses int64
	for _, x := range rounds {
		creates, createT, uses, useT = creates+x.Creates, createT+x.CreateTotal, uses+x.Uses, useT+x.UseTotal
		r.Measured += x.Measured
		r.Ops += int64(len(x.Lat))
		lat = append(lat, x.Lat...)
		wait = append(wait, x.Wait...)
		r.Timeouts += x.Timeouts
		r.Errors += x.Errors
		r.Opened += x.Opened
		r.Closed += x.Closed
		cpu += x.CPU
		r.MaxConns = max(r.MaxConns, x.MaxConns)
		if x.ConnsErr != "" && r.ConnsErr == "" {
			r.ConnsErr = x.ConnsErr
		}
		for _, e := range x.ErrorSamples {
			r.ErrorSample = addSample(r.ErrorSample, e)
		}
		r.RoundOps = append(r.RoundOps, rate(int64(len(x.Lat)), x.Measured))
		r.RoundP99 = append(r.RoundP99, percentile(sortedCopy(x.Lat), 0.99))
		r.RoundWait99 = append(r.RoundWait99, percentile(sortedCopy(x.Wait), 0.99))
		fw := fifoReplay(x.Starts, x.Ends)
		fifo = append(fifo, fw...)
		r.RoundFIFO99 = append(r.RoundFIFO99, percentile(sortedCopy(fw), 0.99))
		r.Interrupted = r.Interrupted || x.Interrupted
	}
	if r.ConnsErr != "" {
		r.MaxConns = -1
	}
	if creates > 0 {
		r.CreateMean = createT / time.Duration(creates)
	}
	if uses > 0 {
		r.UseMean = useT / time.Duration(uses)
	}
	r.Throughput = rate(r.Ops, r.Measured)
	if r.Ops > 0 {
		r.CPUPerOp = cpu / time.Duration(r.Ops)
	}
	slices.Sort(lat)
	slices.Sort(wait)
	r.P50, r.P95, r.P99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
	r.Max = percentile(lat, 1)
	r.WaitP50, r.WaitP99 = percentile(wait, 0.50), percentile(wait, 0.99)
	slices.Sort(fifo)
	r.FIFOWaitP99 = percentile(fifo, 0.99)
	return r
}

// fifoReplay replays a round's operations through an ideal first-come,
// first-served pool driven by the round's own stream of returned
// connections, and returns the checkout wait each operation would have
// had: every release, in time order, goes to the oldest operation that
// had started and not yet been served, or else waits idle for the next
// one to start. It is the same computation for every pool, and it says
// how much of a pool's wait p99 its order of service could remove: on a
// saturated pool a FIFO makes every caller wait for the same number of
// releases, so what is left is the unevenness of the releases themselves
// (server and scheduler stalls), which no pool controls.
//
// It is an estimate. The end of an operation (after the release call
// returned) stands for the hand-off inside it, which makes the waits a
// little longer; the releases are taken as they happened, although a
// different order of service would have moved them somewhat; and the
// window starts with no idle connection, which only the first few
// operations notice.
func fifoReplay(starts, ends []time.Duration) []time.Duration {
	starts, ends = sortedCopy(starts), sortedCopy(ends)
	waits := make([]time.Duration, 0, len(starts))
	next, idle := 0, 0
	for _, e := range ends {
		for idle > 0 && next < len(starts) && starts[next] <= e {
			waits = append(waits, 0) // an idle connection was there
			idle--
			next++
		}
		if next < len(starts) && starts[next] <= e {
			waits = append(waits, e-starts[next])
			next++
		} else {
			idle++
		}
	}
	for ; next < len(starts) && idle > 0; next, idle = next+1, idle-1 {
		waits = append(waits, 0)
	}
	return waits
}

func sortedCopy(d []time.Duration) []time.Duration {
	c := slices.Clone(d)
	slices.Sort(c)
	return c
}

// rate is ops per second, 0 for an empty window.
func rate(ops int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(ops) / d.Seconds()
}

// percentile returns the nearest-rank p-quantile (0 < p <= 1) of sorted
// samples: the smallest sample with at least p of them at or below it.
// It returns 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// The epsilon keeps float error (0.07*100 = 7.000000000000001) from
	// moving the rank up by one.
	i := int(math.Ceil(p*float64(n)-1e-9)) - 1
	return sorted[min(max(i, 0), n-1)]
}
