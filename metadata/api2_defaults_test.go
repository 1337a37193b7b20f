package metadata_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// defaultsSchema declares the tables of the client-default tests. seq's
// default is a func counting its calls, so a test sees how often (once
// per row) and in which order it ran.
func defaultsSchema(calls *atomic.Int64) (md *metadata.MetaData, items, events, tokens *metadata.Table) {
	md = metadata.New()
	items = md.Table("items",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()),
		metadata.Column("status", types.String(20), metadata.Default("new")),
		metadata.Column("seq", types.Integer(), metadata.Default(func() any { return calls.Add(1) })),
		metadata.Column("note", types.String(50), metadata.Default("n/a")))
	events = md.Table("events",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("kind", types.String(20), metadata.Default("tick")))
	// A primary key given by a client default is a key the INSERT knows:
	// no RETURNING or LastInsertId needed (MySQL's would be 0).
	tokens = md.Table("tokens",
		metadata.Column("id", types.String(36), metadata.PrimaryKey(),
			metadata.Default(func() any { return fmt.Sprintf("tok-%d", calls.Add(1)) })),
		metadata.Column("label", types.String(20)))
	return md, items, events, tokens
}

// TestClientDefaultsCompile checks the SQL and arguments an INSERT on a
// table with client defaults compiles to, without a server.
func TestClientDefaultsCompile(t *testing.T) {
	var calls atomic.Int64
	_, items, events, _ := defaultsSchema(&calls)
	src := sqlexpr.NewTable("src", "name")
	stamps := metadata.New().Table("stamps",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("at", types.DateTime(), metadata.Default(sqlexpr.Now())))
	cases := []struct {
		name  string
		stmt  func() sqlexpr.Statement
		sql   string
		args  string
		calls int64 // calls of seq's func the compile makes
	}{
		{"one row gets every missing default",
			func() sqlexpr.Statement { return sqlexpr.Insert(items).Values(sqlexpr.Values{"name": "a"}) },
			"INSERT INTO items (name, status, seq, note) VALUES ($1, $2, $3, $4)", "[a new 1 n/a]", 1},
		{"an explicit value and an explicit nil win",
			func() sqlexpr.Statement {
				return sqlexpr.Insert(items).Values(sqlexpr.Values{"name": "b", "status": "old", "note": nil})
			},
			"INSERT INTO items (name, status, seq, note) VALUES ($1, $2, $3, $4)", "[b old 1 <nil>]", 1},
		{"an explicit func-default column does not call the func",
			func() sqlexpr.Statement { return sqlexpr.Insert(items).Values(sqlexpr.Values{"name": "c", "seq": 40}) },
			"INSERT INTO items (name, status, seq, note) VALUES ($1, $2, $3, $4)", "[c new 40 n/a]", 0},
		{"multi-row VALUES calls the func once per row",
			func() sqlexpr.Statement {
				return sqlexpr.Insert(items).Values(sqlexpr.Values{"name": "d"}, sqlexpr.Values{"name": "e"})
			},
			"INSERT INTO items (name, status, seq, note) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)",
			"[d new 1 n/a e new 2 n/a]", 2},
		{"no values: one row of the defaults",
			func() sqlexpr.Statement { return sqlexpr.Insert(events) },
			"INSERT INTO events (kind) VALUES ($1)", "[tick]", 0},
		{"an expression default is written into the statement",
			func() sqlexpr.Statement { return sqlexpr.Insert(stamps).Values(sqlexpr.Values{"id": 1}) },
			"INSERT INTO stamps (id, at) VALUES ($1, now())", "[1]", 0},
		{"INSERT … SELECT is not affected",
			func() sqlexpr.Statement {
				return sqlexpr.Insert(items).FromSelect([]string{"name"}, sqlexpr.Select(src.C("name")))
			},
			"INSERT INTO items (name) SELECT src.name FROM src", "[]", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			sql, args, err := sqlexpr.Compile(tc.stmt(), postgresql.Dialect)
			if err != nil {
				t.Fatal(err)
			}
			if sql != tc.sql || fmt.Sprint(args) != tc.args {
				t.Errorf("got %s %v\nwant %s %s", sql, args, tc.sql, tc.args)
			}
			if n := calls.Load(); n != tc.calls {
				t.Errorf("seq's default ran %d times, want %d", n, tc.calls)
			}
			// The same statement on the other dialects: same columns, ? marks
			// (now() is spelled by each dialect, so that case is left out).
			for _, d := range []struct {
				name string
				sql  func() (string, error)
			}{
				{"mysql", func() (string, error) { s, _, err := sqlexpr.Compile(tc.stmt(), mysql.Dialect); return s, err }},
				{"sqlite", func() (string, error) { s, _, err := sqlexpr.Compile(tc.stmt(), sqlite.Dialect); return s, err }},
			} {
				got, err := d.sql()
				if err != nil {
					t.Fatalf("%s: %v", d.name, err)
				}
				if want := questionMarks(tc.sql); got != want && !strings.Contains(tc.sql, "now()") {
					t.Errorf("%s: got %s, want %s", d.name, got, want)
				}
			}
		})
	}
}

