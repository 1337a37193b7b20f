package sqlexpr_test

import (
	"testing"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// The reference statement, built as compat/builders and
// bench/cmd/scaling build it:
//
//	SELECT users.id, users.name, addresses.city FROM users
//	JOIN addresses ON users.id = addresses.user_id
//	WHERE users.name = $1 AND addresses.city IN ($2, $3)
//	ORDER BY users.id LIMIT 10
func referenceStatement(u, a *sqlexpr.TableClause) *sqlexpr.SelectStmt {
	return sqlexpr.Select(u.C("id"), u.C("name"), a.C("city")).
		Join(a, u.C("id").Eq(a.C("user_id"))).
		Where(u.C("name").Eq("john"), a.C("city").In("Berlin", "Paris")).
		OrderBy(u.C("id")).
		Limit(10)
}

// BenchmarkReferenceCompile times building the reference statement and
// compiling it: through a cache that holds its shape (cache=hit), with
// no cache (cache=off), and building alone (build), the part of both
// that is not the compiler's. goqu's figure for the same statement is
// compat/builders' BenchmarkBuildCompile/lib=goqu.
//
//	go test ./sqlexpr -run '^$' -bench ReferenceCompile -benchmem
func BenchmarkReferenceCompile(b *testing.B) {
	u := sqlexpr.NewTable("users", "id", "name", "email")
	a := sqlexpr.NewTable("addresses", "id", "user_id", "street", "city")
	const want = "SELECT users.id, users.name, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id WHERE users.name = $1 AND addresses.city IN ($2, $3) ORDER BY users.id LIMIT $4"
	check := func(b *testing.B, sql string, args []any, err error) {
		b.Helper()
		if err != nil || sql != want || len(args) != 4 {
			b.Fatalf("%q %v %v", sql, args, err)
		}
	}
	b.Run("cache=hit", func(b *testing.B) {
		c := sqlexpr.NewCompiler(sqlexpr.DefaultCacheSize)
		sql, args, err := c.Compile(referenceStatement(u, a), postgresql.Dialect)
		check(b, sql, args, err)
		b.ReportAllocs()
		for b.Loop() {
			sql, args, err = c.Compile(referenceStatement(u, a), postgresql.Dialect)
		}
		check(b, sql, args, err)
		if st := c.Stats(); st.Misses != 1 {
			b.Fatalf("%+v: the loop missed the cache", st)
		}
	})
	b.Run("cache=off", func(b *testing.B) {
		c := sqlexpr.NewCompiler(0)
		var (
			sql  string
			args []any
			err  error
		)
		b.ReportAllocs()
		for b.Loop() {
			sql, args, err = c.Compile(referenceStatement(u, a), postgresql.Dialect)
		}
		check(b, sql, args, err)
	})
	b.Run("build", func(b *testing.B) {
		var s *sqlexpr.SelectStmt
		b.ReportAllocs()
		for b.Loop() {
			s = referenceStatement(u, a)
		}
		if s == nil {
			b.Fatal("no statement")
		}
	})
}
