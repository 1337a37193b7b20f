package sqlexpr_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// TestDerivedFrom: a table that only WHERE, GROUP BY, HAVING or ORDER BY
// names joins the FROM list, as SQLAlchemy adds it; a correlated
// subquery leaves the enclosing SELECT's tables out.
func TestDerivedFrom(t *testing.T) {
	u := sqlexpr.NewTable("users", "id", "name")
	a := sqlexpr.NewTable("addresses", "id", "user_id", "city")
	cases := []struct {
		name string
		stmt sqlexpr.Statement
		want [3]string // postgresql, mysql, sqlite
	}{
		{"where", sqlexpr.Select(u.C("name")).Where(a.C("city").Eq("x")),
			[3]string{"SELECT users.name FROM users, addresses WHERE addresses.city = $1",
				"SELECT users.name FROM users, addresses WHERE addresses.city = ?",
				"SELECT users.name FROM users, addresses WHERE addresses.city = ?"}},
		{"where joined", sqlexpr.Select(u.C("name")).Where(u.C("id").Eq(a.C("user_id")), a.C("city").Eq("x")),
			[3]string{"SELECT users.name FROM users, addresses WHERE users.id = addresses.user_id AND addresses.city = $1",
				"SELECT users.name FROM users, addresses WHERE users.id = addresses.user_id AND addresses.city = ?",
				"SELECT users.name FROM users, addresses WHERE users.id = addresses.user_id AND addresses.city = ?"}},
		{"order by", sqlexpr.Select(u.C("name")).OrderBy(a.C("city")),
			[3]string{"SELECT users.name FROM users, addresses ORDER BY addresses.city",
				"SELECT users.name FROM users, addresses ORDER BY addresses.city",
				"SELECT users.name FROM users, addresses ORDER BY addresses.city"}},
		{"having", sqlexpr.Select(sqlexpr.Count()).GroupBy(u.C("name")).Having(sqlexpr.Max(a.C("id")).Gt(1)),
			[3]string{"SELECT count(*) AS count_1 FROM users, addresses GROUP BY users.name HAVING max(addresses.id) > $1",
				"SELECT count(*) AS count_1 FROM users, addresses GROUP BY users.name HAVING max(addresses.id) > ?",
				"SELECT count(*) AS count_1 FROM users, addresses GROUP BY users.name HAVING max(addresses.id) > ?"}},
		{"already joined", sqlexpr.Select(u.C("name")).Join(a, u.C("id").Eq(a.C("user_id"))).Where(a.C("city").Eq("x")),
			[3]string{"SELECT users.name FROM users JOIN addresses ON users.id = addresses.user_id WHERE addresses.city = $1",
				"SELECT users.name FROM users INNER JOIN addresses ON users.id = addresses.user_id WHERE addresses.city = ?",
				"SELECT users.name FROM users JOIN addresses ON users.id = addresses.user_id WHERE addresses.city = ?"}},
		{"correlated", sqlexpr.Select(u.C("name"), sqlexpr.Select(sqlexpr.Count()).Where(a.C("user_id").Eq(u.C("id"))).Scalar().Label("n")),
			[3]string{"SELECT users.name, (SELECT count(*) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users",
				"SELECT users.name, (SELECT count(*) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users",
				"SELECT users.name, (SELECT count(*) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users"}},
		{"update correlated", sqlexpr.Update(u).Values(sqlexpr.Values{"name": "z"}).
			Where(sqlexpr.Exists(sqlexpr.Select(a.C("id")).Where(a.C("user_id").Eq(u.C("id"))))),
			[3]string{"UPDATE users SET name=$1 WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)",
				"UPDATE users SET name=? WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)",
				"UPDATE users SET name=? WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)"}},
		{"update set correlated", sqlexpr.Update(u).Values(sqlexpr.Values{"name": sqlexpr.Select(a.C("city")).Where(a.C("user_id").Eq(u.C("id")))}),
			[3]string{"UPDATE users SET name=(SELECT addresses.city FROM addresses WHERE addresses.user_id = users.id)",
				"UPDATE users SET name=(SELECT addresses.city FROM addresses WHERE addresses.user_id = users.id)",
				"UPDATE users SET name=(SELECT addresses.city FROM addresses WHERE addresses.user_id = users.id)"}},
		{"delete correlated", sqlexpr.Delete(u).Where(u.C("id").In(sqlexpr.Select(a.C("user_id")).Where(a.C("city").Eq(u.C("name"))))),
			[3]string{"DELETE FROM users WHERE users.id IN (SELECT addresses.user_id FROM addresses WHERE addresses.city = users.name)",
				"DELETE FROM users WHERE users.id IN (SELECT addresses.user_id FROM addresses WHERE addresses.city = users.name)",
				"DELETE FROM users WHERE users.id IN (SELECT addresses.user_id FROM addresses WHERE addresses.city = users.name)"}},
		{"delete self subquery", sqlexpr.Delete(u).Where(u.C("id").In(sqlexpr.Select(sqlexpr.Max(u.C("id"))))),
			[3]string{"DELETE FROM users WHERE users.id IN (SELECT max(users.id) AS max_1 FROM users)",
				"DELETE FROM users WHERE users.id IN (SELECT max(users.id) AS max_1 FROM users)",
				"DELETE FROM users WHERE users.id IN (SELECT max(users.id) AS max_1 FROM users)"}},
		{"where only", sqlexpr.Select(sqlexpr.InlineLiteral(1)).Where(u.C("id").Eq(1)),
			[3]string{"SELECT 1 AS anon_1 FROM users WHERE users.id = $1", "SELECT 1 AS anon_1 FROM users WHERE users.id = ?", "SELECT 1 AS anon_1 FROM users WHERE users.id = ?"}},
	}
	c := sqlexpr.NewCompiler(100)
	c.SetFromLinting(sqlexpr.LintOff, nil)
	for _, tc := range cases {
		for i, d := range goldenDialects {
			for pass := 0; pass < 2; pass++ {
				got, _, err := c.Compile(tc.stmt, d)
				if err != nil || got != tc.want[i] {
					t.Errorf("%s on %s pass %d:\n got %s (%v)\nwant %s", tc.name, d.Name, pass, got, err, tc.want[i])
				}
			}
		}
	}
	// Two tables of the same name are two FROM elements, one table is
	// one: the cache keys of the two statements differ.
	u2 := sqlexpr.NewTable("users", "id", "name")
	same, _, _ := c.Compile(sqlexpr.Select(u.C("name")).Where(u.C("id").Eq(1)), postgresql.Dialect)
	other, _, _ := c.Compile(sqlexpr.Select(u.C("name")).Where(u2.C("id").Eq(1)), postgresql.Dialect)
	if same == other {
		t.Errorf("one table and two same-named tables compiled alike: %s", same)
	}
}

