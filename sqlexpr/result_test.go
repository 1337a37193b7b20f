package sqlexpr_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// TestResultVerbs runs each verb on results of zero, one and several
// rows on every server.
func TestResultVerbs(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		f := newFixture(t, s)
		u := f.users
		ctx := context.Background()
		none := sqlexpr.Select(u.C("name")).Where(u.C("id").Eq(99))
		one := sqlexpr.Select(u.C("name")).Where(u.C("id").Eq(2))
		many := sqlexpr.Select(u.C("name")).Where(u.C("age").Eq(30)).OrderBy(u.C("id"))
		query := func(stmt sqlexpr.Statement) *sqlexpr.Rows {
			t.Helper()
			rows, err := sqlexpr.Query(ctx, s.db, stmt)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		name := func(r *sqlexpr.Row) any {
			if r == nil {
				return nil
			}
			return r.Get("name")
		}
		cases := []struct {
			verb string
			run  func(*sqlexpr.Rows) (any, error)
			// want for none, one, many; an error value means errors.Is
			want [3]any
		}{
			{"One", func(r *sqlexpr.Rows) (any, error) { x, err := r.One(); return name(x), err },
				[3]any{sqlexpr.ErrNoResultFound, "mary", sqlexpr.ErrMultipleResultsFound}},
			{"OneOrNone", func(r *sqlexpr.Rows) (any, error) { x, err := r.OneOrNone(); return name(x), err },
				[3]any{nil, "mary", sqlexpr.ErrMultipleResultsFound}},
			{"First", func(r *sqlexpr.Rows) (any, error) { x, err := r.First(); return name(x), err },
				[3]any{nil, "mary", "john"}},
			{"Scalar", func(r *sqlexpr.Rows) (any, error) { return r.Scalar() },
				[3]any{nil, "mary", "john"}},
			{"ScalarOne", func(r *sqlexpr.Rows) (any, error) { return r.ScalarOne() },
				[3]any{sqlexpr.ErrNoResultFound, "mary", sqlexpr.ErrMultipleResultsFound}},
			{"Scalars", func(r *sqlexpr.Rows) (any, error) { v, err := r.Scalars(); return normalizeList(v), err },
				[3]any{[]any(nil), []any{"mary"}, []any{"john", "Zed"}}},
			{"Mappings", func(r *sqlexpr.Rows) (any, error) {
				ms, err := r.Mappings()
				var out []any
				for _, m := range ms {
					out = append(out, normalize(m["name"]))
				}
				return out, err
			}, [3]any{[]any(nil), []any{"mary"}, []any{"john", "Zed"}}},
			{"All", func(r *sqlexpr.Rows) (any, error) {
				rs, err := r.All()
				var out []any
				for _, x := range rs {
					out = append(out, normalize(x.Get("name")))
				}
				return out, err
			}, [3]any{[]any(nil), []any{"mary"}, []any{"john", "Zed"}}},
		}
		for _, c := range cases {
			for i, stmt := range []sqlexpr.Statement{none, one, many} {
				got, err := c.run(query(stmt))
				if wantErr, ok := c.want[i].(error); ok {
					if !errors.Is(err, wantErr) {
						t.Errorf("%s on %d-row result: err = %v, want %v", c.verb, []int{0, 1, 2}[i], err, wantErr)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s on %d-row result: %v", c.verb, []int{0, 1, 2}[i], err)
					continue
				}
				if diff := cmp.Diff(c.want[i], normalize(got)); diff != "" {
					t.Errorf("%s on %d-row result (-want +got):\n%s", c.verb, []int{0, 1, 2}[i], diff)
				}
			}
		}
		// The sentinel for no rows is also sql.ErrNoRows.
		if _, err := query(none).One(); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("One on no rows: %v does not match sql.ErrNoRows", err)
		}
	})
}

func normalizeList(v []any) []any {
	for i := range v {
		v[i] = normalize(v[i])
	}
	return v
}

