package metadata_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// updateSchema declares the table of the update-default tests: rev
// counts the calls of its func update default, so a test sees how often
// it ran (once per UPDATE, once per Params of an executemany); state has
// a plain value; both have an INSERT default too, the usual pairing.
func updateSchema(calls *atomic.Int64) (*metadata.MetaData, *metadata.Table) {
	md := metadata.New()
	docs := md.Table("docs",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("title", types.String(50)),
		metadata.Column("rev", types.Integer(), metadata.Default(0),
			metadata.UpdateDefault(func() any { return calls.Add(1) })),
		metadata.Column("state", types.String(20), metadata.Default("new"), metadata.UpdateDefault("edited")))
	return md, docs
}

// TestUpdateDefaultsCompile checks the SQL and arguments of UPDATEs on a
// table with update defaults, without a server.
func TestUpdateDefaultsCompile(t *testing.T) {
	var calls atomic.Int64
	_, docs := updateSchema(&calls)
	stamps := metadata.New().Table("stamps",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("note", types.Text()),
		metadata.Column("at", types.DateTime(), metadata.UpdateDefault(sqlexpr.Now())))
	plain := metadata.New().Table("plain",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("v", types.Integer()))
	id1 := docs.C("id").Eq(1)
	cases := []struct {
		name  string
		stmt  sqlexpr.Statement
		sql   string
		args  string
		calls int64
	}{
		{"missing defaults follow the given SET items", sqlexpr.Update(docs).Values(sqlexpr.Values{"title": "t"}).Where(id1),
			`UPDATE docs SET title=$1, rev=$2, state=$3 WHERE docs.id = $4`, "[t 1 edited 1]", 1},
		{"a given value wins", sqlexpr.Update(docs).Values(sqlexpr.Values{"rev": 7, "title": "t"}).Where(id1),
			`UPDATE docs SET title=$1, rev=$2, state=$3 WHERE docs.id = $4`, "[t 7 edited 1]", 0},
		{"NULL given wins", sqlexpr.Update(docs).Values(sqlexpr.Values{"state": nil, "rev": nil}),
			`UPDATE docs SET rev=$1, state=$2`, "[<nil> <nil>]", 0},
		{"an expression given wins", sqlexpr.Update(docs).Values(sqlexpr.Values{"rev": docs.C("rev").Add(10)}),
			`UPDATE docs SET rev=(docs.rev + $1), state=$2`, "[10 edited]", 0},
		{"no values: the defaults alone", sqlexpr.Update(docs).Where(id1),
			`UPDATE docs SET rev=$1, state=$2 WHERE docs.id = $3`, "[1 edited 1]", 1},
		{"an expression default is written", sqlexpr.Update(stamps).Values(sqlexpr.Values{"note": "n"}),
			`UPDATE stamps SET note=$1, at=now()`, "[n]", 0},
		{"a table without update defaults", sqlexpr.Update(plain).Values(sqlexpr.Values{"v": 2}),
			`UPDATE plain SET v=$1`, "[2]", 0},
		{"a table without update defaults and no values", sqlexpr.Update(plain),
			"error", "", 0},
		{"INSERT does not take update defaults", sqlexpr.Insert(docs).Values(sqlexpr.Values{"id": 1}),
			`INSERT INTO docs (id, rev, state) VALUES ($1, $2, $3)`, "[1 0 new]", 0},
		{"DELETE does not either", sqlexpr.Delete(docs).Where(id1),
			`DELETE FROM docs WHERE docs.id = $1`, "[1]", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			sql, args, err := sqlexpr.Compile(tc.stmt, postgresql.Dialect)
			if tc.sql == "error" {
				if err == nil {
					t.Fatalf("compiled to %s, want an error", sql)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sql != tc.sql || fmt.Sprint(args) != tc.args {
				t.Errorf("got  %s %v\nwant %s %s", sql, args, tc.sql, tc.args)
			}
			if n := calls.Load(); n != tc.calls {
				t.Errorf("the func default ran %d times, want %d", n, tc.calls)
			}
		})
	}
	t.Run("each compile calls the func again, and the statement is not changed", func(t *testing.T) {
		calls.Store(0)
		stmt := sqlexpr.Update(docs).Values(sqlexpr.Values{"title": "t"})
		for want := 1; want <= 3; want++ {
			_, args, err := sqlexpr.Compile(stmt, sqlite.Dialect)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(args); got != fmt.Sprintf("[t %d edited]", want) {
				t.Fatalf("compile %d: args %s", want, got)
			}
		}
		// The statement still sets title alone: a default given to one
		// compilation is not kept for the next.
		stmt.Values(sqlexpr.Values{"rev": 50})
		if _, args, err := sqlexpr.Compile(stmt, sqlite.Dialect); err != nil || fmt.Sprint(args) != "[t 50 edited]" {
			t.Fatalf("after adding rev: %v %v", args, err)
		}
	})
}

// TestUpdateDefaultDeclarationErrors: a func of another signature would
// be bound as a value; it is refused when the table is declared.
func TestUpdateDefaultDeclarationErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		def  any
		want string
	}{
		{"func() any", func() any { return 1 }, ""},
		{"plain value", "x", ""},
		{"nil is no default", nil, ""},
		{"func of another type", func() int { return 1 }, "UpdateDefault: a function default must be a func() any, not func() int"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := metadata.New()
			tbl := md.Table("t", metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("v", types.Text(), metadata.UpdateDefault(tc.def)))
			err := md.Err()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := tbl.C("v").ClientUpdateDefault(); (got == nil) != (tc.def == nil) {
					t.Fatalf("ClientUpdateDefault() = %v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"v"`) {
				t.Fatalf("error = %v, want one naming column v and containing %q", err, tc.want)
			}
		})
	}
}

