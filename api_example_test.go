package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	_ "github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// exampleEngine is an engine on an in-memory SQLite database (one
// connection, so every statement sees the same database) with a table
// of accounts.
func exampleEngine() *alchemy.Engine {
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.WithPoolClass(alchemy.StaticPool))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := eng.ExecContext(ctx, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT UNIQUE, cents INTEGER)"); err != nil {
		panic(err)
	}
	if _, err := eng.ExecContext(ctx, "INSERT INTO accounts (owner, cents) VALUES ('ann', 1000), ('bob', 250)"); err != nil {
		panic(err)
	}
	return eng
}

// exAccounts describes the example table for sqlexpr statements.
var exAccounts = sqlexpr.NewTable("accounts", "id", "owner", "cents")

// NewConnector gives database/sql code alchemy's pool with options that
// a URL cannot carry.
func ExampleNewConnector() {
	c, err := alchemy.NewConnector("sqlite://", alchemy.PoolSize(3), alchemy.PoolTimeout(time.Second))
	if err != nil {
		panic(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var n int
	_ = db.QueryRowContext(context.Background(), "SELECT 40 + 2").Scan(&n)
	fmt.Println(n, c.Dialect().Name, c.Pool().Config().Size)
	// Output: 42 sqlite 3
}

// PoolOf reaches the QueuePool of a *sql.DB opened by name.
func ExamplePoolOf() {
	db, _ := sql.Open("alchemy", "sqlite://?pool_size=4&max_overflow=2")
	defer db.Close()
	p, err := alchemy.PoolOf(db)
	if err != nil {
		panic(err)
	}
	cfg := p.Config()
	fmt.Println(cfg.Size, cfg.MaxOverflow)
	// Output: 4 2
}

// ConnectorOf finds the Connector behind a *sql.DB, *sql.Conn or *sql.Tx.
func ExampleConnectorOf() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	c, err := alchemy.ConnectorOf(context.Background(), db)
	if err != nil {
		panic(err)
	}
	fmt.Println(c)
	// A *sql.DB opened with another driver name has none.
	plain, _ := sql.Open("sqlite", ":memory:")
	defer plain.Close()
	_, err = alchemy.ConnectorOf(context.Background(), plain)
	fmt.Println(err != nil)
	// Output:
	// alchemy.Connector(sqlite://)
	// true
}

// BeginRetry runs the transaction again when the server asks for a
// retry (a serialization failure, a deadlock). Here RetryOn also retries
// an error of the program's own, to show the flow without a busy server.
func ExampleEngine_BeginRetry() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	errContended := errors.New("contended")
	attempts := 0
	err := eng.BeginRetry(ctx, alchemy.RetryPolicy{
		Attempts: 3,
		Backoff:  time.Millisecond,
		RetryOn: func(err error, kind dialects.ErrorKind) bool {
			return kind.Retryable() || errors.Is(err, errContended)
		},
		OnRetry: func(ev alchemy.RetryEvent) { fmt.Println("retrying after attempt", ev.Attempt, ev.Err) },
	}, func(c *alchemy.Conn) error {
		attempts++
		if _, err := c.ExecContext(ctx, "UPDATE accounts SET cents = cents - 100 WHERE owner = 'ann'"); err != nil {
			return err
		}
		if attempts == 1 {
			return errContended // rolled back, then run again
		}
		return nil
	})
	var cents int
	_ = eng.QueryRowContext(ctx, "SELECT cents FROM accounts WHERE owner = 'ann'").Scan(&cents)
	fmt.Println(err, attempts, cents)
	// Output:
	// retrying after attempt 1 contended
	// <nil> 2 900
}

// BeginWith passes transaction options (isolation level, read-only) to
// the transaction; with ReadReplicas a read-only one runs on a replica.
func ExampleEngine_BeginWith() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	err := eng.BeginWith(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "UPDATE accounts SET cents = cents + 1")
		return err // nil: committed
	})
	var total int
	_ = eng.QueryRowContext(ctx, "SELECT sum(cents) FROM accounts").Scan(&total)
	fmt.Println(err, total)
	// Output: <nil> 1252
}

// Dispose closes the idle connections; the next checkout opens a new one.
func ExampleEngine_Dispose() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(2))
	defer eng.Close()
	ctx := context.Background()
	_, _ = eng.ExecContext(ctx, "SELECT 1")
	fmt.Println(eng.Pool().Stats().Idle)
	eng.Dispose()
	fmt.Println(eng.Pool().Stats().Idle)
	_, _ = eng.ExecContext(ctx, "SELECT 1")
	fmt.Println(eng.Pool().Stats().Opens)
	// Output:
	// 1
	// 0
	// 2
}

// Execute runs a sqlexpr statement; on a Conn it runs inside the Conn's
// transaction.
func ExampleEngine_Execute() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	res, err := eng.Execute(ctx, sqlexpr.Insert(exAccounts).Values(sqlexpr.Values{"owner": "cy", "cents": 5}))
	if err != nil {
		panic(err)
	}
	id, _ := res.LastInsertId()
	fmt.Println(id)
	// Output: 3
}

