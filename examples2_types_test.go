package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// The Engine is made once per database and shared: it hands out Conns,
// runs one-off statements itself, and owns the pool.
func ExampleEngine() {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		panic(err)
	}
	defer eng.Close()

	_, _ = eng.ExecContext(ctx, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
	users := sqlexpr.NewTable("users", "id", "name")
	_, _ = eng.Execute(ctx, sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "ada"}))
	name := eng.QueryRow(ctx, sqlexpr.Select(users.C("name"))).Get("name")
	fmt.Println(eng.Dialect().Name, eng.URL(), name)
	// Output:
	// sqlite sqlite:// ada
}

// A Conn autobegins a transaction at its first statement; the statements
// see each other's writes, and Commit makes them visible to other Conns.
func ExampleConn() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()

	c, _ := eng.Connect(ctx)
	defer c.Close()
	_, _ = c.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")
	fmt.Println(c.InTransaction())
	_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (1), (2)")
	var n int
	_ = c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n)
	fmt.Println(n)
	_ = c.Commit(ctx)
	fmt.Println(c.InTransaction())
	// Output:
	// true
	// 2
	// false
}

// A Savepoint undoes part of a transaction without giving up the rest.
func ExampleSavepoint() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	_, _ = eng.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")

	c, _ := eng.Connect(ctx)
	defer c.Close()
	_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	sp, _ := c.Savepoint(ctx)
	fmt.Println(sp.Name() != "", c.InNestedTransaction())
	_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (2)")
	_ = sp.Rollback(ctx) // undoes 2 only
	sp, _ = c.Savepoint(ctx)
	_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (3)")
	_ = sp.Commit(ctx) // releases the savepoint: 3 stays in the transaction
	_ = c.Commit(ctx)

	var got string
	_ = eng.QueryRowContext(ctx, "SELECT group_concat(x) FROM t").Scan(&got)
	fmt.Println(got)
	// Output:
	// true true
	// 1,3
}

// A Connector is the driver.Connector behind an Engine; sql.OpenDB of a
// NewConnector gives a *sql.DB with alchemy's pool, without an Engine.
func ExampleConnector() {
	cn, err := alchemy.NewConnector("sqlite://?pool_size=3")
	if err != nil {
		panic(err)
	}
	db := sql.OpenDB(cn)
	defer db.Close() // closes the Connector and its pool

	var one int
	_ = db.QueryRow("SELECT 1").Scan(&one)
	fmt.Println(cn, cn.URL().Dialect, cn.Dialect().Name, cn.Pool().Config().Size, one)
	fmt.Println(cn.Driver() != nil, cn.Underlying() != nil)
	// Output:
	// alchemy.Connector(sqlite://?pool_size=3) sqlite sqlite 3 1
	// true true
}

// Driver is what sql.Open("alchemy", url) uses: the data source name is a
// SQLAlchemy URL, and its pool keys configure the QueuePool.
func ExampleDriver() {
	db, err := sql.Open(alchemy.DriverName, "sqlite://?pool_size=2")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	d, _ := db.Driver().(*alchemy.Driver)
	pool, _ := alchemy.PoolOf(db)
	fmt.Println(d != nil, pool.Config().Size)
	// Output:
	// true 2
}

// URL is the parsed form of a database URL; it never prints its password
// unless asked, so it is safe to log.
func ExampleURL() {
	u, _ := alchemy.ParseURL("postgresql://app:s3cret@db1:5432,db2:5433/shop?target_session_attrs=read-write&pool_size=4")
	fmt.Println(u)
	fmt.Printf("%#v\n", *u) // %#v is masked too, so a debug dump does not leak it
	fmt.Println(u.RenderAsString(false))
	fmt.Println(u.Servers())
	fmt.Println(u.DriverQuery()) // the pool keys are alchemy's, not the driver's
	// Output:
	// postgresql://app:***@db1:5432,db2:5433/shop?pool_size=4&target_session_attrs=read-write
	// alchemy.URL("postgresql://app:***@db1:5432,db2:5433/shop?pool_size=4&target_session_attrs=read-write")
	// postgresql://app:s3cret@db1:5432,db2:5433/shop?pool_size=4&target_session_attrs=read-write
	// [db1:5432 db2:5433]
	// map[target_session_attrs:[read-write]]
}

