package alchemy_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"github.com/go-alchemy/alchemy"
)

// DefaultPoolConfig is SQLAlchemy's defaults; NewQueuePool builds a pool
// from a config for a Dial of the program's own.
func ExampleDefaultPoolConfig() {
	cfg := alchemy.DefaultPoolConfig()
	fmt.Println(cfg.Size, cfg.MaxOverflow, cfg.Timeout, cfg.ResetOnReturn)
	// Output: 5 10 30s rollback
}

func ExampleNewQueuePool() {
	cfg := alchemy.DefaultPoolConfig()
	cfg.Size = 1
	cfg.Dial = func(context.Context) (driver.Conn, error) { return poolExampleConn{}, nil }
	pool, err := alchemy.NewQueuePool(cfg)
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	pc, _ := pool.Get(context.Background())
	fmt.Println(pool.Stats().CheckedOut)
	pc.Release()
	fmt.Println(pool.Stats().CheckedOut, pool.Stats().Idle)
	// Output:
	// 1
	// 0 1
}

// MaxOverflow allows connections beyond PoolSize while demand lasts;
// they are closed when they come back to a full pool.
func ExampleMaxOverflow() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(1), alchemy.MaxOverflow(1))
	defer eng.Close()
	ctx := context.Background()
	a, _ := eng.Connect(ctx)
	b, _ := eng.Connect(ctx) // the overflow connection
	fmt.Println(eng.Pool().Stats().CheckedOut)
	a.Close()
	b.Close()
	fmt.Println(eng.Pool().Stats().Idle)
	// Output:
	// 2
	// 1
}

// PoolPrePing pings each connection at checkout and replaces a dead
// one; PoolRecycle replaces connections older than the given age.
func ExamplePoolPrePing() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolPrePing(true), alchemy.PoolRecycle(time.Hour))
	defer eng.Close()
	cfg := eng.Pool().Config()
	fmt.Println(cfg.PrePing, cfg.Recycle)
	// Output: true 1h0m0s
}

func ExamplePoolRecycle() {
	eng, _ := alchemy.CreateEngine("sqlite://?pool_recycle=3600")
	defer eng.Close()
	fmt.Println(eng.Pool().Config().Recycle)
	eng2, _ := alchemy.CreateEngine("sqlite://?pool_recycle=3600", alchemy.PoolRecycle(10*time.Minute)) // options win over the URL
	defer eng2.Close()
	fmt.Println(eng2.Pool().Config().Recycle)
	// Output:
	// 1h0m0s
	// 10m0s
}

// PoolEvents listens to the pool: connect, checkout, checkin, ….
func ExamplePoolEvents() {
	var mu sync.Mutex
	var kinds []string
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolEvents(func(ev alchemy.PoolEvent) {
		mu.Lock()
		kinds = append(kinds, ev.Kind.String())
		mu.Unlock()
	}))
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	c.Close()
	eng.Close()
	mu.Lock()
	fmt.Println(kinds)
	mu.Unlock()
	// Output: [connect checkout reset checkin close]
}

func ExampleParsePoolClass() {
	for _, s := range []string{"queue", "NullPool", "static", "lifo"} {
		c, err := alchemy.ParsePoolClass(s)
		fmt.Println(c, err != nil)
	}
	// Output:
	// QueuePool false
	// NullPool false
	// StaticPool false
	// QueuePool true
}

// ReadYourWrites marks a context (a request's) so that its reads go to
// the primary for a few seconds after each of its writes; see
// ExampleReadReplicas.
func ExampleReadYourWrites() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	ctx := alchemy.ReadYourWrites(context.Background())
	err := eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")
		return err
	})
	fmt.Println(err, eng.Reader(ctx) == eng)
	// Output: <nil> true
}

// ReplicaMaxLag skips replicas further behind the primary than the
// bound; it takes effect with ReadReplicas.
func ExampleReplicaMaxLag() {
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.ReplicaMaxLag(5*time.Second))
	fmt.Println(err)
	if err == nil {
		eng.Close()
	}
	// Output: <nil>
}