// TestFromLinting: an unjoined FROM element is a warning through the
// logger, or an error with LintError; an explicit From of every element
// and a WHERE comparison that connects them are not reported.
func TestFromLinting(t *testing.T) {
	u := sqlexpr.NewTable("users", "id", "name")
	a := sqlexpr.NewTable("addresses", "id", "user_id", "city")
	product := sqlexpr.Select(u.C("name")).Where(a.C("city").Eq("x"))
	joined := sqlexpr.Select(u.C("name")).Where(u.C("id").Eq(a.C("user_id")), a.C("city").Eq("x"))
	explicit := sqlexpr.Select(u.C("name")).From(u, a)

	c := sqlexpr.NewCompiler(0)
	c.SetFromLinting(sqlexpr.LintError, nil)
	_, _, err := c.Compile(product, postgresql.Dialect)
	var ce *sqlexpr.CartesianProductError
	if !errors.As(err, &ce) || ce.From != "users" || len(ce.Unjoined) != 1 || ce.Unjoined[0] != "addresses" ||
		!errors.Is(err, sqlexpr.ErrCartesianProduct) {
		t.Errorf("product: err = %v", err)
	}
	for _, s := range []sqlexpr.Statement{joined, explicit} {
		if _, _, err := c.Compile(s, postgresql.Dialect); err != nil {
			t.Errorf("not a product, but: %v", err)
		}
	}

	var buf bytes.Buffer
	w := sqlexpr.NewCompiler(10)
	w.SetFromLinting(sqlexpr.LintWarn, slog.New(slog.NewTextHandler(&buf, nil)))
	if _, _, err := w.Compile(product, postgresql.Dialect); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "cartesian product between FROM element users and addresses") {
		t.Errorf("warning = %q", buf.String())
	}
}

