package alchemy_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestErrorsToBranchOn: the same errors.Is test finds a unique violation
// on every server, through the Engine and a Conn; errors.As still reaches
// the driver's value; the drop-in path returns the driver's value as it
// is, and KindOf classifies it without an engine.
func TestErrorsToBranchOn(t *testing.T) {
	for _, s := range []struct {
		name   string
		url    func(testing.TB) string
		driver func(error) bool // errors.As to the driver's own type
	}{
		{"postgresql", testdb.Postgres, func(err error) bool { var e *pgconn.PgError; return errors.As(err, &e) && e.Code == "23505" }},
		{"mariadb", testdb.MySQL, func(err error) bool { var e *gomysql.MySQLError; return errors.As(err, &e) && e.Number == 1062 }},
		{"sqlite", func(t testing.TB) string { return "sqlite:///" + filepath.Join(t.TempDir(), "e.db") }, func(err error) bool { var e *msqlite.Error; return errors.As(err, &e) }},
	} {
		t.Run(s.name, func(t *testing.T) {
			raw := s.url(t)
			eng, err := alchemy.CreateEngine(raw)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := eng.ExecContext(ctx, "CREATE TABLE u (id INTEGER PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			if _, err := eng.ExecContext(ctx, "INSERT INTO u VALUES (1)"); err != nil {
				t.Fatal(err)
			}
			_, err = eng.ExecContext(ctx, "INSERT INTO u VALUES (1)")
			if !errors.Is(err, alchemy.ErrUniqueViolation) || !s.driver(err) || errors.Is(err, alchemy.ErrForeignKeyViolation) {
				t.Errorf("Engine.ExecContext duplicate: %v (%T): want ErrUniqueViolation and the driver's value", err, err)
			}
			err = eng.Begin(ctx, func(c *alchemy.Conn) error {
				_, err := c.ExecContext(ctx, "INSERT INTO u VALUES (1)")
				return err
			})
			if !errors.Is(err, alchemy.ErrUniqueViolation) || !s.driver(err) {
				t.Errorf("Conn duplicate: %v: want ErrUniqueViolation and the driver's value", err)
			}
			_, err = eng.ExecContext(ctx, "SELECT * FROM no_such_table")
			if !errors.Is(err, alchemy.ErrUndefinedTable) {
				t.Errorf("missing table: %v, want ErrUndefinedTable", err)
			}
			// The drop-in path: the driver's own value, unwrapped.
			db := openDB(t, raw)
			_, err = db.ExecContext(ctx, "INSERT INTO u VALUES (1)")
			if errors.Is(err, alchemy.ErrUniqueViolation) || !s.driver(err) {
				t.Errorf("drop-in duplicate: %v (%T): want the driver's error unchanged", err, err)
			}
			if k := alchemy.KindOf(err); k != dialects.KindUniqueViolation {
				t.Errorf("KindOf(drop-in duplicate) = %v", k)
			}
			// A closed engine says so.
			eng.Close()
			if _, err := eng.Connect(ctx); !errors.Is(err, alchemy.ErrPoolClosed) {
				t.Errorf("Connect after Close: %v, want ErrPoolClosed", err)
			}
			if _, err := eng.ExecContext(ctx, "SELECT 1"); !errors.Is(err, alchemy.ErrPoolClosed) {
				t.Errorf("ExecContext after Close: %v, want ErrPoolClosed", err)
			}
			if err := eng.Begin(ctx, func(*alchemy.Conn) error { return nil }); !errors.Is(err, alchemy.ErrPoolClosed) {
				t.Errorf("Begin after Close: %v, want ErrPoolClosed", err)
			}
		})
	}
}
