// Package sqlx checks that jmoiron/sqlx works over a *sql.DB opened with
// "alchemy". It is in the compat module so that sqlx stays out of the
// library's go.mod.
package sqlx_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

type target struct {
	name string
	alc  *sql.DB
}

// targets opens a fresh database with "alchemy" on each available
// server, and on a SQLite file.
func targets(t *testing.T) []target {
	t.Helper()
	open := func(url string) *sql.DB {
		db, err := sql.Open("alchemy", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	var out []target
	if os.Getenv(testdb.PostgresEnv) != "" {
		out = append(out, target{"postgresql", open(testdb.Postgres(t))})
	}
	if os.Getenv(testdb.MySQLEnv) != "" {
		out = append(out, target{"mariadb", open(testdb.MySQL(t) + "?parseTime=true")})
	}
	return append(out, target{"sqlite", open("sqlite:///" + filepath.Join(t.TempDir(), "sqlx.db"))})
}

// TestSQLXOverAlchemy: sqlx, layered on a *sql.DB opened with "alchemy",
// binds, scans into structs and runs named statements as it does over the
// underlying driver.
func TestSQLXOverAlchemy(t *testing.T) {
	type person struct {
		ID    int     `db:"id"`
		Name  string  `db:"name"`
		Email *string `db:"email"`
	}
	ctx := context.Background()
	bindNames := map[string]string{"postgresql": "pgx", "mariadb": "mysql", "sqlite": "sqlite"}
	for _, tg := range targets(t) {
		t.Run(tg.name, func(t *testing.T) {
			db := sqlx.NewDb(tg.alc, bindNames[tg.name])
			db.MustExecContext(ctx, "CREATE TABLE sqlx_people (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, email VARCHAR(80))")
			mail := "ann@example.com"
			if _, err := db.NamedExecContext(ctx, "INSERT INTO sqlx_people (id, name, email) VALUES (:id, :name, :email)",
				[]person{{1, "ann", &mail}, {2, "bob", nil}}); err != nil {
				t.Fatalf("NamedExec: %v", err)
			}
			var got []person
			if err := db.SelectContext(ctx, &got, "SELECT id, name, email FROM sqlx_people ORDER BY id"); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Email == nil || *got[0].Email != mail || got[1].Email != nil {
				t.Fatalf("Select = %+v", got)
			}
			var bob person
			if err := db.GetContext(ctx, &bob, db.Rebind("SELECT id, name, email FROM sqlx_people WHERE name = ?"), "bob"); err != nil || bob.ID != 2 {
				t.Fatalf("Get = %+v, %v", bob, err)
			}
			tx := db.MustBeginTx(ctx, nil)
			tx.MustExecContext(ctx, tx.Rebind("DELETE FROM sqlx_people WHERE id = ?"), 1)
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.GetContext(ctx, &n, "SELECT count(*) FROM sqlx_people"); err != nil || n != 2 {
				t.Fatalf("after rollback: %d rows, %v", n, err)
			}
		})
	}
}
