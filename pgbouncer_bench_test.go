package alchemy_test

import (
	"context"
	"database/sql"
	"sort"
	"strings"
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
	for _, v := range bouncerVariants(b, raw, bnc) {
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

type bouncerVariant struct {
	name string
	open func() *sql.DB
}

// bouncerVariants are the paths the throughput benchmarks compare.
func bouncerVariants(b *testing.B, raw string, bnc *pgBouncer) []bouncerVariant {
	pgx := func(url string) func() *sql.DB {
		return func() *sql.DB {
			db := testdb.Plain(b, url)
			db.SetMaxOpenConns(32)
			db.SetMaxIdleConns(32) // database/sql's default of 2 would reconnect all the time
			return db
		}
	}
	alch := func(url string) func() *sql.DB { return func() *sql.DB { return openDB(b, url) } }
	return []bouncerVariant{
		{"direct/pgx-stdlib", pgx(raw)},
		{"direct/alchemy", alch(withQuery(raw, "pool_size=32&max_overflow=0"))},
		{"bouncer/pgx-stdlib-exec", pgx(withQuery(bnc.url, "default_query_exec_mode=exec"))},
		{"bouncer/alchemy-queuepool-32", alch(withQuery(bnc.url, "pgbouncer=true&pool_size=32&max_overflow=0"))},
		{"bouncer/alchemy-queuepool-4", alch(withQuery(bnc.url, "pgbouncer=true&pool_size=4&max_overflow=0&pool_timeout=30"))},
		{"bouncer/alchemy-nullpool", alch(withQuery(bnc.url, "pgbouncer=true&poolclass=null"))},
	}
}

// BenchmarkPgBouncerInterleaved times the same paths as
// BenchmarkPgBouncerPointSelect, interleaved finely for a machine whose
// load changes under it: each of b.N rounds runs a chunk of 256 point
// selects (32 goroutines) on every path in turn, and the metrics are the
// medians over the rounds of each path's time per select divided by
// pgx/stdlib's through the bouncer (x-…) and straight to PostgreSQL
// (direct-x-…), plus each path's median µs per select:
//
//	go test -run '^$' -bench PgBouncerInterleaved -benchtime 40x .
func BenchmarkPgBouncerInterleaved(b *testing.B) {
	raw := testdb.Postgres(b)
	bnc := newPgBouncer(b, raw, bouncerOptions{serverConns: 4})
	variants := bouncerVariants(b, raw, bnc)
	dbs := make([]*sql.DB, len(variants))
	for i, v := range variants {
		dbs[i] = v.open()
		pointSelect32(b, dbs[i], 64)
	}
	const chunk = 256
	per := make([][]float64, len(variants)) // µs per select, per round
	b.ResetTimer()
	for range b.N {
		for i, db := range dbs {
			start := time.Now()
			pointSelect32(b, db, chunk)
			per[i] = append(per[i], float64(time.Since(start).Microseconds())/chunk)
		}
	}
	b.StopTimer()
	const direct, bounced = 0, 2 // pgx/stdlib direct and through the bouncer
	for i, v := range variants {
		name := strings.ReplaceAll(v.name, "/", "_")
		var vsBouncer, vsDirect []float64
		for r := range per[i] {
			vsBouncer = append(vsBouncer, per[i][r]/per[bounced][r])
			vsDirect = append(vsDirect, per[i][r]/per[direct][r])
		}
		b.ReportMetric(bouncerMedian(per[i]), "µs-"+name)
		b.ReportMetric(bouncerMedian(vsBouncer), "x-"+name)
		b.ReportMetric(bouncerMedian(vsDirect), "direct-x-"+name)
	}
}

func bouncerMedian(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
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