// HostPort is one server of a multi-host URL, in the order to try them.
func ExampleHostPort() {
	u, _ := alchemy.ParseURL("postgresql://app@[::1]:5432,replica/shop")
	for _, hp := range u.Servers() {
		fmt.Println(hp.Host, hp.Port, hp)
	}
	// Output:
	// ::1 5432 [::1]:5432
	// replica 0 replica
}

// An Option configures CreateEngine; Options bundles several so that a
// team's defaults are one value.
func ExampleOption() {
	var defaults alchemy.Option = alchemy.Options(alchemy.PoolSize(2), alchemy.PoolPrePing(true))
	eng, _ := alchemy.CreateEngine("sqlite://", defaults, alchemy.MaxOverflow(0))
	defer eng.Close()
	cfg := eng.Pool().Config()
	fmt.Println(cfg.Size, cfg.MaxOverflow, cfg.PrePing)

	_, err := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(-1)) // bad values fail CreateEngine
	fmt.Println(err != nil)
	// Output:
	// 2 0 true
	// true
}

// EchoConfig logs every statement to a slog.Logger, like create_engine(echo=True).
func ExampleEchoConfig() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.EchoWith(alchemy.EchoConfig{Logger: exampleLogger()}))
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "SELECT ?", 42)
	// Output:
	// level=INFO msg="alchemy: execute" sql="SELECT ?" args=[42] conn=1 tx=false rows_affected=0
}

// ExecutionOptions apply to the transactions a Conn begins from now on,
// so they are set between transactions; the zero value goes back to the
// engine's defaults.
func ExampleExecutionOptions() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()

	c, _ := eng.Connect(ctx)
	defer c.Close()
	fmt.Println(c.ExecutionOptions(alchemy.ExecutionOptions{IsolationLevel: sql.LevelSerializable, ReadOnly: true}))
	_, _ = c.ExecContext(ctx, "SELECT 1") // autobegins a serializable, read-only transaction
	_ = c.Commit(ctx)
	fmt.Println(c.ExecutionOptions(alchemy.ExecutionOptions{})) // later ones: the defaults
	// Output:
	// <nil>
	// <nil>
}

// NewConn is the fresh connection an OnConnect function prepares before
// the pool hands it out: session settings go here.
func ExampleNewConn() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.OnConnect(func(ctx context.Context, c *alchemy.NewConn) error {
		fmt.Println("new", c.Dialect(), "connection; raw driver conn:", c.Raw() != nil)
		return c.ExecContext(ctx, "PRAGMA cache_size = -2000")
	}))
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "SELECT 1")
	_, _ = eng.ExecContext(context.Background(), "SELECT 1") // reuses it: no second call
	// Output:
	// new sqlite connection; raw driver conn: true
}

// PoolConfig is the QueuePool's settings; Class chooses among the pool
// classes, and the URL keys override a base configuration.
func ExamplePoolConfig() {
	u, _ := alchemy.ParseURL("sqlite://?pool_size=3&pool_timeout=2.5")
	cfg, err := alchemy.PoolConfigFromURL(u, alchemy.DefaultPoolConfig())
	fmt.Println(cfg.Class, cfg.Size, cfg.MaxOverflow, cfg.Timeout, err)
	// Output:
	// QueuePool 3 10 2.5s <nil>
}

// PoolClass names how connections are kept; NullPool suits a server-side
// pooler such as PgBouncer, StaticPool tests that need one connection.
func ExamplePoolClass() {
	for _, c := range []alchemy.PoolClass{alchemy.QueuePoolClass, alchemy.NullPool, alchemy.StaticPool} {
		fmt.Println(c)
	}
	// Output:
	// QueuePool
	// NullPool
	// StaticPool
}

// ResetMode is what checkin does to a connection's open transaction.
func ExampleResetMode() {
	for _, m := range []alchemy.ResetMode{alchemy.ResetRollback, alchemy.ResetCommit, alchemy.ResetNone} {
		fmt.Println(m)
	}
	// Output:
	// rollback
	// commit
	// none
}