// TestGenericHelpers reads rows into structs, pointers to structs and
// scalars, with All, One, OneOrNone and the streaming Iter.
func TestGenericHelpers(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		f := newFixture(t, s)
		u := f.users
		ctx := context.Background()
		type user struct {
			ID   int64
			Name string
			Age  *int64
		}
		sel := sqlexpr.Select(u.C("id"), u.C("name"), u.C("age")).Where(u.C("id").Le(3)).OrderBy(u.C("id"))
		all, err := sqlexpr.All[user](ctx, s.db, sel)
		if err != nil {
			t.Fatal(err)
		}
		age := func(n int64) *int64 { return &n }
		want := []user{{1, "john", age(30)}, {2, "mary", age(25)}, {3, "bob", nil}}
		if diff := cmp.Diff(want, all); diff != "" {
			t.Errorf("All[user] (-want +got):\n%s", diff)
		}
		ptrs, err := sqlexpr.All[*user](ctx, s.db, sel)
		if err != nil || len(ptrs) != 3 || *ptrs[2] != want[2] {
			t.Errorf("All[*user] = %v, %v", ptrs, err)
		}
		names, err := sqlexpr.All[string](ctx, s.db, sqlexpr.Select(u.C("name")).OrderBy(u.C("id")).Limit(2))
		if diff := cmp.Diff([]string{"john", "mary"}, names); diff != "" || err != nil {
			t.Errorf("All[string] = %v, %v", names, err)
		}
		if _, err := sqlexpr.All[string](ctx, s.db, sel); !errors.Is(err, sqlexpr.ErrInvalid) {
			t.Errorf("All[string] of three columns: %v, want ErrInvalid", err)
		}
		n, err := sqlexpr.One[int64](ctx, s.db, sqlexpr.Select(sqlexpr.Count()).From(u))
		if err != nil || n != 5 {
			t.Errorf("One[int64](count) = %d, %v", n, err)
		}
		if _, err := sqlexpr.One[user](ctx, s.db, sel); !errors.Is(err, sqlexpr.ErrMultipleResultsFound) {
			t.Errorf("One of 3 rows: %v", err)
		}
		if _, found, err := sqlexpr.OneOrNone[user](ctx, s.db, sel.Clone().Where(u.C("id").Eq(99))); found || err != nil {
			t.Errorf("OneOrNone of no rows: found=%v err=%v", found, err)
		}
		// Iter streams: a break after the first row closes the rows.
		var seen []string
		for v, err := range sqlexpr.Iter[user](ctx, s.db, sel) {
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, v.Name)
			if len(seen) == 2 {
				break
			}
		}
		if diff := cmp.Diff([]string{"john", "mary"}, seen); diff != "" {
			t.Errorf("Iter (-want +got):\n%s", diff)
		}
		// An error is yielded once and ends the sequence.
		var errs int
		for _, err := range sqlexpr.Iter[user](ctx, s.db, sqlexpr.Select(u.C("nope"))) {
			if err == nil {
				t.Error("Iter of a bad column yielded a row")
			}
			errs++
		}
		if errs != 1 {
			t.Errorf("Iter yielded %d errors, want 1", errs)
		}
		// The pool is whole: every Iter released its connection.
		if st := s.db.Stats(); st.InUse != 0 {
			t.Errorf("%d connections still in use after the loops", st.InUse)
		}
	})
}

