package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy"
)

// drainGrace bounds how long workers may take to finish their last
// operation after a window ends; then their context is cancelled.
const drainGrace = 10 * time.Second

// bench holds everything fixed for one run of the tool.
type bench struct {
	cfg       *config
	started   time.Time
	url       *alchemy.URL // the database, as given
	dialect   string       // the URL's dialect name
	family    string       // its family: famPostgres, famMySQL or famSQLite
	pools     []string
	adminConn *alchemy.Connector
	admin     *sql.DB // a plain connection of the underlying driver: DDL and server counts
	schema    *schema
	prog      *progress
	tempFiles []string // the default SQLite database, removed at the end

	appSeq    atomic.Int64
	mysqlBase int // MySQL: connections to the database before the run
}

// errInterrupted reports a sweep stopped by its context (Ctrl-C).
var errInterrupted = errors.New("interrupted")

// sweep runs every cell with every pool, cfg.Repeat rounds each, the
// pools in a rotating order so that none always runs first. It returns
// the results so far with errInterrupted when ctx ends, or with the
// error that stopped it.
func (b *bench) sweep(ctx context.Context, cs []cell) ([]result, error) {
	var out []result
	for i, c := range cs {
		rounds := make(map[string][]round, len(b.pools))
		var stopErr error
	loop:
		for r := range b.cfg.Repeat {
			for k := range b.pools {
				name := b.pools[(i+r+k)%len(b.pools)]
				b.prog.begin(c, name)
				rd, err := b.runRound(ctx, c, name)
				if rd != nil {
					rounds[name] = append(rounds[name], *rd)
					b.prog.end(c, name, rd)
				}
				if err != nil {
					stopErr = err
					break loop
				}
			}
		}
		for _, name := range b.pools {
			if len(rounds[name]) > 0 {
				out = append(out, summarize(c, name, b.countedBy(), rounds[name]))
			}
		}
		if stopErr != nil {
			return out, stopErr
		}
	}
	return out, nil
}

func (b *bench) countedBy() string {
	if b.family == famSQLite {
		return countedByPool
	}
	return countedByServer
}

// runRound measures one pool in one cell: a fresh pool, warm-up, then
// the measured window. It returns the round (nil if ctx ended before the
// window began) and errInterrupted if ctx ended, or the error that kept
// the pool from running.
func (b *bench) runRound(ctx context.Context, c cell, poolName string) (*round, error) {
	spec := poolSpec{Size: c.PoolSize, Overflow: c.MaxOverflow, Timeout: c.PoolTimeout}
	if b.family == famPostgres {
		spec.AppName = fmt.Sprintf("alchemy_bench_%d_%d", os.Getpid(), b.appSeq.Add(1))
	}
	counter, err := b.serverCounter(ctx, spec)
	if err != nil {
		return nil, b.interruptedOr(ctx, fmt.Errorf("count server connections: %w", err))
	}
	p, err := openPool(ctx, poolName, b.url, spec)
	if err != nil {
		return nil, b.interruptedOr(ctx, fmt.Errorf("open %s: %w", poolName, err))
	}
	if counter == nil {
		counter = poolCounter{p}
	}
	smp := startSampler(ctx, counter, b.sampleEvery())
	rd := b.measure(ctx, p, c)
	maxConns, serr := smp.finish(context.WithoutCancel(ctx), counter)
	p.close()
	if rd == nil {
		return nil, errInterrupted
	}
	rd.MaxConns = maxConns
	if serr != nil {
		rd.ConnsErr = serr.Error()
	}
	if rd.Interrupted {
		return rd, errInterrupted
	}
	return rd, nil
}

func (b *bench) interruptedOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errInterrupted
	}
	return err
}