// questionMarks turns PostgreSQL's $n placeholders into ?.
func questionMarks(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' {
			b.WriteByte('?')
			for i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestClientDefaultDeclarationErrors: a func of another signature would
// be bound as a value and fail at the driver; it is refused when the
// table is declared, naming the column.
func TestClientDefaultDeclarationErrors(t *testing.T) {
	cases := []struct {
		name string
		def  any
		want string // "" for no error
	}{
		{"func() any", func() any { return 1 }, ""},
		{"plain value", 5, ""},
		{"nil is no default", nil, ""},
		{"func of another type", func() string { return "x" }, "a function default must be a func() any, not func() string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			md := metadata.New()
			tbl := md.Table("t", metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("v", types.Text(), metadata.Default(tc.def)))
			err := md.Err()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := tbl.C("v").ClientDefault(); (got == nil) != (tc.def == nil) {
					t.Fatalf("ClientDefault() = %v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"v"`) {
				t.Fatalf("error = %v, want one naming column v and containing %q", err, tc.want)
			}
		})
	}
}

// defaultsServer opens a fresh database of kind s through alchemy, and
// the same database through its plain driver for checking what is stored.
func defaultsServer(t *testing.T, s server) (db, plain *sql.DB) {
	var url string
	switch s.name {
	case "sqlite":
		url = "sqlite:///" + filepath.Join(t.TempDir(), "defaults.db")
	case "postgresql":
		url = testdb.Postgres(t)
	default:
		url = testdb.MySQL(t)
	}
	db, err := sql.Open("alchemy", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, testdb.Plain(t, url)
}

// TestClientDefaultsStored inserts through every path an INSERT can take
// (one row, with and without a known key, several rows, executemany,
// executemany of a statement with bound parameters, no values) on each
// server, and reads the stored rows back with a plain query.
func TestClientDefaultsStored(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		db, plain := defaultsServer(t, s)
		var calls atomic.Int64
		md, items, events, tokens := defaultsSchema(&calls)
		if err := md.CreateAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		nameParam := sqlexpr.BindParam("name")
		cases := []struct {
			name   string
			run    func() (*sqlexpr.Result, error)
			where  string   // which rows of items to read
			want   []string // name|status|seq|note per row, ordered by id
			wantPK string   // the inserted key Result reports, "" to skip
		}{
			{"one row, generated key", func() (*sqlexpr.Result, error) { // first: the key is 1 everywhere
				return sqlexpr.Execute(ctx, db, sqlexpr.Insert(items).Values(sqlexpr.Values{"name": "g"}))
			}, "name = 'g'", []string{"g|new|1|n/a"}, "[1]"},
			{"one row", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Insert(items).Values(sqlexpr.Values{"id": 5, "name": "a"}))
			}, "id = 5", []string{"a|new|1|n/a"}, "[5]"},
			{"explicit values and NULL win", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Insert(items).Values(sqlexpr.Values{"id": 10, "name": "b", "status": "old", "seq": 99, "note": nil}))
			}, "id = 10", []string{"b|old|99|NULL"}, "[10]"},
			{"multi-row VALUES", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Insert(items).Values(
					sqlexpr.Values{"id": 20, "name": "c"}, sqlexpr.Values{"id": 21, "name": "d"}, sqlexpr.Values{"id": 22, "name": "e"}))
			}, "id BETWEEN 20 AND 29", []string{"c|new|1|n/a", "d|new|2|n/a", "e|new|3|n/a"}, ""},
			{"executemany Params", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Insert(items),
					sqlexpr.Params{"id": 30, "name": "f"}, sqlexpr.Params{"id": 31, "name": "h", "note": "mine"})
			}, "id BETWEEN 30 AND 39", nil, ""}, // keys differ: an error, checked below
			{"executemany Params, same keys", func() (*sqlexpr.Result, error) {
				return sqlexpr.Execute(ctx, db, sqlexpr.Insert(items),
					sqlexpr.Params{"id": 40, "name": "i"}, sqlexpr.Params{"id": 41, "name": "j"})
			}, "id BETWEEN 40 AND 49", []string{"i|new|1|n/a", "j|new|2|n/a"}, ""},
			{"executemany of bound parameters", func() (*sqlexpr.Result, error) {
				stmt := sqlexpr.Insert(items).Values(sqlexpr.Values{"id": sqlexpr.BindParam("id"), "name": nameParam})
				return sqlexpr.Execute(ctx, db, stmt, sqlexpr.Params{"id": 50, "name": "k"}, sqlexpr.Params{"id": 51, "name": "l"})
			}, "id BETWEEN 50 AND 59", []string{"k|new|1|n/a", "l|new|2|n/a"}, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				calls.Store(0)
				res, err := tc.run()
				if tc.want == nil {
					if err == nil {
						t.Fatal("rows with different keys were accepted")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if tc.wantPK != "" {
					if got := fmt.Sprint(res.InsertedPrimaryKey()); got != tc.wantPK {
						t.Errorf("InsertedPrimaryKey = %s, want %s", got, tc.wantPK)
					}
				}
				got := plainRows(t, plain, "SELECT name, status, seq, note FROM items WHERE "+tc.where+" ORDER BY id")
				if strings.Join(got, " ") != strings.Join(tc.want, " ") {
					t.Errorf("stored %v, want %v", got, tc.want)
				}
			})
		}

		t.Run("no values", func(t *testing.T) {
			if _, err := sqlexpr.Execute(ctx, db, sqlexpr.Insert(events)); err != nil {
				t.Fatal(err)
			}
			if got := plainRows(t, plain, "SELECT kind FROM events"); strings.Join(got, " ") != "tick" {
				t.Errorf("stored %v, want [tick]", got)
			}
		})
		t.Run("key from a func default", func(t *testing.T) {
			calls.Store(0)
			res, err := sqlexpr.Execute(ctx, db, sqlexpr.Insert(tokens).Values(sqlexpr.Values{"label": "x"}))
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(res.InsertedPrimaryKey()); got != "[tok-1]" {
				t.Errorf("InsertedPrimaryKey = %s, want [tok-1]", got)
			}
			if got := plainRows(t, plain, "SELECT id, label FROM tokens"); strings.Join(got, " ") != "tok-1|x" {
				t.Errorf("stored %v, want [tok-1|x]", got)
			}
		})
		t.Run("INSERT … SELECT takes no defaults", func(t *testing.T) {
			q := sqlexpr.Select(items.C("id").Add(100), items.C("name")).Where(items.C("id").Eq(5))
			if _, err := sqlexpr.Execute(ctx, db, sqlexpr.Insert(items).FromSelect([]string{"id", "name"}, q)); err != nil {
				t.Fatal(err)
			}
			if got := plainRows(t, plain, "SELECT name, status, seq, note FROM items WHERE id = 105"); strings.Join(got, " ") != "a|NULL|NULL|NULL" {
				t.Errorf("stored %v, want [a|NULL|NULL|NULL]", got)
			}
		})
	})
}

// plainRows runs query on the plain connection and returns each row as
// its values joined with |, NULL for a null.
func plainRows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = "NULL"
			if v.Valid {
				parts[i] = v.String
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