// PoolEvent and PoolEventKind are what a PoolEvents listener sees: here,
// the life of one connection of an Engine.
func ExamplePoolEvent() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolEvents(func(e alchemy.PoolEvent) {
		fmt.Println(e.Kind, e.ConnID)
	}))
	c, _ := eng.Connect(ctx)
	_ = c.Close()
	_ = eng.Close()
	// Output:
	// connect 1
	// checkout 1
	// reset 1
	// checkin 1
	// close 1
}

// Counting kinds is enough for a metrics exporter.
func ExamplePoolEventKind() {
	counts := map[alchemy.PoolEventKind]int{}
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolEvents(func(e alchemy.PoolEvent) { counts[e.Kind]++ }))
	for range 3 {
		_, _ = eng.ExecContext(context.Background(), "SELECT 1")
	}
	_ = eng.Close()
	fmt.Println(counts[alchemy.EventConnect], counts[alchemy.EventCheckout], alchemy.EventCheckout)
	// Output:
	// 1 3 checkout
}

// PoolStats holds the pool's state now and its counters since it opened.
func ExamplePoolStats() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(2))
	defer eng.Close()
	for range 3 {
		_, _ = eng.ExecContext(ctx, "SELECT 1")
	}
	var s alchemy.PoolStats = eng.Pool().Stats()
	fmt.Println(s.Size, s.Open, s.Idle, s.CheckedOut, s.Opens, s.Checkouts)
	// Output:
	// 2 1 1 0 1 3
}

// PooledConn is one checkout from a QueuePool used directly: Release
// returns it, Invalidate closes it for a broken connection.
func ExamplePooledConn() {
	cfg := alchemy.DefaultPoolConfig()
	cfg.Dial = func(context.Context) (driver.Conn, error) { return poolExampleConn{}, nil }
	pool, _ := alchemy.NewQueuePool(cfg)
	defer pool.Close()

	pc, _ := pool.Get(context.Background())
	fmt.Println(pc.ID(), pc.Conn() != nil, time.Since(pc.CreatedAt()) < time.Minute)
	pc.Release()
	pc, _ = pool.Get(context.Background())
	fmt.Println(pc.ID()) // the same connection again
	pc.Discard(errors.New("left in an unknown state"))
	fmt.Println(pool.Stats().Open)
	// Output:
	// 1 true true
	// 1
	// 0
}

// Invalidation records a connection the pool dropped, with why.
func ExampleInvalidation() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	pc, _ := eng.Pool().Get(context.Background())
	pc.Invalidate(errors.New("connection reset"))
	var iv alchemy.Invalidation = eng.Pool().RecentInvalidations()[0]
	fmt.Println(iv.ConnID, iv.Reason, !iv.At.IsZero())
	// Output:
	// 1 connection reset true
}

// WaitBucket is one bar of the pool's wait-time histogram: a pool whose
// callers never waited has every count at 0.
func ExampleWaitBucket() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "SELECT 1")
	var waits int64
	buckets := eng.Pool().WaitHistogram()
	for _, b := range buckets {
		waits += b.Count
	}
	fmt.Println(waits, buckets[len(buckets)-1].UpTo) // the last bucket has no bound
	// Output:
	// 0 0s
}

// RetryPolicy retries a transaction that failed for a reason worth
// retrying; RetryOn widens that, OnRetry sees each failed attempt.
func ExampleRetryPolicy() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	errBusy := errors.New("try again")
	attempts := 0
	err := eng.BeginRetry(ctx, alchemy.RetryPolicy{
		Attempts: 3,
		Backoff:  time.Millisecond,
		RetryOn:  func(err error, _ dialects.ErrorKind) bool { return errors.Is(err, errBusy) },
		OnRetry:  func(ev alchemy.RetryEvent) { fmt.Println("attempt", ev.Attempt, "failed:", ev.Err) },
	}, func(c *alchemy.Conn) error {
		attempts++
		if attempts < 3 {
			return errBusy
		}
		return nil
	})
	fmt.Println(attempts, err)
	// Output:
	// attempt 1 failed: try again
	// attempt 2 failed: try again
	// 3 <nil>
}

