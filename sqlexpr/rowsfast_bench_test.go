package sqlexpr_test

import (
	"fmt"
	"testing"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// BenchmarkRowsFastCompileIn: a compile-cache hit of a SELECT with an IN
// list of n values, rebuilt each time as a program builds it. The hit
// returns the values in a slice of the caller's; allocs/op should not
// grow with n beyond that one slice (and the statement's own nodes).
//
//	go test ./sqlexpr -run '^$' -bench RowsFastCompileIn -benchmem
func BenchmarkRowsFastCompileIn(b *testing.B) {
	t := sqlexpr.NewTable("items", "id", "name", "qty")
	c := sqlexpr.NewCompiler(100)
	for _, n := range []int{1, 8, 10, 100, 1000} {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = int64(i)
		}
		build := func() *sqlexpr.SelectStmt {
			return sqlexpr.Select(t).Where(t.C("id").In(vals...)).Limit(10)
		}
		if _, _, err := c.Compile(build(), postgresql.Dialect); err != nil {
			b.Fatal(err)
		}
		stmt := build()
		b.Run(fmt.Sprintf("in=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, args, err := c.Compile(stmt, postgresql.Dialect)
				if err != nil || len(args) != n+1 {
					b.Fatal(len(args), err)
				}
			}
		})
	}
}
