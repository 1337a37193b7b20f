package alchemy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy"
)

// Rollback of a savepoint undoes the work since it, keeping the rest of
// the transaction: a failed optional step need not lose the others.
func ExampleSavepoint_Rollback() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	_, _ = c.ExecContext(ctx, "INSERT INTO users (name) VALUES ('cy')")
	sp, _ := c.Savepoint(ctx)
	_, _ = c.ExecContext(ctx, "DELETE FROM users")
	_ = sp.Rollback(ctx)
	_ = c.Commit(ctx)
	var n int
	_ = eng.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	fmt.Println(n)
	// Output: 3
}

// Commit of a savepoint releases it; its work is committed with the
// enclosing transaction, not before.
func ExampleSavepoint_Commit() {
	ctx := context.Background()
	eng := ex2Engine()
	defer eng.Close()
	c, _ := eng.Connect(ctx)
	defer c.Close()
	sp, _ := c.Savepoint(ctx)
	_, _ = c.ExecContext(ctx, "DELETE FROM users WHERE id = 1")
	fmt.Println(sp.Commit(ctx), c.InNestedTransaction(), c.InTransaction())
	_ = c.Rollback(ctx) // the outer rollback undoes the savepoint's work too
	var n int
	_ = eng.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	fmt.Println(n)
	// Output:
	// <nil> false true
	// 2
}

// RenderAsString(false) is the one way to get the password back into a
// URL string, e.g. to hand it to a tool that needs it.
func ExampleURL_RenderAsString() {
	u, _ := alchemy.ParseURL("mysql://root:p%40ss@db/app")
	fmt.Println(u.RenderAsString(true))
	fmt.Println(u.RenderAsString(false))
	// Output:
	// mysql://root:***@db/app
	// mysql://root:p%40ss@db/app
}

// Servers lists the hosts to try in order, one or several.
func ExampleURL_Servers() {
	one, _ := alchemy.ParseURL("postgresql://db.internal:6432/app")
	many, _ := alchemy.ParseURL("postgresql://a:5432,b:5432/app")
	fmt.Println(one.Servers(), many.Servers())
	// Output: [db.internal:6432] [a:5432 b:5432]
}

// DriverQuery is the query without alchemy's own keys: what the driver sees.
func ExampleURL_DriverQuery() {
	u, _ := alchemy.ParseURL("mysql://root@db/app?pool_size=5&echo=true&parseTime=true")
	fmt.Println(u.DriverQuery().Encode())
	// Output: parseTime=true
}

// Release returns the connection for the next caller.
func ExamplePooledConn_Release() {
	p := ex2Pool(1, 0)
	defer p.Close()
	pc, _ := p.Get(context.Background())
	pc.Release()
	fmt.Println(p.Stats().Idle)
	// Output: 1
}

// Invalidate closes a connection known to be broken instead of pooling it;
// the pool records why.
func ExamplePooledConn_Invalidate() {
	p := ex2Pool(1, 0)
	defer p.Close()
	pc, _ := p.Get(context.Background())
	pc.Invalidate(errors.New("broken pipe"))
	fmt.Println(p.Stats().Open, p.Stats().Invalidations, p.RecentInvalidations()[0].Reason)
	// Output: 0 1 broken pipe
}
