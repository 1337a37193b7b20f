package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/puddle/v2"

	"github.com/go-alchemy/alchemy"
)

// A connection that does nothing, so that the pool measurement is the
// pools' own hand-off and not a driver's.
type nopConn struct{}

var errNop = errors.New("no-op connection: statements are not supported")

func (nopConn) Prepare(string) (driver.Stmt, error) { return nil, errNop }
func (nopConn) Begin() (driver.Tx, error)           { return nil, errNop }
func (nopConn) Close() error                        { return nil }

type nopConnector struct{}

func (nopConnector) Connect(context.Context) (driver.Conn, error) { return nopConn{}, nil }
func (nopConnector) Driver() driver.Driver                        { return nopDriver{} }

type nopDriver struct{}

func (nopDriver) Open(string) (driver.Conn, error) { return nopConn{}, nil }

// A pool under test: get checks a connection out and returns the function
// that gives it back.
type handoffPool struct {
	get   func(ctx context.Context) (release func(), err error)
	close func()
}

var poolKinds = []struct {
	name string
	open func(conns int) (handoffPool, error)
}{
	{"QueuePool", openQueuePool},
	{"puddle", openPuddle},
	{"database/sql", openDatabaseSQL},
}

func openQueuePool(conns int) (handoffPool, error) {
	cfg := alchemy.DefaultPoolConfig()
	cfg.Size, cfg.MaxOverflow, cfg.Timeout = conns, 0, time.Hour
	cfg.Dial = func(context.Context) (driver.Conn, error) { return nopConn{}, nil }
	p, err := alchemy.NewQueuePool(cfg)
	if err != nil {
		return handoffPool{}, err
	}
	return handoffPool{
		get: func(ctx context.Context) (func(), error) {
			pc, err := p.Get(ctx)
			if err != nil {
				return nil, err
			}
			return pc.Release, nil
		},
		close: func() { p.Close() },
	}, nil
}

func openPuddle(conns int) (handoffPool, error) {
	p, err := puddle.NewPool(&puddle.Config[nopConn]{
		Constructor: func(context.Context) (nopConn, error) { return nopConn{}, nil },
		Destructor:  func(nopConn) {},
		MaxSize:     int32(conns),
	})
	if err != nil {
		return handoffPool{}, err
	}
	return handoffPool{
		get: func(ctx context.Context) (func(), error) {
			r, err := p.Acquire(ctx)
			if err != nil {
				return nil, err
			}
			return r.Release, nil
		},
		close: p.Close,
	}, nil
}

func openDatabaseSQL(conns int) (handoffPool, error) {
	db := sql.OpenDB(nopConnector{})
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	return handoffPool{
		get: func(ctx context.Context) (func(), error) {
			c, err := db.Conn(ctx)
			if err != nil {
				return nil, err
			}
			return func() { c.Close() }, nil
		},
		close: func() { db.Close() },
	}, nil
}

// poolCell is one pool at one number of waiting goroutines, medians over
// the rounds.
type poolCell struct {
	Pool       string
	Waiters    int
	NsPerOp    float64 // wall time per checkout and return, all goroutines together
	P50WaitUs  float64
	P99WaitUs  float64
	MaxWaitUs  float64
	FIFOWaitUs float64 // (waiters − conns) × NsPerOp
	// Hand-offs waited: how many other checkouts were granted while a
	// goroutine waited. FIFO makes it waiters − conns for everyone,
	// whatever the machine's load does to the times.
	P50Handoffs  float64
	P99Handoffs  float64
	FIFOHandoffs int
	VsDBSQL      float64 // median of per-round NsPerOp ratios to database/sql's
}

// poolRound is what one run of one cell measured.
type poolRound struct {
	nsPerOp, p50, p99, max   time.Duration
	p50Handoffs, p99Handoffs int64
}

