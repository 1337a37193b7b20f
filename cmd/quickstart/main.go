// Command quickstart walks alchemy's Core flow on an embedded SQLite
// database and prints what happens at each step:
//
//	go run ./cmd/quickstart
//
// Pass -url to run it against another database, for example
// -url postgresql://postgres@127.0.0.1:5432/test.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/all"
)

func main() {
	url := flag.String("url", "sqlite://", "database URL (default: an in-memory SQLite database)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *url); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, rawURL string) error {
	step := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	// 1. A URL, parsed the way SQLAlchemy parses it.
	u, err := alchemy.ParseURL(rawURL)
	if err != nil {
		return err
	}
	step("1. URL %s → dialect %q, database %q", u, u.Dialect, u.Database)

	// 2. An engine: nothing is opened yet.
	eng, err := alchemy.CreateEngine(rawURL, alchemy.PoolSize(5), alchemy.MaxOverflow(10))
	if err != nil {
		return err
	}
	defer eng.Close()
	step("2. %s created; no connection yet: %s", eng, eng.Pool().Status())

	if _, err := eng.ExecContext(ctx, "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(25) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE)"); err != nil {
		return err
	}
	step("   CREATE TABLE users ran on the first pooled connection: %s", eng.Pool().Status())

	// 3. Commit as you go: the first statement begins a transaction.
	c, err := eng.Connect(ctx)
	if err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO users (name, email) VALUES (?, ?)", "john", "john@example.com"); err != nil {
		return err
	}
	step("3. Connect + INSERT john: in a transaction = %v", c.InTransaction())
	if err := c.Commit(); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO users (name, email) VALUES (?, ?)", "ghost", "ghost@example.com"); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	step("   committed john; ghost was inserted but never committed, so Close rolled it back")

	// 4. Begin: commit on success, roll back on error.
	err = eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "INSERT INTO users (name, email) VALUES (?, ?)", "wendy", "wendy@example.com")
		return err
	})
	if err != nil {
		return err
	}
	step("4. Begin inserted wendy and committed")
	errDup := eng.Begin(ctx, func(c *alchemy.Conn) error {
		if _, err := c.ExecContext(ctx, "INSERT INTO users (name, email) VALUES (?, ?)", "mallory", "mallory@example.com"); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, "INSERT INTO users (name, email) VALUES (?, ?)", "john2", "john@example.com")
		return err
	})
	if errDup == nil {
		return errors.New("a duplicate email was accepted")
	}
	step("   a duplicate email failed (%s) and rolled back mallory too", eng.Dialect().Kind(errDup))

	rows, err := eng.QueryContext(ctx, "SELECT id, name, email FROM users ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var name, email string
		if err := rows.Scan(&id, &name, &email); err != nil {
			return err
		}
		step("   row: id=%d name=%s email=%s", id, name, email)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()

	// 5. The pool.
	st := eng.Pool().Stats()
	step("5. %s", eng.Pool().Status())
	step("   opened %d connection(s), %d checkouts", st.Opens, st.Checkouts)
	return nil
}
