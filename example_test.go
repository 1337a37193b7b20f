package alchemy_test

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/sqlite"
)

func ExampleParseURL() {
	u, err := alchemy.ParseURL("postgresql+pgx://john:p%40ss@localhost:5432/test_db?pool_size=10&sslmode=disable")
	if err != nil {
		panic(err)
	}
	fmt.Println(u.Dialect, u.Driver, u.Username, u.Host, u.Port, u.Database)
	fmt.Println(u.Password)
	fmt.Println(u)
	fmt.Println(u.DriverQuery().Encode())
	// Output:
	// postgresql pgx john localhost 5432 test_db
	// p@ss
	// postgresql+pgx://john:***@localhost:5432/test_db?pool_size=10&sslmode=disable
	// sslmode=disable
}

func ExampleCreateEngine() {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(2), alchemy.MaxOverflow(1))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	fmt.Println(eng)
	fmt.Println(eng.Pool().Status()) // lazy: nothing opened yet

	c, err := eng.Connect(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(eng.Pool().Status())
	c.Close()
	fmt.Println(eng.Pool().Status())
	// Output:
	// Engine(sqlite://)
	// Pool size: 2  Connections in pool: 0 Current Overflow: -2 Current Checked out connections: 0
	// Pool size: 2  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 1
	// Pool size: 2  Connections in pool: 1 Current Overflow: -1 Current Checked out connections: 0
}

func ExampleEngine_Connect() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	_, _ = eng.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")

	c, _ := eng.Connect(ctx)
	_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (1)") // begins a transaction
	_ = c.Commit(ctx)
	_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (2)") // begins another one
	_ = c.Close()                                         // rolls it back

	var n int
	_ = eng.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n)
	fmt.Println(n)
	// Output: 1
}

func ExampleEngine_Begin() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	_, _ = eng.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")

	err := eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "INSERT INTO t VALUES (1)")
		return err // nil: committed
	})
	fmt.Println(err)
	err = eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (2)")
		return fmt.Errorf("changed my mind") // rolled back
	})
	fmt.Println(err)
	var n int
	_ = eng.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n)
	fmt.Println(n)
	// Output:
	// <nil>
	// changed my mind
	// 1
}

func ExampleConn_BeginNested() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	_, _ = eng.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")

	_ = eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (10)")
		_ = c.BeginNested(ctx, func(c *alchemy.Conn) error { // SAVEPOINT sa_savepoint_1
			_, _ = c.ExecContext(ctx, "INSERT INTO t VALUES (11)")
			return fmt.Errorf("undo 11") // ROLLBACK TO SAVEPOINT sa_savepoint_1
		})
		return nil // COMMIT keeps 10
	})
	var xs []int
	rows, _ := eng.QueryContext(ctx, "SELECT x FROM t")
	for rows.Next() {
		var x int
		_ = rows.Scan(&x)
		xs = append(xs, x)
	}
	rows.Close()
	fmt.Println(xs)
	// Output: [10]
}

// The drop-in path: only the driver name and the URL change.
func Example_dropIn() {
	db, err := sql.Open("alchemy", "sqlite://?pool_size=3&max_overflow=0")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	var v string
	_ = db.QueryRow("SELECT sqlite_version() IS NOT NULL").Scan(&v)
	pool, _ := alchemy.PoolOf(db)
	fmt.Println(v, pool.Status())
	// Output: 1 Pool size: 3  Connections in pool: 1 Current Overflow: -2 Current Checked out connections: 0
}

func ExamplePoolSize() {
	// Options override the URL's pool settings.
	eng, err := alchemy.CreateEngine("sqlite://?pool_size=3&pool_timeout=5", alchemy.PoolSize(7), alchemy.PoolUseLIFO(true))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	cfg := eng.Pool().Config()
	fmt.Println(cfg.Size, cfg.MaxOverflow, cfg.Timeout, cfg.UseLIFO)
	// Output: 7 10 5s true
}