func ExampleEngine_Query() {
	eng := exampleEngine()
	defer eng.Close()
	rows, err := eng.Query(context.Background(),
		sqlexpr.Select(exAccounts.C("owner"), exAccounts.C("cents")).OrderBy(exAccounts.C("cents").Desc()))
	if err != nil {
		panic(err)
	}
	all, err := rows.All()
	for _, r := range all {
		fmt.Println(r.Get("owner"), r.Get("cents"))
	}
	fmt.Println(err)
	// Output:
	// ann 1000
	// bob 250
	// <nil>
}

func ExampleEngine_QueryRow() {
	eng := exampleEngine()
	defer eng.Close()
	var cents int
	err := eng.QueryRow(context.Background(),
		sqlexpr.Select(exAccounts.C("cents")).Where(exAccounts.C("owner").Eq("bob"))).Scan(&cents)
	fmt.Println(cents, err)
	// Output: 250 <nil>
}

// Without ReadReplicas, Reader is the engine itself.
func ExampleEngine_Reader() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	ctx := context.Background()
	fmt.Println(eng.Reader(ctx) == eng)
	// After a write, a ReadYourWrites context reads from the primary.
	fmt.Println(eng.Reader(alchemy.ReadYourWrites(ctx)) == eng)
	// Output:
	// true
	// true
}

// Commit and Rollback take the context that bounds the wait for the
// server's answer; Close takes none and rolls back what is left.
func ExampleConn_Commit() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()

	c, _ := eng.Connect(ctx)
	defer c.Close()
	_, _ = c.ExecContext(ctx, "UPDATE accounts SET cents = 0 WHERE owner = 'bob'")
	_ = c.Rollback(ctx) // undone
	_, _ = c.ExecContext(ctx, "UPDATE accounts SET cents = 1 WHERE owner = 'ann'")
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	fmt.Println(c.Commit(cctx))

	var ann, bob int
	_ = c.QueryRowContext(ctx, "SELECT (SELECT cents FROM accounts WHERE owner = 'ann'), (SELECT cents FROM accounts WHERE owner = 'bob')").Scan(&ann, &bob)
	fmt.Println(ann, bob)
	// Output:
	// <nil>
	// 1 250
}

// Savepoint returns the savepoint for code that ends it itself;
// BeginNested is the form that ends it for you.
func ExampleConn_Savepoint() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	defer c.Close()

	_, _ = c.ExecContext(ctx, "UPDATE accounts SET cents = 0 WHERE owner = 'ann'")
	sp, err := c.Savepoint(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(sp.Name(), c.InNestedTransaction())
	_, _ = c.ExecContext(ctx, "DELETE FROM accounts")
	_ = sp.Rollback(ctx) // the DELETE is undone, the UPDATE kept
	_ = c.Commit(ctx)

	var n, ann int
	_ = c.QueryRowContext(ctx, "SELECT count(*), sum(CASE WHEN owner = 'ann' THEN cents END) FROM accounts").Scan(&n, &ann)
	fmt.Println(n, ann)
	// Output:
	// sa_savepoint_1 true
	// 2 0
}

// The Conn's QueryRowContext returns a sqlexpr.Row: Scan as with
// database/sql, or read by column name.
func ExampleConn_QueryRowContext() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	row := c.QueryRowContext(ctx, "SELECT owner, cents FROM accounts WHERE id = ?", 2)
	fmt.Println(row.Get("owner"), row.Get("cents"), row.Err())
	row = c.QueryRowContext(ctx, "SELECT owner FROM accounts WHERE id = ?", 99)
	fmt.Println(errors.Is(row.Err(), sql.ErrNoRows))
	// Output:
	// bob 250 <nil>
	// true
}

// Errors from every path can be branched on portably; KindOf classifies
// an error from any registered driver without an engine.
func ExampleKindOf() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	_, err := eng.ExecContext(ctx, "INSERT INTO accounts (owner, cents) VALUES ('ann', 1)")
	fmt.Println(errors.Is(err, alchemy.ErrUniqueViolation), alchemy.KindOf(err))

	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	_, err = db.ExecContext(ctx, "SELECT * FROM nowhere")
	fmt.Println(alchemy.KindOf(err))
	// Output:
	// true unique violation
	// undefined table
}

// A StaticPool keeps one connection: one in-memory SQLite database for
// every statement, as tests want.
func ExampleWithPoolClass() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithPoolClass(alchemy.StaticPool))
	defer eng.Close()
	ctx := context.Background()
	_, _ = eng.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")
	_, err := eng.ExecContext(ctx, "INSERT INTO t VALUES (1)") // the same database
	fmt.Println(err, eng.Pool().Config().Size)
	pc, _ := alchemy.ParsePoolClass("NullPool")
	fmt.Println(pc)
	// Output:
	// <nil> 1
	// NullPool
}

// ExecutionOptions set the isolation level and read-only mode of the
// transactions a Conn begins from now on; not while one is open.
func ExampleConn_ExecutionOptions() {
	eng := exampleEngine()
	defer eng.Close()
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	fmt.Println(c.ExecutionOptions(alchemy.ExecutionOptions{IsolationLevel: sql.LevelSerializable}))
	_, _ = c.ExecContext(ctx, "SELECT 1") // begins a serializable transaction
	err := c.ExecutionOptions(alchemy.ExecutionOptions{})
	fmt.Println(errors.Is(err, alchemy.ErrTransactionActive))
	// Output:
	// <nil>
	// true
}