// TestCorrelatedDML: a subquery in an UPDATE's or DELETE's WHERE that
// names the target table refers to the row being written, on every
// server: only the matching rows change.
func TestCorrelatedDML(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		f := newFixture(t, s)
		u, a := f.users, f.addresses
		ctx := context.Background()
		res, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Update(u).Values(sqlexpr.Values{"email": "rome@x"}).
			Where(sqlexpr.Exists(sqlexpr.Select(a.C("id")).Where(a.C("user_id").Eq(u.C("id")), a.C("city").Eq("Rome")))))
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Errorf("the correlated UPDATE changed %d rows, want 1 (alice)", n)
		}
		res, err = sqlexpr.Execute(ctx, s.db, sqlexpr.Delete(a).
			Where(sqlexpr.Exists(sqlexpr.Select(u.C("id")).Where(u.C("id").Eq(a.C("user_id")), u.C("name").Eq("mary")))))
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Errorf("the correlated DELETE removed %d rows, want 1 (mary's)", n)
		}
	})
}

// TestFromLintingModeChange: a product compiled and cached while the
// mode was LintWarn must fail once LintError is set, and compile again
// under LintOff; a change of logger alone keeps what is cached.
func TestFromLintingModeChange(t *testing.T) {
	u := sqlexpr.NewTable("users", "id", "name")
	a := sqlexpr.NewTable("addresses", "id", "user_id", "city")
	product := func() sqlexpr.Statement { return sqlexpr.Select(u.C("name")).Where(a.C("city").Eq("x")) }
	joined := sqlexpr.Select(u.C("name")).Where(u.C("id").Eq(a.C("user_id")))
	// Both cache paths: the SELECT fast key and the compiler's own key
	// (a product inside INSERT … SELECT is not linted, so only SELECTs).
	c := sqlexpr.NewCompiler(16)
	var buf bytes.Buffer
	c.SetFromLinting(sqlexpr.LintWarn, slog.New(slog.NewTextHandler(&buf, nil)))
	for range 2 {
		if _, _, err := c.Compile(product(), postgresql.Dialect); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := c.Compile(joined, postgresql.Dialect); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Size == 0 || s.Hits == 0 {
		t.Fatalf("the product was not cached: %+v", s)
	}
	if n := strings.Count(buf.String(), "cartesian product"); n != 1 {
		t.Fatalf("%d warnings, want 1 (the second compile is a hit)", n)
	}

	c.SetFromLinting(sqlexpr.LintWarn, nil) // the logger alone
	if s := c.Stats(); s.Size == 0 {
		t.Fatalf("a change of logger emptied the cache: %+v", s)
	}

	c.SetFromLinting(sqlexpr.LintError, nil)
	if s := c.Stats(); s.Size != 0 || s.Capacity != 16 {
		t.Fatalf("after a change of mode: %+v, want an empty cache of 16", s)
	}
	if _, _, err := c.Compile(product(), postgresql.Dialect); !errors.Is(err, sqlexpr.ErrCartesianProduct) {
		t.Fatalf("the product cached under LintWarn compiled under LintError: err = %v", err)
	}
	if _, _, err := c.Compile(joined, postgresql.Dialect); err != nil {
		t.Fatal(err)
	}

	c.SetFromLinting(sqlexpr.LintOff, nil)
	if _, _, err := c.Compile(product(), postgresql.Dialect); err != nil {
		t.Fatalf("under LintOff: %v", err)
	}
}