// serverCounter returns the counter of the pool's server connections,
// or nil when the pool must count its own (SQLite).
func (b *bench) serverCounter(ctx context.Context, spec poolSpec) (connCounter, error) {
	switch b.family {
	case famPostgres:
		return pgCounter{admin: b.admin, app: spec.AppName}, nil
	case famMySQL:
		base, err := settleMySQL(ctx, b.admin, b.mysqlBase)
		return mysqlCounter{admin: b.admin, baseline: base}, err
	}
	return nil, nil
}

func (b *bench) sampleEvery() time.Duration {
	if b.family == famSQLite {
		return 2 * time.Millisecond
	}
	return 20 * time.Millisecond
}

// window is the measured part of a round. to moves earlier if the run
// is interrupted.
type window struct {
	from time.Time
	to   atomic.Pointer[time.Time]
}

func (w *window) end() time.Time { return *w.to.Load() }

// measure runs c.Concurrency workers on p through warm-up and the
// window, and returns the round, or nil if ctx ended during warm-up.
func (b *bench) measure(ctx context.Context, p pool, c cell) *round {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &window{from: time.Now().Add(b.cfg.Warmup)}
	to := w.from.Add(b.cfg.Duration)
	w.to.Store(&to)
	interrupted := false
	stopInterrupt := context.AfterFunc(ctx, func() {
		// Only ever earlier: an interrupt after the window leaves it whole.
		if now := time.Now(); now.Before(to) {
			w.to.Store(&now)
		}
	})
	defer stopInterrupt()

	recs := make([]*recorder, c.Concurrency)
	var wg sync.WaitGroup
	work := b.schema.op(c.Workload)
	for i := range recs {
		recs[i] = &recorder{}
		wg.Go(func() { b.worker(wctx, p, work, w, recs[i], uint64(i)) })
	}
	var before, after poolCounters
	var cpu0, cpu1 time.Duration
	if sleepUntil(ctx, w.from) {
		before, cpu0 = p.counters(), processCPU()
		interrupted = !sleepUntil(ctx, to)
		after, cpu1 = p.counters(), processCPU()
	} else {
		interrupted = true
	}
	// Workers finish the operation in hand (wctx ends with ctx on Ctrl-C).
	timer := time.AfterFunc(drainGrace, cancel)
	wg.Wait()
	timer.Stop()
	end := w.end()
	if !end.After(w.from) {
		return nil
	}
	rd := mergeRecorders(recs)
	rd.Measured = end.Sub(w.from)
	rd.Opened, rd.Closed = after.Opens-before.Opens, after.Closes-before.Closes
	rd.Creates, rd.CreateTotal = after.Creates-before.Creates, time.Duration(after.CreateNs-before.CreateNs)
	rd.Uses, rd.UseTotal = after.Uses-before.Uses, time.Duration(after.UseNs-before.UseNs)
	rd.CPU = cpu1 - cpu0
	rd.Interrupted = interrupted
	return &rd
}

// sleepUntil sleeps until t; false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// worker is one client: check out, run one operation, give back, think;
// until the window ends. The checkout wait is the time db.Conn (or
// pgxpool's Acquire) took; the latency runs from before the checkout to
// after the release.
func (b *bench) worker(ctx context.Context, p pool, work op, w *window, rec *recorder, seed uint64) {
	rng := mrand.New(mrand.NewPCG(seed, uint64(time.Now().UnixNano())))
	think := b.cfg.Think
	for {
		start := time.Now()
		if !start.Before(w.end()) || ctx.Err() != nil {
			return
		}
		s, err := p.acquire(ctx)
		got := time.Now()
		if err == nil {
			err = work(ctx, s, rng)
			s.release()
		}
		end := time.Now()
		rec.record(ctx, w.from, w.end(), start, got, end, err)
		pause := think
		if err != nil && !errors.Is(err, errCheckoutTimeout) && pause < time.Millisecond {
			// A failing server fails fast: don't spin on it.
			pause = time.Millisecond
		}
		if pause > 0 && !sleepUntil(ctx, time.Now().Add(pause)) {
			return
		}
	}
}
