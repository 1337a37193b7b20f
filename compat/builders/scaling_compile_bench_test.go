package builders_test

import (
	"fmt"
	"testing"

	"github.com/doug-martin/goqu/v9"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// BenchmarkScalingCompile: build and compile statements that grow, with
// sqlexpr (cache hit, uncached) and goqu: an IN list of 10, 100 and
// 1,000 values, and a chain of 2, 5, 10 and 20 joins. ns/op should grow
// linearly with the size (ns/unit flat). bench/cmd/scaling measures the
// same interleaved and plots it.
//
//	go -C compat test ./builders -run '^$' -bench ScalingCompile -benchmem
func BenchmarkScalingCompile(b *testing.B) {
	hit, off := sqlexpr.NewCompiler(sqlexpr.DefaultCacheSize), sqlexpr.NewCompiler(0)
	run := func(b *testing.B, n int, f func() error) {
		if err := f(); err != nil { // fills the cache for the cache-hit case
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := f(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
	}
	for _, n := range []int{10, 100, 1000} {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = int64(i)
		}
		users := sqlexpr.NewTable("users", "id", "name")
		alchemyIn := func(c *sqlexpr.Compiler) func() error {
			return func() error {
				_, _, err := c.Compile(sqlexpr.Select(users.C("id"), users.C("name")).Where(users.C("id").In(vals...)), postgresql.Dialect)
				return err
			}
		}
		b.Run(fmt.Sprintf("in=%d/lib=alchemy/cache=hit", n), func(b *testing.B) { run(b, n, alchemyIn(hit)) })
		b.Run(fmt.Sprintf("in=%d/lib=alchemy/cache=off", n), func(b *testing.B) { run(b, n, alchemyIn(off)) })
		b.Run(fmt.Sprintf("in=%d/lib=goqu", n), func(b *testing.B) {
			run(b, n, func() error {
				_, _, err := goquDialect.From("users").Select(goqu.I("users.id"), goqu.I("users.name")).
					Where(goqu.I("users.id").In(vals...)).Prepared(true).ToSQL()
				return err
			})
		})
	}
	for _, n := range []int{2, 5, 10, 20} {
		tables := make([]*sqlexpr.TableClause, n+1)
		names := make([]string, n+1)
		for i := range tables {
			names[i] = fmt.Sprintf("t%d", i)
			tables[i] = sqlexpr.NewTable(names[i], "id", "parent_id", "name")
		}
		alchemyJoins := func(c *sqlexpr.Compiler) func() error {
			return func() error {
				s := sqlexpr.Select(tables[0].C("id"), tables[n].C("name"))
				for i := 1; i <= n; i++ {
					s = s.Join(tables[i], tables[i-1].C("id").Eq(tables[i].C("parent_id")))
				}
				_, _, err := c.Compile(s.Where(tables[0].C("name").Eq("x")), postgresql.Dialect)
				return err
			}
		}
		b.Run(fmt.Sprintf("joins=%d/lib=alchemy/cache=hit", n), func(b *testing.B) { run(b, n, alchemyJoins(hit)) })
		b.Run(fmt.Sprintf("joins=%d/lib=alchemy/cache=off", n), func(b *testing.B) { run(b, n, alchemyJoins(off)) })
		b.Run(fmt.Sprintf("joins=%d/lib=goqu", n), func(b *testing.B) {
			run(b, n, func() error {
				ds := goquDialect.From(names[0]).Select(goqu.I(names[0]+".id"), goqu.I(names[n]+".name"))
				for i := 1; i <= n; i++ {
					ds = ds.Join(goqu.T(names[i]), goqu.On(goqu.I(names[i-1]+".id").Eq(goqu.I(names[i]+".parent_id"))))
				}
				_, _, err := ds.Where(goqu.I(names[0] + ".name").Eq("x")).Prepared(true).ToSQL()
				return err
			})
		})
	}
}