// TestUnknownColumn: Get of a name the result lacks is an error naming it
// and listing the columns, and ends the loop.
func TestUnknownColumn(t *testing.T) {
	s := openServer(t, "sqlite", "sqlite://")
	ctx := context.Background()
	rows, err := sqlexpr.Query(ctx, s.db, sqlexpr.Text("SELECT 1 AS id, 'x' AS name UNION ALL SELECT 2, 'y'"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
		if v := rows.Get("nmae"); v != nil {
			t.Errorf("Get(nmae) = %v", v)
		}
	}
	rows.Close()
	var nsc *sqlexpr.NoSuchColumnError
	if err := rows.Err(); !errors.As(err, &nsc) || nsc.Column != "nmae" || !errors.Is(err, sqlexpr.ErrNoSuchColumn) ||
		!errorContains(err, "id, name") {
		t.Errorf("Err = %v, want a NoSuchColumnError naming nmae and listing id, name", err)
	}
	if n != 1 {
		t.Errorf("the loop ran %d times after the error, want it to stop (1)", n)
	}
	row := sqlexpr.QueryRow(ctx, s.db, sqlexpr.Text("SELECT 1 AS id"))
	if row.Get("ID") != nil || !errors.As(row.Err(), &nsc) {
		t.Errorf("Row.Get(ID): err %v", row.Err())
	}
	// A nil row (First of nothing) does not panic.
	var none *sqlexpr.Row
	if none.Get("id") != nil || !errors.Is(none.Scan(new(int)), sqlexpr.ErrNoResultFound) || none.Map() != nil {
		t.Error("a nil Row did not report ErrNoResultFound")
	}
}

// TestExecuteMany inserts a list of Params in one statement and reports
// every key where the dialect has RETURNING; elsewhere an error says
// why, and InsertedPrimaryKey is nil (no panic, no wrong key).
func TestExecuteMany(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		md := metadata.New()
		tbl := md.Table(uniqueName("many"), metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
			metadata.Column("name", types.String(20)))
		ctx := context.Background()
		if err := md.CreateAll(ctx, s.db); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { md.DropAll(context.Background(), s.db) })
		params := []sqlexpr.Params{{"name": "a"}, {"name": "b"}, {"name": "c"}}
		res, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl), params...)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 3 {
			t.Errorf("RowsAffected = %d", n)
		}
		keys, kerr := res.InsertedPrimaryKeys()
		if s.d.Features.InsertReturning && isReturningServer(t, s) {
			if kerr != nil || cmp.Diff([][]any{{int64(1)}, {int64(2)}, {int64(3)}}, keys) != "" {
				t.Errorf("InsertedPrimaryKeys = %v, %v", keys, kerr)
			}
			if pk := res.InsertedPrimaryKey(); len(pk) != 1 || pk[0] != int64(1) {
				t.Errorf("InsertedPrimaryKey = %v, want the first row's", pk)
			}
		} else if kerr == nil || res.InsertedPrimaryKey() != nil {
			t.Errorf("without RETURNING: keys %v, err %v, pk %v", keys, kerr, res.InsertedPrimaryKey())
		}
		// Values with two rows takes the same path.
		res, err = sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl).Values(sqlexpr.Values{"name": "d"}, sqlexpr.Values{"name": "e"}))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.InsertedPrimaryKey() // never panics
		// An UPDATE run once per Params, through BindParam.
		upd := sqlexpr.Update(tbl).Values(sqlexpr.Values{"name": sqlexpr.BindParam("new")}).Where(tbl.C("name").Eq(sqlexpr.BindParam("old")))
		res, err = sqlexpr.Execute(ctx, s.db, upd, sqlexpr.Params{"old": "a", "new": "A"}, sqlexpr.Params{"old": "b", "new": "B"})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 2 {
			t.Errorf("executemany UPDATE affected %d rows", n)
		}
		names, err := sqlexpr.All[string](ctx, s.db, sqlexpr.Select(tbl.C("name")).OrderBy(tbl.C("id")))
		if diff := cmp.Diff([]string{"A", "B", "c", "d", "e"}, names); diff != "" || err != nil {
			t.Errorf("names after the inserts and updates (-want +got):\n%s %v", diff, err)
		}
		// A chunked insert: more values than one statement takes.
		big := make([]sqlexpr.Params, 31000) // two statements: 30,000 values each at most
		for i := range big {
			big[i] = sqlexpr.Params{"name": "x"}
		}
		res, err = sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl), big...)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 31000 {
			t.Errorf("chunked insert affected %d rows", n)
		}
	})
}

// isReturningServer tells whether the server itself has INSERT …
// RETURNING: the mysql URL may reach MariaDB (which has it) under the
// mysql dialect (which does not claim it).
func isReturningServer(t *testing.T, s server) bool {
	return s.d.Family != "mysql" || isMariaDBServer(t, s) && s.d.Name == "mariadb"
}

