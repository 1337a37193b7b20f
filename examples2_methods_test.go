package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// ex2Users is the table the method examples query.
var ex2Users = sqlexpr.NewTable("users", "id", "name")

// ex2Engine returns an in-memory engine with a users table of two rows.
func ex2Engine() *alchemy.Engine {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		panic(err)
	}
	if _, err := eng.ExecContext(ctx, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)"); err != nil {
		panic(err)
	}
	if _, err := eng.ExecContext(ctx, "INSERT INTO users (name) VALUES ('ada'), ('bob')"); err != nil {
		panic(err)
	}
	return eng
}

// Close closes the pool; an Engine used after it reports ErrPoolClosed.
func ExampleEngine_Close() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	fmt.Println(eng.Close())
	_, err := eng.Connect(context.Background())
	fmt.Println(errors.Is(err, alchemy.ErrPoolClosed))
	// Output:
	// <nil>
	// true
}

// Dialect tells code that must differ per database which one it talks to.
func ExampleEngine_Dialect() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	fmt.Println(eng.Dialect().Name)
	// Output: sqlite
}

// ExecContext runs plain SQL with the dialect's placeholders, in a
// transaction of its own that commits at once.
func ExampleEngine_ExecContext() {
	eng := ex2Engine()
	defer eng.Close()
	res, _ := eng.ExecContext(context.Background(), "UPDATE users SET name = upper(name) WHERE id = ?", 1)
	n, _ := res.RowsAffected()
	fmt.Println(n)
	// Output: 1
}

// Pool is the engine's QueuePool, for its status and counters.
func ExampleEngine_Pool() {
	eng, _ := alchemy.CreateEngine("sqlite://?pool_size=4")
	defer eng.Close()
	fmt.Println(eng.Pool().Config().Size)
	// Output: 4
}

// QueryContext returns *sql.Rows for plain SQL.
func ExampleEngine_QueryContext() {
	eng := ex2Engine()
	defer eng.Close()
	rows, _ := eng.QueryContext(context.Background(), "SELECT name FROM users ORDER BY id")
	defer rows.Close()
	for rows.Next() {
		var name string
		_ = rows.Scan(&name)
		fmt.Println(name)
	}
	// Output:
	// ada
	// bob
}

// QueryRowContext returns database/sql's *sql.Row; sql.ErrNoRows tells
// "nothing found" from a failure.
func ExampleEngine_QueryRowContext() {
	eng := ex2Engine()
	defer eng.Close()
	var name string
	err := eng.QueryRowContext(context.Background(), "SELECT name FROM users WHERE id = ?", 99).Scan(&name)
	fmt.Println(errors.Is(err, sql.ErrNoRows))
	// Output: true
}

// SQLCompiler compiles sqlexpr statements for this engine's dialect, with
// its cache; useful to see the SQL a statement becomes.
func ExampleEngine_SQLCompiler() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	q, args, _ := eng.SQLCompiler().Compile(sqlexpr.Select(ex2Users.C("name")).Where(ex2Users.C("id").Eq(1)), eng.Dialect())
	fmt.Println(q, args)
	// Output: SELECT users.name FROM users WHERE users.id = ? [1]
}

// String shows the URL without its password, safe to log.
func ExampleEngine_String() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	fmt.Println(eng.String())
	// Output: Engine(sqlite://)
}

// URL is the parsed URL the engine was made from.
func ExampleEngine_URL() {
	eng, _ := alchemy.CreateEngine("sqlite:///:memory:?pool_size=2")
	defer eng.Close()
	fmt.Println(eng.URL().Database, eng.URL().Query.Get("pool_size"))
	// Output: :memory: 2
}

// BeginTx begins the transaction explicitly, with options, instead of
// letting the first statement autobegin it.
func ExampleConn_BeginTx() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	fmt.Println(c.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}), c.InTransaction())
	fmt.Println(errors.Is(c.BeginTx(ctx, nil), alchemy.ErrTransactionActive))
	// Output:
	// <nil> true
	// true
}

