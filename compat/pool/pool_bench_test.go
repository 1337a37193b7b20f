// Package pool compares alchemy's QueuePool with jackc/puddle and
// database/sql's own pool on a connection that does nothing, so that
// the figures are the pools' own cost. It is in the compat module so
// that puddle stays out of the library's go.mod.
//
//	go -C compat test ./pool -run '^$' -bench 'Checkout|Fairness' -benchmem -count 5
package pool_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/puddle/v2"

	"github.com/go-alchemy/alchemy"
)

// fakeConn is a connection that does nothing: opening, pinging and
// closing it cost nothing, so a benchmark measures the pool.
type fakeConn struct{}

var errUnsupported = errors.New("fake connection: not supported")

func (*fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errUnsupported }
func (*fakeConn) Begin() (driver.Tx, error)           { return nil, errUnsupported }
func (*fakeConn) Close() error                        { return nil }

func dial(context.Context) (driver.Conn, error) { return &fakeConn{}, nil }

// fakeConnector opens fake connections for database/sql.
type fakeConnector struct{}

func (fakeConnector) Connect(ctx context.Context) (driver.Conn, error) { return dial(ctx) }
func (fakeConnector) Driver() driver.Driver                            { return fakeSQLDriver{} }

type fakeSQLDriver struct{}

func (fakeSQLDriver) Open(string) (driver.Conn, error) { return &fakeConn{}, nil }

// poolCfg is alchemy's default pool configuration with size, overflow
// and timeout set, dialing fake connections.
func poolCfg(size, overflow int, timeout time.Duration) alchemy.PoolConfig {
	cfg := alchemy.DefaultPoolConfig()
	cfg.Size, cfg.MaxOverflow, cfg.Timeout = size, overflow, timeout
	cfg.Dial = dial
	return cfg
}

func newPool(b *testing.B, cfg alchemy.PoolConfig) *alchemy.QueuePool {
	b.Helper()
	p, err := alchemy.NewQueuePool(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}

func mustGet(b *testing.B, p *alchemy.QueuePool) *alchemy.PooledConn {
	b.Helper()
	pc, err := p.Get(context.Background())
	if err != nil {
		b.Fatalf("Get: %v", err)
	}
	return pc
}

// benchPool is one pool under comparison: get checks a connection out
// and returns the function that gives it back.
type benchPool struct {
	get   func(ctx context.Context) (release func(), err error)
	close func()
}

// benchPools builds the three pools compared, each capped at max
// connections and warmed with warm idle ones (opened, then returned).
var benchPools = []struct {
	name string
	new  func(b *testing.B, max, warm int) benchPool
}{
	{"QueuePool", newBenchQueuePool},
	{"puddle", newBenchPuddle},
	{"database-sql", newBenchDatabaseSQL},
}

func newBenchQueuePool(b *testing.B, max, warm int) benchPool {
	p, err := alchemy.NewQueuePool(poolCfg(max, 0, time.Minute))
	if err != nil {
		b.Fatal(err)
	}
	var out []*alchemy.PooledConn
	for range warm {
		out = append(out, mustGet(b, p))
	}
	for _, pc := range out {
		pc.Release()
	}
	return benchPool{
		get: func(ctx context.Context) (func(), error) {
			pc, err := p.Get(ctx)
			if err != nil {
				return nil, err
			}
			return pc.Release, nil
		},
		close: func() { p.Close() },
	}
}

func newBenchPuddle(b *testing.B, max, warm int) benchPool {
	p, err := puddle.NewPool(&puddle.Config[*fakeConn]{
		Constructor: func(ctx context.Context) (*fakeConn, error) {
			c, err := dial(ctx)
			if err != nil {
				return nil, err
			}
			return c.(*fakeConn), nil
		},
		Destructor: func(c *fakeConn) { c.Close() },
		MaxSize:    int32(max),
	})
	if err != nil {
		b.Fatal(err)
	}
	var out []*puddle.Resource[*fakeConn]
	for range warm {
		r, err := p.Acquire(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, r)
	}
	for _, r := range out {
		r.Release()
	}
	return benchPool{
		get: func(ctx context.Context) (func(), error) {
			r, err := p.Acquire(ctx)
			if err != nil {
				return nil, err
			}
			return r.Release, nil
		},
		close: p.Close,
	}
}

func newBenchDatabaseSQL(b *testing.B, max, warm int) benchPool {
	db := sql.OpenDB(fakeConnector{})
	db.SetMaxOpenConns(max)
	db.SetMaxIdleConns(max)
	var out []*sql.Conn
	for range warm {
		c, err := db.Conn(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, c)
	}
	for _, c := range out {
		c.Close()
	}
	return benchPool{
		get: func(ctx context.Context) (func(), error) {
			c, err := db.Conn(ctx)
			if err != nil {
				return nil, err
			}
			return func() { c.Close() }, nil
		},
		close: func() { db.Close() },
	}
}

// BenchmarkCheckout: check out an idle connection and return it, on one
// goroutine. Each pool is called directly (no closure), as a caller
// would.
func BenchmarkCheckout(b *testing.B) {
	ctx := context.Background()
	b.Run("QueuePool", func(b *testing.B) {
		cfg := poolCfg(8, 0, time.Minute)
		p := newPool(b, cfg)
		mustGet(b, p).Release()
		b.ReportAllocs()
		for b.Loop() {
			pc, err := p.Get(ctx)
			if err != nil {
				b.Fatal(err)
			}
			pc.Release()
		}
	})
	b.Run("puddle", func(b *testing.B) {
		p, err := puddle.NewPool(&puddle.Config[*fakeConn]{
			Constructor: func(context.Context) (*fakeConn, error) { return &fakeConn{}, nil },
			Destructor:  func(*fakeConn) {},
			MaxSize:     8,
		})
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		r, _ := p.Acquire(ctx)
		r.Release()
		b.ReportAllocs()
		for b.Loop() {
			r, err := p.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			r.Release()
		}
	})
	b.Run("database-sql", func(b *testing.B) {
		db := sql.OpenDB(fakeConnector{})
		defer db.Close()
		db.SetMaxIdleConns(100)
		c, _ := db.Conn(ctx)
		c.Close()
		b.ReportAllocs()
		for b.Loop() {
			c, err := db.Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
}

// BenchmarkCheckoutParallel: the same from GOMAXPROCS goroutines at
// once, with enough idle connections that nobody waits. Each pool is
// called directly, so the figures carry no closure allocations.
func BenchmarkCheckoutParallel(b *testing.B) {
	const max, warm = 64, 16
	b.Run("QueuePool", func(b *testing.B) {
		p := newPool(b, poolCfg(max, 0, time.Minute))
		var out []*alchemy.PooledConn
		for range warm {
			out = append(out, mustGet(b, p))
		}
		for _, pc := range out {
			pc.Release()
		}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				pc, err := p.Get(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				pc.Release()
			}
		})
	})
	b.Run("puddle", func(b *testing.B) {
		p, err := puddle.NewPool(&puddle.Config[*fakeConn]{
			Constructor: func(context.Context) (*fakeConn, error) { return &fakeConn{}, nil },
			Destructor:  func(*fakeConn) {},
			MaxSize:     max,
		})
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		var out []*puddle.Resource[*fakeConn]
		for range warm {
			r, _ := p.Acquire(context.Background())
			out = append(out, r)
		}
		for _, r := range out {
			r.Release()
		}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				r, err := p.Acquire(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				r.Release()
			}
		})
	})
	b.Run("database-sql", func(b *testing.B) {
		db := sql.OpenDB(fakeConnector{})
		defer db.Close()
		db.SetMaxIdleConns(max)
		var out []*sql.Conn
		for range warm {
			c, _ := db.Conn(context.Background())
			out = append(out, c)
		}
		for _, c := range out {
			c.Close()
		}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				c, err := db.Conn(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				c.Close()
			}
		})
	})
}