// TestUpdateDefaultsStored updates through each path an UPDATE can take
// on each server and reads the rows back through the plain driver.
func TestUpdateDefaultsStored(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		db, plain := defaultsServer(t, s)
		var calls atomic.Int64
		md, docs := updateSchema(&calls)
		if err := md.CreateAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		reset := func(t *testing.T) {
			t.Helper()
			calls.Store(0)
			if _, err := plain.Exec("DELETE FROM docs"); err != nil {
				t.Fatal(err)
			}
			if _, err := sqlexpr.Execute(ctx, db, sqlexpr.Insert(docs).Values(
				sqlexpr.Values{"id": 1, "title": "a"}, sqlexpr.Values{"id": 2, "title": "b"}, sqlexpr.Values{"id": 3, "title": "c"})); err != nil {
				t.Fatal(err)
			}
		}
		idParam := sqlexpr.BindParam("id")
		cases := []struct {
			name string
			run  func() (*sqlexpr.Result, error)
			want string // id|title|rev|state per row, ordered by id
		}{
			{"one UPDATE", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Update(docs).Values(sqlexpr.Values{"title": "A"}).Where(docs.C("id").Eq(1)))
			}, "1|A|1|edited 2|b|0|new 3|c|0|new"},
			{"every row, one call", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Update(docs).Values(sqlexpr.Values{"title": "x"}))
			}, "1|x|1|edited 2|x|1|edited 3|x|1|edited"},
			{"given values and NULL win", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Update(docs).Values(sqlexpr.Values{"rev": 40, "state": nil}).Where(docs.C("id").Eq(2)))
			}, "1|a|0|new 2|b|40|NULL 3|c|0|new"},
			{"no values", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Update(docs).Where(docs.C("id").Eq(3)))
			}, "1|a|0|new 2|b|0|new 3|c|1|edited"},
			{"executemany: a call per Params", func() (*sqlexpr.Result, error) {
				stmt := sqlexpr.Update(docs).Values(sqlexpr.Values{"title": sqlexpr.BindParam("t")}).Where(docs.C("id").Eq(idParam))
				return sqlexpr.Execute(ctx, db, stmt, sqlexpr.Params{"id": 3, "t": "C"}, sqlexpr.Params{"id": 1, "t": "A"})
			}, "1|A|2|edited 2|b|0|new 3|C|1|edited"},
			{"in a transaction", func() (*sqlexpr.Result, error) {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					return nil, err
				}
				res, err := sqlexpr.Execute(ctx, tx, sqlexpr.Update(docs).Values(sqlexpr.Values{"title": "B"}).Where(docs.C("id").Eq(2)))
				if err != nil {
					tx.Rollback()
					return nil, err
				}
				return res, tx.Commit()
			}, "1|a|0|new 2|B|1|edited 3|c|0|new"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				reset(t)
				if _, err := tc.run(); err != nil {
					t.Fatal(err)
				}
				got := strings.Join(plainRows(t, plain, "SELECT id, title, rev, state FROM docs ORDER BY id"), " ")
				if got != tc.want {
					t.Errorf("stored %s\nwant   %s", got, tc.want)
				}
			})
		}
	})
}
