package metadata_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// A declared table is a sqlexpr table and its columns are expressions.
func TestDeclaredTablesInStatements(t *testing.T) {
	users := seedSchema().Lookup("users")
	got, args, err := sqlexpr.Compile(sqlexpr.Select(users).Where(users.C("name").Eq("john")), postgresql.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT users.id, users.name, users.email FROM users WHERE users.name = $1"
	if got != want || !cmp.Equal(args, []any{"john"}) {
		t.Errorf("got %q %v, want %q [john]", got, args, want)
	}
	if _, _, err := sqlexpr.Compile(sqlexpr.Select(users).Where(users.C("nope").Eq(1)), postgresql.Dialect); !errors.Is(err, sqlexpr.ErrInvalid) {
		t.Errorf("unknown column: err = %v, want sqlexpr.ErrInvalid", err)
	}
	if diff := cmp.Diff([]string{"id"}, users.PrimaryKeyNames()); diff != "" {
		t.Errorf("the clause does not know the primary key:\n%s", diff)
	}
}

// The quickstart's flow on embedded SQLite: CreateAll, insert through
// sqlexpr, read back.
func TestDeclaredTablesOnSQLite(t *testing.T) {
	ctx := context.Background()
	db := freshSQLite(t, nil)
	md := seedSchema()
	if err := md.CreateAll(ctx, db); err != nil {
		t.Fatal(err)
	}
	users := md.Lookup("users")
	if _, err := sqlexpr.Execute(ctx, db, sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "john", "email": "john@example.com"})); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.QueryRowContext(ctx, "SELECT id FROM users WHERE name = 'john'").Scan(&id); err != nil || id != 1 {
		t.Fatalf("id = %d, %v; want the rowid alias to generate 1", id, err)
	}
}