// handoffRound starts waiters goroutines that check a connection out of a
// pool of conns, yield while holding it, and give it back, in a loop, so
// that nearly all of them are queued in the pool at any moment: the cost
// measured is the hand-off (queue, wake-up, grant). Each goroutine's
// first checkout is the start-up stampede and is not counted in the
// waits. Besides the time, each wait is measured in hand-offs: the
// checkouts granted to others meanwhile, counted on one shared counter.
func handoffRound(ctx context.Context, open func(int) (handoffPool, error), conns, waiters, ops int) (poolRound, error) {
	p, err := open(conns)
	if err != nil {
		return poolRound{}, err
	}
	defer p.close()
	// Warm: open every connection once, so that no dial is measured.
	var rel []func()
	for range conns {
		r, err := p.get(ctx)
		if err != nil {
			return poolRound{}, err
		}
		rel = append(rel, r)
	}
	for _, r := range rel {
		r()
	}
	per := max(5, ops/waiters)
	waits := make([][]time.Duration, waiters)
	handoffs := make([][]int64, waiters)
	var (
		wg       sync.WaitGroup
		granted  atomic.Int64
		start    = make(chan struct{})
		errOnce  sync.Once
		firstErr error
	)
	for g := range waiters {
		wg.Go(func() {
			mine := make([]time.Duration, 0, per-1)
			passed := make([]int64, 0, per-1)
			<-start
			for i := range per {
				before := granted.Load()
				t0 := time.Now()
				release, err := p.get(ctx)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				d := time.Since(t0)
				after := granted.Add(1)
				if i > 0 {
					mine = append(mine, d)
					passed = append(passed, after-before-1)
				}
				// Hold the connection across a yield, so that the other
				// goroutines run and queue for it in the pool rather
				// than in the scheduler's run queue.
				runtime.Gosched()
				release()
			}
			waits[g], handoffs[g] = mine, passed
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(t0)
	if firstErr != nil {
		return poolRound{}, firstErr
	}
	all := slices.Concat(waits...)
	slices.Sort(all)
	ho := slices.Concat(handoffs...)
	slices.Sort(ho)
	return poolRound{
		nsPerOp: elapsed / time.Duration(per*waiters),
		p50:     quantile(all, 0.50), p99: quantile(all, 0.99), max: all[len(all)-1],
		p50Handoffs: quantile(ho, 0.50), p99Handoffs: quantile(ho, 0.99),
	}, nil
}

// quantile returns the q-quantile of sorted, which is not empty.
func quantile[T any](sorted []T, q float64) T {
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// measurePool runs every pool at every waiter count, rounds times, the
// pools in a rotating order within each round.
func measurePool(ctx context.Context, cfg *config, progress func(string, ...any)) ([]poolCell, error) {
	var cells []poolCell
	for _, n := range cfg.waiters {
		rounds := make([][]poolRound, len(poolKinds))
		for r := range cfg.rounds {
			for k := range poolKinds {
				i := (k + r) % len(poolKinds)
				pr, err := handoffRound(ctx, poolKinds[i].open, cfg.conns, n, cfg.poolOps)
				if err != nil {
					return nil, fmt.Errorf("%s with %d goroutines: %w", poolKinds[i].name, n, err)
				}
				rounds[i] = append(rounds[i], pr)
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
		}
		base := len(poolKinds) - 1 // database/sql
		for i, kind := range poolKinds {
			medUs := func(f func(poolRound) time.Duration) float64 {
				return median(mapRounds(rounds[i], func(p poolRound) float64 { return float64(f(p)) / 1e3 }))
			}
			ns := median(mapRounds(rounds[i], func(p poolRound) float64 { return float64(p.nsPerOp) }))
			var ratios []float64
			for r := range rounds[i] {
				ratios = append(ratios, float64(rounds[i][r].nsPerOp)/float64(rounds[base][r].nsPerOp))
			}
			c := poolCell{
				Pool: kind.name, Waiters: n, NsPerOp: ns,
				P50WaitUs:    medUs(func(p poolRound) time.Duration { return p.p50 }),
				P99WaitUs:    medUs(func(p poolRound) time.Duration { return p.p99 }),
				MaxWaitUs:    medUs(func(p poolRound) time.Duration { return p.max }),
				FIFOWaitUs:   float64(max(0, n-cfg.conns)) * ns / 1e3,
				P50Handoffs:  median(mapRounds(rounds[i], func(p poolRound) float64 { return float64(p.p50Handoffs) })),
				P99Handoffs:  median(mapRounds(rounds[i], func(p poolRound) float64 { return float64(p.p99Handoffs) })),
				FIFOHandoffs: max(0, n-cfg.conns),
				VsDBSQL:      median(ratios),
			}
			cells = append(cells, c)
			progress("  %-12s %6d goroutines  %7.0f ns/op (%.2f× database/sql)  wait p50 %s p99 %s, FIFO %s  hand-offs waited p50 %.0f p99 %.0f, FIFO %d",
				c.Pool, n, c.NsPerOp, c.VsDBSQL, us(c.P50WaitUs), us(c.P99WaitUs), us(c.FIFOWaitUs), c.P50Handoffs, c.P99Handoffs, c.FIFOHandoffs)
		}
	}
	return cells, nil
}

func mapRounds[T any](in []T, f func(T) float64) []float64 {
	out := make([]float64, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