// RetryEvent is what OnRetry gets: when the attempts run out, the last
// error is returned, wrapped with the attempt count, and no event follows it.
func ExampleRetryEvent() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	var events []alchemy.RetryEvent
	err := eng.BeginRetry(context.Background(), alchemy.RetryPolicy{
		Attempts: 2,
		RetryOn:  func(error, dialects.ErrorKind) bool { return true },
		OnRetry:  func(ev alchemy.RetryEvent) { events = append(events, ev) },
	}, func(*alchemy.Conn) error { return errors.New("always fails") })
	fmt.Println(len(events), events[0].Attempt, err)
	// Output:
	// 1 1 alchemy: transaction failed after 2 attempts: always fails
}

// ex2Tracer logs statements, rows read and transaction boundaries: it is
// a Tracer, a RowsTracer and a TxTracer.
type ex2Tracer struct{}

type ex2Key struct{}

func (ex2Tracer) BeforeExecute(ctx context.Context, ex *alchemy.Execution) context.Context {
	return context.WithValue(ctx, ex2Key{}, "span for "+ex.Query) // reaches AfterExecute
}

func (ex2Tracer) AfterExecute(ctx context.Context, ex *alchemy.Execution) {
	fmt.Printf("%s: query=%v tx=%v affected=%d err=%v\n", ctx.Value(ex2Key{}), ex.IsQuery, ex.InTx, ex.RowsAffected, ex.Err)
}

func (ex2Tracer) RowsClosed(_ context.Context, ex *alchemy.Execution) {
	fmt.Println("rows read:", ex.Rows)
}

func (ex2Tracer) TxEvent(_ context.Context, ev alchemy.TxEvent) {
	fmt.Println("tx", ev.Kind, "conn", ev.ConnID, ev.Err)
}

// A Tracer sees every statement before and after it runs, with the
// context BeforeExecute returned (where a span would start).
func ExampleTracer() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithTracer(ex2Tracer{}))
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "CREATE TABLE t (x INTEGER)")
	// Output:
	// span for CREATE TABLE t (x INTEGER): query=false tx=false affected=0 err=<nil>
}

// Execution describes the statement: a failing one carries its error.
func ExampleExecution() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithTracer(ex2Tracer{}))
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "INSERT INTO nowhere VALUES (1)")
	// Output:
	// span for INSERT INTO nowhere VALUES (1): query=false tx=false affected=-1 err=SQL logic error: no such table: nowhere (1)
}

// A RowsTracer learns how many rows a query returned once they are closed.
func ExampleRowsTracer() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithTracer(ex2Tracer{}))
	defer eng.Close()
	rows, _ := eng.QueryContext(ctx, "SELECT 1 UNION ALL SELECT 2")
	for rows.Next() {
	}
	_ = rows.Close()
	// Output:
	// span for SELECT 1 UNION ALL SELECT 2: query=true tx=false affected=-1 err=<nil>
	// rows read: 2
}

// A TxTracer sees begin, commit and rollback.
func ExampleTxTracer() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithTracer(ex2Tracer{}))
	defer eng.Close()
	_ = eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "SELECT 1")
		return err
	})
	// Output:
	// tx BEGIN conn 1 <nil>
	// span for SELECT 1: query=false tx=true affected=0 err=<nil>
	// tx COMMIT conn 1 <nil>
}

// TxEvent carries a failed transaction's error too: a rollback here.
func ExampleTxEvent() {
	ctx := context.Background()
	var kinds []string
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithTracer(txKinds{&kinds}))
	defer eng.Close()
	_ = eng.Begin(ctx, func(c *alchemy.Conn) error { return errors.New("abandon") })
	fmt.Println(strings.Join(kinds, ", "))
	// Output:
	// BEGIN, ROLLBACK
}

// txKinds records the kind of every transaction event.
type txKinds struct{ kinds *[]string }

func (txKinds) BeforeExecute(ctx context.Context, _ *alchemy.Execution) context.Context { return ctx }
func (txKinds) AfterExecute(context.Context, *alchemy.Execution)                        {}
func (t txKinds) TxEvent(_ context.Context, ev alchemy.TxEvent) {
	*t.kinds = append(*t.kinds, ev.Kind.String())
}

// TxKind names the three boundaries.
func ExampleTxKind() {
	fmt.Println(alchemy.TxBegin, alchemy.TxCommit, alchemy.TxRollback)
	// Output:
	// BEGIN COMMIT ROLLBACK
}
