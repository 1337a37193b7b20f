// Package builders compares building and compiling one statement with
// alchemy's sqlexpr, goqu and squirrel. It lives apart from sqlexpr's
// tests so that their fixtures (package-level tables, golden cases, the
// fuzz corpus) are not in the binary: the benchmark allocates, and every
// GC cycle scans a test binary's globals, which moved its figures by 6–9%.
package builders_test

// Benchmarks of building and compiling one statement, the same in every
// library:
//
//	SELECT users.id, users.name, addresses.city FROM users
//	JOIN addresses ON users.id = addresses.user_id
//	WHERE users.name = $1 AND addresses.city IN ($2, $3)
//	ORDER BY users.id LIMIT 10
//
// TestBenchmarkStatements logs the text and arguments each produces.
// Run: go -C compat test ./builders -run '^$' -bench BuildCompile -benchmem -count 10

import (
	"testing"

	sq "github.com/Masterminds/squirrel"
	"github.com/doug-martin/goqu/v9"
	_ "github.com/doug-martin/goqu/v9/dialect/postgres"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

var (
	benchUsers     = sqlexpr.NewTable("users", "id", "name", "email")
	benchAddresses = sqlexpr.NewTable("addresses", "id", "user_id", "street", "city")
)

func alchemyStatement() sqlexpr.Statement {
	u, a := benchUsers, benchAddresses
	return sqlexpr.Select(u.C("id"), u.C("name"), a.C("city")).
		Join(a, u.C("id").Eq(a.C("user_id"))).
		Where(u.C("name").Eq("john"), a.C("city").In("Berlin", "Paris")).
		OrderBy(u.C("id")).
		Limit(10)
}

var goquDialect = goqu.Dialect("postgres")

func goquStatement() (string, []any, error) {
	return goquDialect.From("users").
		Select(goqu.I("users.id"), goqu.I("users.name"), goqu.I("addresses.city")).
		Join(goqu.T("addresses"), goqu.On(goqu.I("users.id").Eq(goqu.I("addresses.user_id")))).
		Where(goqu.I("users.name").Eq("john"), goqu.I("addresses.city").In("Berlin", "Paris")).
		Order(goqu.I("users.id").Asc()).
		Limit(10).
		Prepared(true).
		ToSQL()
}

func squirrelStatement() (string, []any, error) {
	return sq.Select("users.id", "users.name", "addresses.city").
		From("users").
		Join("addresses ON users.id = addresses.user_id").
		Where(sq.Eq{"users.name": "john"}).
		Where(sq.Eq{"addresses.city": []string{"Berlin", "Paris"}}).
		OrderBy("users.id").
		Limit(10).
		PlaceholderFormat(sq.Dollar).
		ToSql()
}

// TestBenchmarkStatements prints what each benchmarked builder produces,
// so that the comparison can be checked to be fair.
func TestBenchmarkStatements(t *testing.T) {
	sql, args, err := sqlexpr.Compile(alchemyStatement(), postgresql.Dialect)
	t.Logf("alchemy:  %s %v %v", sql, args, err)
	sql, args, err = goquStatement()
	t.Logf("goqu:     %s %v %v", sql, args, err)
	sql, args, err = squirrelStatement()
	t.Logf("squirrel: %s %v %v", sql, args, err)
}

func BenchmarkBuildCompile(b *testing.B) {
	uncached := sqlexpr.NewCompiler(0)
	cached := sqlexpr.NewCompiler(sqlexpr.DefaultCacheSize)
	b.Run("lib=alchemy/cache=off", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := uncached.Compile(alchemyStatement(), postgresql.Dialect); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=alchemy/cache=hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := cached.Compile(alchemyStatement(), postgresql.Dialect); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=goqu", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := goquStatement(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=squirrel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := squirrelStatement(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