// Close rolls back what was not committed and returns the connection to
// the pool; a closed Conn refuses further use.
func ExampleConn_Close() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	_, _ = c.ExecContext(ctx, "DELETE FROM users")
	fmt.Println(c.Close())
	_, err := c.ExecContext(ctx, "SELECT 1")
	fmt.Println(errors.Is(err, alchemy.ErrConnClosed))

	var n int
	_ = eng.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	fmt.Println(n) // the DELETE was rolled back
	// Output:
	// <nil>
	// true
	// 2
}

// Dialect and Engine reach the Conn's dialect and the Engine it came from.
func ExampleConn_Dialect() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	fmt.Println(c.Dialect().Name, c.Engine() == eng)
	// Output: sqlite true
}

// Engine returns the Engine a Conn belongs to, for helpers that take only
// the Conn.
func ExampleConn_Engine() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	fmt.Println(c.Engine())
	// Output: Engine(sqlite://)
}

// ExecContext runs plain SQL inside the Conn's transaction.
func ExampleConn_ExecContext() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	res, _ := c.ExecContext(ctx, "INSERT INTO users (name) VALUES (?)", "cy")
	id, _ := res.LastInsertId()
	_ = c.Commit(ctx)
	fmt.Println(id)
	// Output: 3
}

// Execute runs an sqlexpr statement; Params supply the values of bind
// parameters, once per row for an executemany.
func ExampleConn_Execute() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	res, _ := c.Execute(ctx, sqlexpr.Update(ex2Users).
		Values(sqlexpr.Values{"name": sqlexpr.BindParam("new")}).
		Where(ex2Users.C("id").Eq(sqlexpr.BindParam("id"))),
		sqlexpr.Params{"id": 1, "new": "ada l."}, sqlexpr.Params{"id": 2, "new": "bob b."})
	n, _ := res.RowsAffected()
	_ = c.Commit(ctx)
	fmt.Println(n)
	// Output: 2
}

// InNestedTransaction is true inside a savepoint.
func ExampleConn_InNestedTransaction() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	_ = c.BeginNested(ctx, func(c *alchemy.Conn) error {
		fmt.Println("inside:", c.InNestedTransaction())
		return nil
	})
	fmt.Println("after:", c.InNestedTransaction(), c.InTransaction())
	// Output:
	// inside: true
	// after: false true
}

// InTransaction tells whether a transaction is open, e.g. before handing
// a Conn to code that expects to begin one itself.
func ExampleConn_InTransaction() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	fmt.Println(c.InTransaction())
	_, _ = c.ExecContext(ctx, "SELECT 1")
	fmt.Println(c.InTransaction())
	_ = c.Rollback(ctx)
	fmt.Println(c.InTransaction())
	// Output:
	// false
	// true
	// false
}

// Query runs an sqlexpr SELECT and returns sqlexpr.Rows, read by name.
func ExampleConn_Query() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	rows, _ := c.Query(ctx, sqlexpr.Select(ex2Users.C("id"), ex2Users.C("name")).OrderBy(ex2Users.C("id").Desc()))
	defer rows.Close()
	for rows.Next() {
		fmt.Println(rows.Get("id"), rows.Get("name"))
	}
	// Output:
	// 2 bob
	// 1 ada
}

// QueryContext runs plain SQL and returns *sql.Rows.
func ExampleConn_QueryContext() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	rows, _ := c.QueryContext(ctx, "SELECT count(*) FROM users")
	defer rows.Close()
	var n int
	for rows.Next() {
		_ = rows.Scan(&n)
	}
	fmt.Println(n)
	// Output: 2
}

// QueryRow returns one sqlexpr.Row; its error, if any, comes with Scan.
func ExampleConn_QueryRow() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	var name string
	err := c.QueryRow(ctx, sqlexpr.Select(ex2Users.C("name")).Where(ex2Users.C("id").Eq(2))).Scan(&name)
	fmt.Println(name, err)
	// Output: bob <nil>
}

// SQLCompiler is the engine's compiler, for the Conn's dialect.
func ExampleConn_SQLCompiler() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	q, _, _ := c.SQLCompiler().Compile(sqlexpr.Delete(ex2Users).Where(ex2Users.C("id").Gt(10)), c.Dialect())
	fmt.Println(q, c.SQLCompiler() == eng.SQLCompiler())
	// Output: DELETE FROM users WHERE users.id > ? true
}