// TestBindParams compiles named parameters for each dialect and runs a
// statement compiled once with different Params.
func TestBindParams(t *testing.T) {
	u := sqlexpr.NewTable("users", "id", "name")
	cases := []struct {
		name string
		stmt sqlexpr.Statement
		want [3]string // postgresql, mysql, sqlite
	}{
		{"bindparam", sqlexpr.Select(u.C("id")).Where(u.C("name").Eq(sqlexpr.BindParam("n")), u.C("id").Gt(sqlexpr.BindParam("min"))),
			[3]string{"SELECT users.id FROM users WHERE users.name = $1 AND users.id > $2",
				"SELECT users.id FROM users WHERE users.name = ? AND users.id > ?",
				"SELECT users.id FROM users WHERE users.name = ? AND users.id > ?"}},
		{"text names", sqlexpr.Text("SELECT * FROM t WHERE a = :a AND b = :b_2 OR a = :a"),
			[3]string{"SELECT * FROM t WHERE a = $1 AND b = $2 OR a = $3",
				"SELECT * FROM t WHERE a = ? AND b = ? OR a = ?", "SELECT * FROM t WHERE a = ? AND b = ? OR a = ?"}},
		{"text casts and escapes", sqlexpr.Text(`SELECT x::text, ':no', a[1:2], '\:' , \:lit FROM t WHERE y = :y`),
			[3]string{`SELECT x::text, ':no', a[1:2], '\:' , :lit FROM t WHERE y = $1`,
				`SELECT x::text, ':no', a[1:2], '\:' , :lit FROM t WHERE y = ?`,
				`SELECT x::text, ':no', a[1:2], '\:' , :lit FROM t WHERE y = ?`}},
		{"text in a select", sqlexpr.Select(u.C("id")).Where(u.C("id").Gt(1), sqlexpr.Text("name = :n")),
			[3]string{"SELECT users.id FROM users WHERE users.id > $1 AND (name = $2)",
				"SELECT users.id FROM users WHERE users.id > ? AND (name = ?)",
				"SELECT users.id FROM users WHERE users.id > ? AND (name = ?)"}},
	}
	for _, c := range cases {
		for i, d := range goldenDialects {
			for pass := 0; pass < 2; pass++ { // the second compile is a cache hit
				got, _, err := sqlexpr.Compile(c.stmt, d)
				if err != nil || got != c.want[i] {
					t.Errorf("%s on %s (pass %d):\n got %s (%v)\nwant %s", c.name, d.Name, pass, got, err, c.want[i])
				}
			}
		}
	}

	forEachServer(t, func(t *testing.T, s server) {
		f := newFixture(t, s)
		ctx := context.Background()
		byAge := sqlexpr.Select(f.users.C("name")).Where(f.users.C("age").Eq(sqlexpr.BindParam("age"))).OrderBy(f.users.C("id"))
		for _, c := range []struct {
			age  int
			want []string
		}{{30, []string{"john", "Zed"}}, {25, []string{"mary"}}} {
			got, err := sqlexpr.All[string](ctx, s.db, byAge, sqlexpr.Params{"age": c.age})
			if err != nil || cmp.Diff(c.want, got) != "" {
				t.Errorf("age %d: %v, %v", c.age, got, err)
			}
		}
		q, _ := s.d.QuoteIdent(f.users.Name())
		n, err := sqlexpr.One[int64](ctx, s.db, sqlexpr.Text("SELECT count(*) FROM "+q+" WHERE age = :age OR name = :name").
			Columns(types.BigInteger()), sqlexpr.Params{"age": 41, "name": "bob"})
		if err != nil || n != 2 {
			t.Errorf("Text with :name = %d, %v", n, err)
		}
		n, err = sqlexpr.One[int64](ctx, s.db, sqlexpr.Text("SELECT count(*) FROM "+q+" WHERE age = :age", sqlexpr.Params{"age": 30}).
			Columns(types.BigInteger()))
		if err != nil || n != 2 {
			t.Errorf("Text with its own Params = %d, %v", n, err)
		}
		// Errors: a missing value, a value for no parameter, two Params for a query.
		_, err = sqlexpr.Query(ctx, s.db, byAge)
		if !errors.Is(err, sqlexpr.ErrInvalid) || !errorContains(err, ":age") {
			t.Errorf("no Params: %v", err)
		}
		_, err = sqlexpr.Query(ctx, s.db, byAge, sqlexpr.Params{"age": 1, "agee": 2})
		if !errors.Is(err, sqlexpr.ErrInvalid) || !errorContains(err, `"agee"`) {
			t.Errorf("an unknown Params key: %v", err)
		}
		_, err = sqlexpr.Query(ctx, s.db, byAge, sqlexpr.Params{"age": 1}, sqlexpr.Params{"age": 2})
		if !errors.Is(err, sqlexpr.ErrInvalid) {
			t.Errorf("two Params for Query: %v", err)
		}
	})
}
