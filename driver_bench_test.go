package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"

	"github.com/go-alchemy/alchemy/dialects"
)

// A no-op driver: every statement succeeds at once, so the benchmarks
// below measure only the connection handling around it.
type noopDriver struct{}

func (noopDriver) Open(string) (driver.Conn, error) { return noopConn{}, nil }

type noopConn struct{}

func (noopConn) Prepare(string) (driver.Stmt, error) { return noopStmt{}, nil }
func (noopConn) Close() error                        { return nil }
func (noopConn) Begin() (driver.Tx, error)           { return noopTx{}, nil }
func (noopConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(1), nil
}

type noopStmt struct{}

func (noopStmt) Close() error                               { return nil }
func (noopStmt) NumInput() int                              { return -1 }
func (noopStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(1), nil }
func (noopStmt) Query([]driver.Value) (driver.Rows, error)  { return noopRows{}, nil }

type noopRows struct{}

func (noopRows) Columns() []string         { return nil }
func (noopRows) Close() error              { return nil }
func (noopRows) Next([]driver.Value) error { return io.EOF }
func (noopTx) Commit() error               { return nil }
func (noopTx) Rollback() error             { return nil }

type noopTx struct{}

type noopConnector struct{}

func (noopConnector) Connect(context.Context) (driver.Conn, error) { return noopConn{}, nil }
func (noopConnector) Driver() driver.Driver                        { return noopDriver{} }

// channelConnector is the simplest external pool under database/sql: a
// buffered channel of connections, released through Close.
type channelConnector struct{ ch chan *chanConn }

type chanConn struct {
	noopConn
	home chan *chanConn
}

func (c *chanConn) Close() error { c.home <- c; return nil }

func (c channelConnector) Connect(ctx context.Context) (driver.Conn, error) {
	select {
	case cn := <-c.ch:
		return cn, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
func (channelConnector) Driver() driver.Driver { return noopDriver{} }

func init() {
	dialects.RegisterDriver("", dialects.Driver{
		Name:          "noop",
		OpenConnector: func(dialects.ConnParams) (driver.Connector, error) { return noopConnector{}, nil },
	})
}

// BenchmarkDropInExec compares db.ExecContext through "alchemy" with the
// same no-op driver under plain database/sql: with database/sql's own
// idle list, and with no idle list over an external channel pool (the
// floor for any pool that lives under database/sql).
func BenchmarkDropInExec(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, db *sql.DB) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("database-sql-idle-list", func(b *testing.B) {
		db := sql.OpenDB(noopConnector{})
		defer db.Close()
		run(b, db)
	})
	b.Run("database-sql-channel-pool-no-idle", func(b *testing.B) {
		cc := channelConnector{ch: make(chan *chanConn, 5)}
		for i := 0; i < 5; i++ {
			cc.ch <- &chanConn{home: cc.ch}
		}
		db := sql.OpenDB(cc)
		db.SetMaxIdleConns(0)
		defer db.Close()
		run(b, db)
	})
	b.Run("alchemy", func(b *testing.B) {
		db, err := sql.Open("alchemy", "sqlite+noop://")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		run(b, db)
	})
	// What observing costs, against "alchemy" above (no hooks): a tracer
	// that does nothing, echo to a handler that discards, and leak
	// detection (a stack recorded per checkout).
	observed := func(name string, opts ...alchemy.Option) {
		b.Run("alchemy+"+name, func(b *testing.B) {
			c, err := alchemy.NewConnector("sqlite+noop://", opts...)
			if err != nil {
				b.Fatal(err)
			}
			db := sql.OpenDB(c)
			defer db.Close()
			run(b, db)
		})
	}
	observed("noop-tracer", alchemy.WithTracer(nopTracer{}))
	observed("echo-discard", alchemy.Echo(slog.New(slog.NewTextHandler(io.Discard, nil))))
	observed("echo-level-off", alchemy.Echo(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	observed("leak-detection", alchemy.PoolLeakThreshold(time.Hour, nil))
}

type nopTracer struct{}

func (nopTracer) BeforeExecute(ctx context.Context, _ *alchemy.Execution) context.Context { return ctx }
func (nopTracer) AfterExecute(context.Context, *alchemy.Execution)                        {}

// BenchmarkDropInExecContended: the same from 8×GOMAXPROCS goroutines
// over 2 connections, so that most calls queue for a connection: alchemy
// (QueuePool's FIFO hand-off, plus database/sql's bookkeeping for a
// connection it does not keep) against database/sql's own pool capped
// at 2 connections (its random hand-off).
func BenchmarkDropInExecContended(b *testing.B) {
	run := func(b *testing.B, db *sql.DB) {
		b.ReportAllocs()
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.Run("database-sql-max-open-2", func(b *testing.B) {
		db := sql.OpenDB(noopConnector{})
		defer db.Close()
		db.SetMaxOpenConns(2)
		db.SetMaxIdleConns(2)
		run(b, db)
	})
	for _, timeout := range []string{"30", "none"} {
		b.Run("alchemy/pool_timeout="+timeout, func(b *testing.B) {
			db, err := sql.Open("alchemy", "sqlite+noop://?pool_size=2&max_overflow=0&pool_timeout="+timeout)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			run(b, db)
		})
	}
}
