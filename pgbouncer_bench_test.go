package alchemy_test

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/internal/testdb"
)

// BenchmarkPgBouncerPointSelect: 32 goroutines running a point select
// ("SELECT $1::int") as fast as they can, straight to PostgreSQL and
// through a transaction-mode pgbouncer with 4 server connections (the
// setup of TestBehindPgBouncer), through database/sql over pgx/stdlib
// and through alchemy. ns/op is wall time per query over all 32
// goroutines; ops/s is its inverse. -count repeats each variant in a
// row, so for ratios on a machine whose load changes run them
// interleaved, one round at a time:
//
//	go test -c -o /tmp/alchemy.test . && for i in 1 2 3 4 5 6 7; do
//	  /tmp/alchemy.test -test.run '^$' -test.bench PgBouncerPointSelect -test.benchtime 4000x
//	done | tee bouncer.txt
//
// and compare the medians of the per-round ratios (benchstat gives the
// medians of each variant).
func BenchmarkPgBouncerPointSelect(b *testing.B) {
	raw := testdb.Postgres(b)
	bnc := newPgBouncer(b, raw, bouncerOptions{serverConns: 4})
	pgx := func(url string) func() *sql.DB {
		return func() *sql.DB {
			db := testdb.Plain(b, url)
			db.SetMaxOpenConns(32)
			db.SetMaxIdleConns(32) // database/sql's default of 2 would reconnect all the time
			return db
		}
	}
	alch := func(url string) func() *sql.DB { return func() *sql.DB { return openDB(b, url) } }
	for _, v := range []struct {
		name string
		open func() *sql.DB
	}{
		{"direct/pgx-stdlib", pgx(raw)},
		{"direct/alchemy", alch(withQuery(raw, "pool_size=32&max_overflow=0"))},
		{"bouncer/pgx-stdlib-exec", pgx(withQuery(bnc.url, "default_query_exec_mode=exec"))},
		{"bouncer/alchemy-queuepool-32", alch(withQuery(bnc.url, "pgbouncer=true&pool_size=32&max_overflow=0"))},
		{"bouncer/alchemy-queuepool-4", alch(withQuery(bnc.url, "pgbouncer=true&pool_size=4&max_overflow=0&pool_timeout=30"))},
		{"bouncer/alchemy-nullpool", alch(withQuery(bnc.url, "pgbouncer=true&poolclass=null"))},
	} {
		db := v.open()
		b.Run(v.name, func(b *testing.B) {
			pointSelect32(b, db, 64) // warm: open the pool's connections
			b.ResetTimer()
			start := time.Now()
			pointSelect32(b, db, b.N)
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
		})
		db.Close()
	}
}

// pointSelect32 runs n point selects on db from 32 goroutines.
func pointSelect32(b *testing.B, db *sql.DB, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	ctx := context.Background()
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var v int
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				if err := db.QueryRowContext(ctx, "SELECT $1::int", i).Scan(&v); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
