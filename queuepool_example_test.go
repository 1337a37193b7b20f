package alchemy_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/go-alchemy/alchemy"
)

// poolExampleConn stands in for a real driver connection.
type poolExampleConn struct{}

func (poolExampleConn) Prepare(string) (driver.Stmt, error) { return nil, errors.ErrUnsupported }
func (poolExampleConn) Close() error                        { return nil }
func (poolExampleConn) Begin() (driver.Tx, error)           { return nil, errors.ErrUnsupported }

// A pool of size 2 with 1 overflow connection: it grows on demand to 3,
// then refuses (Timeout 0: at once), and keeps 2 when they come back.
func ExampleQueuePool() {
	cfg := alchemy.DefaultPoolConfig()
	cfg.Size, cfg.MaxOverflow, cfg.Timeout = 2, 1, 0
	cfg.Dial = func(context.Context) (driver.Conn, error) { return poolExampleConn{}, nil }
	pool, err := alchemy.NewQueuePool(cfg)
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	ctx := context.Background()

	fmt.Println(pool.Status())
	var out []*alchemy.PooledConn
	for range 3 {
		pc, err := pool.Get(ctx)
		if err != nil {
			panic(err)
		}
		out = append(out, pc)
		fmt.Println(pool.Status())
	}
	_, err = pool.Get(ctx)
	fmt.Println(errors.Is(err, alchemy.ErrPoolTimeout), err)
	for _, pc := range out {
		pc.Release()
	}
	fmt.Println(pool.Status())
	// Output:
	// Pool size: 2  Connections in pool: 0 Current Overflow: -2 Current Checked out connections: 0
	// Pool size: 2  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 1
	// Pool size: 2  Connections in pool: 0 Current Overflow: 0 Current Checked out connections: 2
	// Pool size: 2  Connections in pool: 0 Current Overflow: 1 Current Checked out connections: 3
	// true alchemy: QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.00s; 3 connections checked out (set pool_leak_threshold to see where they were taken)
	// Pool size: 2  Connections in pool: 2 Current Overflow: 0 Current Checked out connections: 0
}

// OnEvent sees SQLAlchemy's pool events; the listener runs outside the
// pool's lock.
func ExampleQueuePool_events() {
	cfg := alchemy.DefaultPoolConfig()
	cfg.Dial = func(context.Context) (driver.Conn, error) { return poolExampleConn{}, nil }
	cfg.Recycle = time.Hour
	cfg.OnEvent = func(e alchemy.PoolEvent) { fmt.Println(e.Kind, e.ConnID, e.Err) }
	pool, err := alchemy.NewQueuePool(cfg)
	if err != nil {
		panic(err)
	}
	defer pool.Close()

	pc, _ := pool.Get(context.Background())
	pc.Release()
	pool.Invalidate() // e.g. the server restarted: replace every connection at its next checkout
	pc, _ = pool.Get(context.Background())
	pc.Invalidate(errors.New("server closed the connection"))
	// Output:
	// connect 1 <nil>
	// checkout 1 <nil>
	// reset 1 <nil>
	// checkin 1 <nil>
	// close 1 <nil>
	// connect 2 <nil>
	// checkout 2 <nil>
	// invalidate 2 server closed the connection
	// close 2 <nil>
	// checkin 2 <nil>
}

func ExampleParseResetMode() {
	for _, s := range []string{"rollback", "commit", "none", "false", "bogus"} {
		m, err := alchemy.ParseResetMode(s)
		fmt.Println(m, err)
	}
	// Output:
	// rollback <nil>
	// commit <nil>
	// none <nil>
	// none <nil>
	// rollback alchemy: invalid value for pool_reset_on_return: "bogus" (want rollback, commit, none, true or false)
}
