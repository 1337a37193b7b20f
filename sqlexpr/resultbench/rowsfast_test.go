package resultbench_test

// Typed results through the generic helpers, the Engine + sqlexpr
// path's way of reading rows: All[T] and One[T] into a struct, against
// database/sql with the same text scanning into the same struct.
// allocs/op is the figure to watch (it does not depend on the load):
//
//	go test ./sqlexpr/resultbench -run '^$' -bench RowsFastTyped -benchmem

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/sqlexpr"
)

type typedRow struct {
	ID     int64
	Name   string
	Amount float64
	At     time.Time
	Flag   bool
}

func BenchmarkRowsFastTyped(b *testing.B) {
	for _, srv := range resultServers() {
		f := openResultFixture(b, srv.url)
		for _, n := range []int{1, 100} {
			for _, table := range []struct {
				name string
				t    *sqlexpr.TableClause
			}{{"untyped", f.untyped}, {"typed", f.typed.Clause()}} {
				stmt := selectN(table.t, n)
				sqlText, args, err := sqlexpr.Compile(stmt, f.d)
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				b.Run(fmt.Sprintf("%s/rows=%d/%s/database_sql", srv.name, n, table.name), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						rows, err := f.db.QueryContext(ctx, sqlText, args...)
						if err != nil {
							b.Fatal(err)
						}
						var out []typedRow
						for rows.Next() {
							var r typedRow
							if err := rows.Scan(&r.ID, &r.Name, &r.Amount, &r.At, &r.Flag); err != nil {
								b.Fatal(err)
							}
							out = append(out, r)
						}
						if err := rows.Close(); err != nil || len(out) != n {
							b.Fatal(len(out), err)
						}
					}
				})
				b.Run(fmt.Sprintf("%s/rows=%d/%s/All", srv.name, n, table.name), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						out, err := sqlexpr.All[typedRow](ctx, f.db, stmt)
						if err != nil || len(out) != n {
							b.Fatal(len(out), err)
						}
					}
				})
				if n == 1 {
					b.Run(fmt.Sprintf("%s/rows=1/%s/One", srv.name, table.name), func(b *testing.B) {
						b.ReportAllocs()
						for b.Loop() {
							if _, err := sqlexpr.One[typedRow](ctx, f.db, stmt); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		}
	}
}
