package alchemy_test

import (
	"context"
	"database/sql"
	"fmt"
	"syscall"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// prepBench is one server for BenchmarkDropInPreparedQueryRow.
type prepBench struct {
	name  string
	url   func(testing.TB) string
	query string // one argument, one int column
	// prepares returns a counter that grows by one for every statement
	// the server prepared on this session (read on the session itself).
	prepares func(b *testing.B, c *sql.Conn, query string) int64
	// execs returns how many times the server ran the session's prepared
	// statement of query (-1 where the server does not say).
	execs func(b *testing.B, c *sql.Conn, query string) int64
}

var prepBenches = []prepBench{
	{
		name: "postgresql", url: testdb.Postgres, query: "SELECT $1::int + 1",
		// pg_stat_statements needs shared_preload_libraries, which the shared
		// server does not have: the backend's own pg_prepared_statements
		// lists the statements prepared on it, with the executions of each
		// (generic_plans + custom_plans, PostgreSQL 14+). A statement
		// prepared again and again would show a low count per row.
		prepares: func(b *testing.B, c *sql.Conn, query string) int64 {
			return queryInt(b, c, "SELECT count(*) FROM pg_prepared_statements WHERE statement = '"+query+"'")
		},
		execs: func(b *testing.B, c *sql.Conn, query string) int64 {
			return queryInt(b, c, "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements WHERE statement = '"+query+"'")
		},
	},
	{
		name: "mariadb", url: testdb.MySQL, query: "SELECT ? + 1",
		// The session's Com_stmt_prepare counts every COM_STMT_PREPARE it
		// received, whoever closed the statement since.
		prepares: func(b *testing.B, c *sql.Conn, query string) int64 {
			var name string
			var n int64
			if err := c.QueryRowContext(context.Background(), "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").Scan(&name, &n); err != nil {
				b.Fatal(err)
			}
			return n
		},
		execs: func(b *testing.B, c *sql.Conn, query string) int64 {
			var name string
			var n int64
			if err := c.QueryRowContext(context.Background(), "SHOW SESSION STATUS LIKE 'Com_stmt_execute'").Scan(&name, &n); err != nil {
				b.Fatal(err)
			}
			return n
		},
	},
}

func queryInt(b *testing.B, c *sql.Conn, q string) int64 {
	var n int64
	if err := c.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		b.Fatalf("%s: %v", q, err)
	}
	return n
}

// BenchmarkDropInPreparedQueryRow: db.Prepare once, then stmt.QueryRow
// b.N times (the figure is -benchtime 1000x), through alchemy and
// over the driver directly, on one connection each (pool_size=1,
// SetMaxOpenConns(1)) so that the server-side counters read on that
// session cover every execution. Reported: server_prepares (statements
// the server prepared for the whole run, the db.Prepare included) and
// server_execs_per_op (executions the server counted, per QueryRow).
//
// Interleave the two for a ratio, on a quiet machine or under callgrind:
//
//	go test -c -o /tmp/alchemy.test .
//	for i in 1 2 3 4 5 6; do /tmp/alchemy.test -test.run '^$' -test.bench 'DropInPreparedQueryRow' -test.benchtime 1000x; done | tee prep.txt
//	benchstat -col /side prep.txt
func BenchmarkDropInPreparedQueryRow(b *testing.B) {
	for _, pb := range prepBenches {
		b.Run(pb.name, func(b *testing.B) {
			raw := pb.url(b) // skips without the server's env var
			for _, side := range []string{"side=driver", "side=alchemy"} {
				b.Run(side, func(b *testing.B) {
					var db *sql.DB
					if side == "side=alchemy" {
						db = openDB(b, withQuery(raw, "pool_size=1&max_overflow=0"))
					} else {
						c, err := alchemy.NewConnector(raw)
						if err != nil {
							b.Fatal(err)
						}
						b.Cleanup(func() { c.Close() })
						db = sql.OpenDB(c.Underlying())
						b.Cleanup(func() { db.Close() })
						db.SetMaxOpenConns(1)
						db.SetMaxIdleConns(1)
					}
					benchPrepared(b, db, pb)
				})
			}
		})
	}
}

func benchPrepared(b *testing.B, db *sql.DB, pb prepBench) {
	ctx := context.Background()
	// The session's counters are read through a *sql.Conn, which holds the
	// only connection; it is released for the loop and taken again after
	// (the pool of one gives back the same session).
	sc, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	prep0, exec0 := pb.prepares(b, sc, pb.query), pb.execs(b, sc, pb.query)
	sc.Close()

	stmt, err := db.PrepareContext(ctx, pb.query)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	b.ReportAllocs()
	cpu0 := processCPU(b)
	b.ResetTimer()
	if err := preparedLoop(ctx, stmt, b.N); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	// The client's CPU time (user + system, every thread) per QueryRow:
	// less at the mercy of a busy machine than the wall time, which is
	// mostly waiting for the server.
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")

	sc, err = db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer sc.Close()
	prepares := pb.prepares(b, sc, pb.query) - prep0
	b.ReportMetric(float64(prepares), "server_prepares")
	b.ReportMetric(float64(pb.execs(b, sc, pb.query)-exec0)/float64(b.N), "server_execs/op")
	if prepares != 1 {
		b.Errorf("the server prepared the statement %d times for %d executions, want once", prepares, b.N)
	}
}

// preparedLoop is the measured loop, a function of its own so that
// callgrind can count its instructions alone:
//
//	CGO_ENABLED=0 go test -c -o /tmp/dropin.test .
//	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --toggle-collect='*preparedLoop' \
//		/tmp/dropin.test -test.run '^$' -test.bench 'DropInPreparedQueryRow/mariadb/side=alchemy$' -test.benchtime 1000x
//
//go:noinline
func preparedLoop(ctx context.Context, stmt *sql.Stmt, n int) error {
	for i := 0; i < n; i++ {
		var got int
		if err := stmt.QueryRowContext(ctx, i).Scan(&got); err != nil || got != i+1 {
			return fmt.Errorf("QueryRow %d: %d, %v", i, got, err)
		}
	}
	return nil
}

// processCPU returns the process's user + system CPU time in ns.
func processCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