// BenchmarkFairness: 64 goroutines share 8 connections, each use holding
// one for 2ms, 4 uses per goroutine per iteration. Reports the wait for
// a connection at p50, p99 and max. A FIFO hand-off keeps p99 close to
// the mean (64/8 × 2ms ≈ 16ms); an unfair pool lets some callers starve.
func BenchmarkFairness(b *testing.B) {
	const clients, conns, uses = 64, 8, 4
	const hold = 2 * time.Millisecond
	for _, impl := range benchPools {
		b.Run(impl.name, func(b *testing.B) {
			bp := impl.new(b, conns, conns)
			defer bp.close()
			ctx := context.Background()
			var (
				mu    sync.Mutex
				waits []time.Duration
			)
			for b.Loop() {
				var wg sync.WaitGroup
				for range clients {
					wg.Go(func() {
						mine := make([]time.Duration, 0, uses)
						for range uses {
							start := time.Now()
							release, err := bp.get(ctx)
							if err != nil {
								b.Error(err)
								return
							}
							mine = append(mine, time.Since(start))
							time.Sleep(hold)
							release()
						}
						mu.Lock()
						waits = append(waits, mine...)
						mu.Unlock()
					})
				}
				wg.Wait()
			}
			slices.Sort(waits)
			ms := func(q float64) float64 {
				i := min(len(waits)-1, int(q*float64(len(waits))))
				return float64(waits[i]) / float64(time.Millisecond)
			}
			b.ReportMetric(ms(0.50), "p50-wait-ms")
			b.ReportMetric(ms(0.99), "p99-wait-ms")
			b.ReportMetric(ms(1), "max-wait-ms")
		})
	}
}

// BenchmarkCheckoutContended: 8×GOMAXPROCS goroutines share 2
// connections and give each back at once, so most checkouts queue and
// are handed a connection by the goroutine returning it. ns/op is the
// cost of that hand-off (lock, queue, wake-up), pool_timeout armed or
// not; allocs/op must stay 0 for QueuePool, which is called directly.
// puddle and database/sql go through benchPools' closures, whose
// allocations their figures include.
func BenchmarkCheckoutContended(b *testing.B) {
	const conns = 2
	run := func(b *testing.B, get func(context.Context) (func(), error)) {
		b.ReportAllocs()
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				release, err := get(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				release()
			}
		})
	}
	for _, tc := range []struct {
		name    string
		timeout time.Duration
	}{{"QueuePool/timeout=30s", 30 * time.Second}, {"QueuePool/timeout=none", time.Duration(1<<63 - 1)}} {
		b.Run(tc.name, func(b *testing.B) {
			p := newPool(b, poolCfg(conns, 0, tc.timeout))
			a, c := mustGet(b, p), mustGet(b, p)
			a.Release()
			c.Release()
			b.ReportAllocs()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					pc, err := p.Get(ctx)
					if err != nil {
						b.Error(err)
						return
					}
					pc.Release()
				}
			})
			b.StopTimer()
			s := p.Stats()
			b.ReportMetric(float64(s.Waits)/float64(s.Checkouts), "waits/op")
		})
	}
	for _, impl := range benchPools[1:] {
		b.Run(impl.name, func(b *testing.B) {
			bp := impl.new(b, conns, conns)
			defer bp.close()
			run(b, bp.get)
		})
	}
}
