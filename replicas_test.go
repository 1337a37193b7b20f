package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// TestReadReplicasRouting uses two databases of one server as primary
// and "replica", each holding a row that says which it is, so the test
// sees where each read went. (The real standby and Galera tests are in
// the cluster suite.)
func TestReadReplicasRouting(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			primaryURL, replicaURL := s.newURL(t), s.newURL(t)
			ctx := context.Background()
			for url, who := range map[string]string{primaryURL: "primary", replicaURL: "replica"} {
				db := openDB(t, url)
				if _, err := db.Exec("CREATE TABLE who (name VARCHAR(10))"); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec("INSERT INTO who VALUES ('" + who + "')"); err != nil {
					t.Fatal(err)
				}
			}
			readOnlyParam := map[string]string{"postgresql": "default_transaction_read_only=on", "mariadb": "tx_read_only=1"}[s.name]
			dead := withHosts(t, replicaURL, deadAddr(t))
			eng, err := alchemy.CreateEngine(primaryURL, alchemy.ReadReplicas(dead, withQuery(replicaURL, readOnlyParam)))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			read := func(ctx context.Context) string {
				t.Helper()
				var name string
				err := eng.BeginWith(ctx, &sql.TxOptions{ReadOnly: true}, func(c *alchemy.Conn) error {
					return c.QueryRowContext(ctx, "SELECT name FROM who").Scan(&name)
				})
				if err != nil {
					t.Fatalf("read-only transaction: %v", err)
				}
				return name
			}
			for range 4 { // the dead replica is skipped, the live one serves every read
				if got := read(ctx); got != "replica" {
					t.Fatalf("a read-only transaction read %q, want the replica", got)
				}
			}
			var name string
			if err := eng.QueryRowContext(ctx, "SELECT name FROM who").Scan(&name); err != nil || name != "primary" {
				t.Errorf("the engine's own *sql.DB read %q (%v), want the primary", name, err)
			}
			// ReadYourWrites: after this context's write, its reads go to
			// the primary; another context still reads the replica.
			rctx := alchemy.ReadYourWrites(ctx)
			if got := read(rctx); got != "replica" {
				t.Errorf("before any write a ReadYourWrites context read %q", got)
			}
			if err := eng.Begin(rctx, func(c *alchemy.Conn) error {
				_, err := c.ExecContext(rctx, "UPDATE who SET name = 'primary2'")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got := read(rctx); got != "primary2" {
				t.Errorf("right after its write a ReadYourWrites context read %q, want the primary's primary2", got)
			}
			if got := read(ctx); got != "replica" {
				t.Errorf("another context read %q, want the replica", got)
			}
			// A write sent to the read-only replica is a clear error.
			err = eng.Reader(ctx).Begin(ctx, func(c *alchemy.Conn) error {
				_, err := c.ExecContext(ctx, "INSERT INTO who VALUES ('x')")
				return err
			})
			var roe *alchemy.ReadOnlyError
			if !errors.As(err, &roe) {
				t.Errorf("a write on the replica = %v, want *alchemy.ReadOnlyError", err)
			}
		})
	}
}
