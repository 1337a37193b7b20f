package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestIsolationLevel: the engine-wide isolation_level applies to every
// transaction begun without one (Engine, Conn, drop-in), and a Conn's
// ExecutionOptions override it for that Conn. PostgreSQL reports the
// running transaction's level (SHOW transaction_isolation); MariaDB
// does not (its @@tx_isolation is the session default), so there the
// level is seen in what the transaction reads: under READ COMMITTED a
// second read sees a row another connection committed in between, under
// REPEATABLE READ (the server's default) it does not.
func TestIsolationLevel(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			plain := testdb.Plain(t, raw)
			if _, err := plain.Exec("CREATE TABLE iso (id INTEGER PRIMARY KEY, v INTEGER)"); err != nil {
				t.Fatal(err)
			}
			if _, err := plain.Exec("INSERT INTO iso VALUES (1, 0)"); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			bump := 0
			// level runs inside a transaction on q and says which level it
			// behaves as: "READ COMMITTED" or "REPEATABLE READ"/"SERIALIZABLE".
			level := func(scan func(q string, dest any) error) string {
				t.Helper()
				if s.name == "postgresql" {
					var l string
					if err := scan("SHOW transaction_isolation", &l); err != nil {
						t.Fatal(err)
					}
					return strings.ToUpper(l)
				}
				var before, after int
				if err := scan("SELECT v FROM iso WHERE id = 1", &before); err != nil {
					t.Fatal(err)
				}
				bump++
				if _, err := plain.Exec("UPDATE iso SET v = ? WHERE id = 1", bump); err != nil {
					t.Fatal(err)
				}
				if err := scan("SELECT v FROM iso WHERE id = 1", &after); err != nil {
					t.Fatal(err)
				}
				if after != before {
					return "READ COMMITTED"
				}
				return "REPEATABLE READ"
			}
			eng, err := alchemy.CreateEngine(withQuery(raw, "isolation_level=READ_COMMITTED"))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			var got string
			if err := eng.Begin(ctx, func(c *alchemy.Conn) error {
				got = level(func(q string, d any) error { return c.QueryRowContext(ctx, q).Scan(d) })
				return nil
			}); err != nil || got != "READ COMMITTED" {
				t.Errorf("Engine.Begin under isolation_level=READ_COMMITTED behaved as %q (%v)", got, err)
			}
			tx, err := eng.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			got = level(func(q string, d any) error { return tx.QueryRowContext(ctx, q).Scan(d) })
			tx.Rollback()
			if got != "READ COMMITTED" {
				t.Errorf("drop-in BeginTx(nil) behaved as %q", got)
			}
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.ExecutionOptions(alchemy.ExecutionOptions{IsolationLevel: sql.LevelRepeatableRead}); err != nil {
				t.Fatal(err)
			}
			if got := level(func(q string, d any) error { return c.QueryRowContext(ctx, q).Scan(d) }); got != "REPEATABLE READ" {
				t.Errorf("Conn with ExecutionOptions REPEATABLE READ behaved as %q", got)
			}
			if err := c.ExecutionOptions(alchemy.ExecutionOptions{}); !errors.Is(err, alchemy.ErrTransactionActive) {
				t.Errorf("ExecutionOptions inside a transaction: %v, want ErrTransactionActive", err)
			}
			c.Rollback(ctx)
		})
	}
	for _, bad := range []string{"sqlite://?isolation_level=SOMETIMES", "sqlite://?isolation_level=AUTOCOMMIT"} {
		if _, err := alchemy.CreateEngine(bad); err == nil || !strings.Contains(err.Error(), "isolation_level") {
			t.Errorf("%s: %v, want an error naming isolation_level", bad, err)
		}
	}
}
