package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// IsolationLevel sets the engine-wide isolation level (SQLAlchemy's
// isolation_level); the URL key isolation_level does the same.
func ExampleIsolationLevel() {
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.IsolationLevel(sql.LevelSerializable))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	err = eng.Begin(context.Background(), func(c *alchemy.Conn) error { return nil })
	fmt.Println(err)
	// Output: <nil>
}

func ExampleParseIsolationLevel() {
	for _, s := range []string{"READ COMMITTED", "repeatable_read", "SERIALIZABLE", "sometimes"} {
		l, err := alchemy.ParseIsolationLevel(s)
		fmt.Println(l, err != nil)
	}
	// Output:
	// Read Committed false
	// Repeatable Read false
	// Serializable false
	// Default true
}

// PoolTimeout bounds the wait for a connection when all are out.
func ExamplePoolTimeout() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(1), alchemy.MaxOverflow(0),
		alchemy.PoolTimeout(50*time.Millisecond))
	defer eng.Close()
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	_, err := eng.Connect(ctx) // the only connection is out
	fmt.Println(errors.Is(err, alchemy.ErrPoolTimeout))
	// Output: true
}

// exampleCountingConnector counts the connections its wrapped connector opens.
type exampleCountingConnector struct {
	driver.Connector
	opened atomic.Int64
}

func (c *exampleCountingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c.opened.Add(1)
	return c.Connector.Connect(ctx)
}

// WithConnector opens connections through a driver.Connector of the
// program's own (a custom dialer, credentials fetched per connection, a
// wrapper for tests), while the URL still names the dialect.
func ExampleWithConnector() {
	base, _ := alchemy.NewConnector("sqlite://")
	defer base.Close()
	counting := &exampleCountingConnector{Connector: base.Underlying()}
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithConnector(counting))
	defer eng.Close()
	ctx := context.Background()
	_, _ = eng.ExecContext(ctx, "SELECT 1")
	_, _ = eng.ExecContext(ctx, "SELECT 1") // the pooled connection again
	fmt.Println(counting.opened.Load())
	// Output: 1
}

// QueryCacheSize gives the engine its own compiled-statement cache.
func ExampleQueryCacheSize() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.QueryCacheSize(50))
	defer eng.Close()
	ctx := context.Background()
	for range 3 {
		_, _ = eng.Query(ctx, sqlexpr.Select(sqlexpr.InlineLiteral(1)))
	}
	st := eng.SQLCompiler().Stats()
	fmt.Println(st.Capacity, st.Hits, st.Misses)
	// Output: 50 2 1
}

// Engine.BeginTx is database/sql's: the Engine stands in for a *sql.DB.
func ExampleEngine_BeginTx() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	tx, err := eng.BeginTx(ctx, nil)
	if err != nil {
		panic(err)
	}
	_, _ = tx.ExecContext(ctx, "DELETE FROM accounts")
	_ = tx.Rollback()
	var n int
	_ = eng.QueryRowContext(ctx, "SELECT count(*) FROM accounts").Scan(&n)
	fmt.Println(n)
	// Output: 2
}

// DB is the engine's *sql.DB, for code written against database/sql.
func ExampleEngine_DB() {
	eng := exampleEngine()
	defer eng.Close()
	var owner string
	_ = eng.DB().QueryRow("SELECT owner FROM accounts WHERE id = 1").Scan(&owner)
	fmt.Println(owner)
	// Output: ann
}

func ExampleConn_Rollback() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	_, _ = c.ExecContext(ctx, "DELETE FROM accounts")
	fmt.Println(c.InTransaction(), c.Rollback(ctx), c.InTransaction())
	var n int
	_ = c.QueryRowContext(ctx, "SELECT count(*) FROM accounts").Scan(&n)
	fmt.Println(n)
	// Output:
	// true <nil> false
	// 2
}

func ExamplePoolConfigFromURL() {
	u, _ := alchemy.ParseURL("postgresql://app@db/app?pool_size=20&pool_timeout=2.5&pool_pre_ping=true")
	cfg, err := alchemy.PoolConfigFromURL(u, alchemy.DefaultPoolConfig())
	fmt.Println(cfg.Size, cfg.MaxOverflow, cfg.Timeout, cfg.PrePing, err)
	_, err = alchemy.PoolConfigFromURL(&alchemy.URL{Query: map[string][]string{"pool_sise": {"3"}}}, alchemy.DefaultPoolConfig())
	fmt.Println(err != nil)
	// Output:
	// 20 10 2.5s true <nil>
	// true
}

// DriverConn reaches the driver's own connection inside (*sql.Conn).Raw.
func ExampleDriverConn() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	ctx := context.Background()
	sc, _ := eng.DB().Conn(ctx)
	defer sc.Close()
	_ = sc.Raw(func(dc any) error {
		_, isWrapper := dc.(interface{ Unwrap() driver.Conn })
		fmt.Println(isWrapper, alchemy.DriverConn(dc) != nil)
		return nil
	})
	// Output: true true
}

// PoolResetOnReturn says what a connection gets when it comes back with
// a transaction open: rollback (the default), commit, or none.
func ExamplePoolResetOnReturn() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolResetOnReturn(alchemy.ResetRollback), alchemy.PoolPrePing(true))
	defer eng.Close()
	fmt.Println(eng.Pool().Config().ResetOnReturn, eng.Pool().Config().PrePing)
	// Output: rollback true
}