// ex2Pool returns a QueuePool of stand-in connections.
func ex2Pool(size, overflow int) *alchemy.QueuePool {
	cfg := alchemy.DefaultPoolConfig()
	cfg.Size, cfg.MaxOverflow, cfg.Timeout = size, overflow, 0
	cfg.Dial = func(context.Context) (driver.Conn, error) { return poolExampleConn{}, nil }
	p, err := alchemy.NewQueuePool(cfg)
	if err != nil {
		panic(err)
	}
	return p
}

// Close closes every idle connection and refuses further checkouts; Done
// is closed then, for goroutines that watch the pool.
func ExampleQueuePool_Close() {
	p := ex2Pool(2, 0)
	fmt.Println(p.Close())
	<-p.Done()
	_, err := p.Get(context.Background())
	fmt.Println(errors.Is(err, alchemy.ErrPoolClosed))
	// Output:
	// <nil>
	// true
}

// Config is the configuration the pool runs with, defaults filled in.
func ExampleQueuePool_Config() {
	p := ex2Pool(3, 1)
	defer p.Close()
	cfg := p.Config()
	fmt.Println(cfg.Size, cfg.MaxOverflow, cfg.ResetOnReturn)
	// Output: 3 1 rollback
}

// Dispose closes the idle connections and lets the ones out be closed at
// checkin (after a fork, or a failover); the pool stays usable.
func ExampleQueuePool_Dispose() {
	ctx := context.Background()
	p := ex2Pool(2, 0)
	defer p.Close()
	a, _ := p.Get(ctx)
	b, _ := p.Get(ctx)
	a.Release()
	p.Dispose()
	b.Release() // closed, not pooled
	fmt.Println(p.Stats().Open)
	c, _ := p.Get(ctx) // a new connection
	fmt.Println(c.ID())
	c.Release()
	// Output:
	// 0
	// 3
}

// Done lets a goroutine stop when the pool closes.
func ExampleQueuePool_Done() {
	p := ex2Pool(1, 0)
	stopped := make(chan struct{})
	go func() {
		<-p.Done()
		close(stopped)
	}()
	_ = p.Close()
	<-stopped
	fmt.Println("stopped")
	// Output: stopped
}

// Get checks a connection out, waiting up to Timeout when all are out;
// the caller must Release (or Invalidate) it.
func ExampleQueuePool_Get() {
	ctx := context.Background()
	p := ex2Pool(1, 0)
	defer p.Close()
	pc, err := p.Get(ctx)
	fmt.Println(pc.ID(), err)
	_, err = p.Get(ctx) // Timeout 0: no wait
	fmt.Println(errors.Is(err, alchemy.ErrPoolTimeout))
	pc.Release()
	// Output:
	// 1 <nil>
	// true
}

// Invalidate marks every current connection as stale: each is replaced at
// its next checkout, as after a server restart.
func ExampleQueuePool_Invalidate() {
	ctx := context.Background()
	p := ex2Pool(1, 0)
	defer p.Close()
	pc, _ := p.Get(ctx)
	pc.Release()
	p.Invalidate()
	pc, _ = p.Get(ctx)
	fmt.Println(pc.ID(), p.Stats().Recycles)
	pc.Release()
	// Output: 2 1
}

// Name identifies the pool in logs and metrics: the engine's masked URL.
func ExampleQueuePool_Name() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	fmt.Printf("%q\n", eng.Pool().Name())
	// Output: "sqlite://"
}

// Stats is a snapshot for metrics: state now and counters since start.
func ExampleQueuePool_Stats() {
	ctx := context.Background()
	p := ex2Pool(1, 1)
	defer p.Close()
	a, _ := p.Get(ctx)
	b, _ := p.Get(ctx) // the overflow connection
	s := p.Stats()
	fmt.Println(s.CheckedOut, s.Overflow, s.Opens)
	a.Release()
	b.Release() // above Size: closed
	s = p.Stats()
	fmt.Println(s.Idle, s.Closes, s.Checkouts)
	// Output:
	// 2 1 2
	// 1 1 2
}

// Status is SQLAlchemy's one-line summary of the pool.
func ExampleQueuePool_Status() {
	p := ex2Pool(2, 3)
	defer p.Close()
	fmt.Println(p.Status())
	// Output: Pool size: 2  Connections in pool: 0 Current Overflow: -2 Current Checked out connections: 0
}
