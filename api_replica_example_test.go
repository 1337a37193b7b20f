package alchemy_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-alchemy/alchemy"
)

// ReadReplicas sends read-only work to replicas. Here two SQLite files
// stand for a primary and a replica that hold different rows, so the
// output shows which one answered.
func ExampleReadReplicas() {
	dir, _ := os.MkdirTemp("", "replicas")
	defer os.RemoveAll(dir)
	primaryURL := "sqlite:///" + filepath.Join(dir, "primary.db")
	replicaURL := "sqlite:///" + filepath.Join(dir, "replica.db")
	ctx := context.Background()
	for url, who := range map[string]string{primaryURL: "primary", replicaURL: "replica"} {
		db, _ := sql.Open("alchemy", url)
		_, _ = db.ExecContext(ctx, "CREATE TABLE who (name TEXT)")
		_, _ = db.ExecContext(ctx, "INSERT INTO who VALUES ('"+who+"')")
		db.Close()
	}

	eng, err := alchemy.CreateEngine(primaryURL, alchemy.ReadReplicas(replicaURL))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	name := func(c interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) string {
		var n string
		_ = c.QueryRowContext(ctx, "SELECT name FROM who").Scan(&n)
		return n
	}
	fmt.Println(name(eng))             // the primary
	fmt.Println(name(eng.Reader(ctx))) // a replica
	_ = eng.BeginWith(ctx, &sql.TxOptions{ReadOnly: true}, func(c *alchemy.Conn) error {
		var n string
		err := c.QueryRowContext(ctx, "SELECT name FROM who").Scan(&n)
		fmt.Println(n) // read-only transactions run on a replica
		return err
	})
	// After a write in a ReadYourWrites context, its reads go to the
	// primary for a while.
	rw := alchemy.ReadYourWrites(ctx)
	_ = eng.Begin(rw, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(rw, "INSERT INTO who VALUES ('new')")
		return err
	})
	fmt.Println(name(eng.Reader(rw)))
	// Output:
	// primary
	// replica
	// replica
	// primary
}

// PoolUseLIFO hands out the most recently returned connection first, so
// that surplus connections stay idle long enough to be closed.
func ExamplePoolUseLIFO() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolUseLIFO(true), alchemy.PoolSize(3), alchemy.MaxOverflow(0))
	defer eng.Close()
	fmt.Println(eng.Pool().Config().UseLIFO, eng.Pool().Config().Size)
	// Output: true 3
}
