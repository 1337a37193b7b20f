package alchemy_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"
)

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
	for _, tg := range nativeTargets(t) {
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
